import { CalendarDate, type TicketKind } from '@asn/contracts';
import { rulesLoader } from '@asn/runtime';
import { z } from 'zod';
import shipped from './feedback-rules.json' with { type: 'json' };

// The feedback events carry no deadlines (only an escalation names the one it missed), so the reporting
// service computes them as the feedback service does: working days after the local day of receipt (or of the
// latest reopening), under the same rules. feedback-rules.json is a copy of the feedback service's file, kept
// equal by complaints.unit.test.ts; the calendar below mirrors services/feedback/src/tickets/deadlines.ts.
// Both belong in a package shared by the two services (a follow-up: services are never imported).

const Deadline = z.object({ workingDays: z.number().int().min(1).max(365) });

export const DeadlineRules = z.object({
  version: z.string().trim().min(1).max(50),
  utcOffsetMinutes: z.number().int().min(-720).max(840),
  deadlines: z.object({
    firstResponse: Deadline,
    resolution: z.object({ complaint: Deadline, 'information-request': Deadline, dispute: Deadline, 'dispute-field-check': Deadline }),
  }),
  dueSoonWorkingDays: z.number().int().min(0).max(30),
  holidays: z.object({ dates: z.array(CalendarDate).max(1000) }),
});
export type DeadlineRules = z.infer<typeof DeadlineRules>;

export const { loadRules: loadDeadlineRules } = rulesLoader(DeadlineRules, 'complaint deadline');
export const DEFAULT_DEADLINE_RULES: DeadlineRules = Object.freeze(loadDeadlineRules(shipped));

const DAY_MS = 86_400_000;
const plusDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export interface WorkingCalendar {
  localDate(at: Date): string;
  addWorkingDays(date: string, n: number): string;
  endOf(date: string): Date;
}

export const workingCalendar = (rules: Pick<DeadlineRules, 'utcOffsetMinutes' | 'holidays'>): WorkingCalendar => {
  const offsetMs = rules.utcOffsetMinutes * 60_000;
  const holidays = new Set(rules.holidays.dates);
  const isWorkingDay = (date: string): boolean => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !holidays.has(date);
  };
  return {
    localDate: (at) => new Date(at.getTime() + offsetMs).toISOString().slice(0, 10),
    addWorkingDays: (date, n) => {
      let day = date;
      for (let counted = 0; counted < n; ) {
        day = plusDays(day, 1);
        if (isWorkingDay(day)) counted += 1;
      }
      return day;
    },
    endOf: (date) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - offsetMs - 1),
  };
};

export const resolutionRule = (kind: TicketKind, fieldCheck: boolean): keyof DeadlineRules['deadlines']['resolution'] =>
  kind === 'dispute' ? (fieldCheck ? 'dispute-field-check' : 'dispute') : kind;

/** The end of the `workingDays`-th working day after the local day of `from`. */
export const dueAfter = (calendar: WorkingCalendar, from: Date, workingDays: number): Date =>
  calendar.endOf(calendar.addWorkingDays(calendar.localDate(from), workingDays));
