import type { TicketKind } from './events';
import type { FeedbackRules } from './rules';
import { cityDate } from '../cityClock';

// The working-day deadlines of a public feedback ticket, pure functions of the rules: the feedback service keeps
// them on its tickets, the reporting service computes them from the feedback events (which carry none), so the
// two agree by construction.

const DAY_MS = 86_400_000;

/** The working calendar of the rules: the city's day boundaries, weekends and holidays. */
export interface WorkingCalendar {
  /** The local calendar date (YYYY-MM-DD) of an instant. */
  localDate(at: Date): string;
  isWorkingDay(date: string): boolean;
  /** The `n`-th working day after `date` (the date itself not counted). */
  addWorkingDays(date: string, n: number): string;
  /** The last instant of a local date: a deadline on that day is met by anything up to it. */
  endOf(date: string): Date;
}

const plusDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const workingCalendar = (rules: Pick<FeedbackRules, 'utcOffsetMinutes' | 'holidays'>): WorkingCalendar => {
  const offsetMs = rules.utcOffsetMinutes * 60_000;
  const holidays = new Set(rules.holidays.dates);
  const isWorkingDay = (date: string): boolean => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !holidays.has(date);
  };
  const addWorkingDays = (date: string, n: number): string => {
    let day = date;
    for (let counted = 0; counted < n; ) {
      day = plusDays(day, 1);
      if (isWorkingDay(day)) counted += 1;
    }
    return day;
  };
  return {
    localDate: (at) => cityDate(at, rules.utcOffsetMinutes),
    isWorkingDay,
    addWorkingDays,
    endOf: (date) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - offsetMs - 1),
  };
};

/** Which resolution deadline applies to a ticket of this kind. */
export const resolutionRule = (kind: TicketKind, fieldCheck: boolean): keyof FeedbackRules['deadlines']['resolution'] =>
  kind === 'dispute' ? (fieldCheck ? 'dispute-field-check' : 'dispute') : kind;

/**
 * A deadline of `workingDays` counted from an instant: the end of the `workingDays`-th working day after the
 * local day it happened on (a ticket received on a Friday evening with 3 days is due at the end of Wednesday).
 */
export const dueAfter = (calendar: WorkingCalendar, from: Date, workingDays: number): Date =>
  calendar.endOf(calendar.addWorkingDays(calendar.localDate(from), workingDays));
