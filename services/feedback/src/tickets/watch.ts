import type { WorkingCalendar } from '@asn/contracts';
import { derivedId } from '@asn/event-store';
import type { OrgChart } from '@asn/org-chart';
import type { SubjectKeyStore } from '@asn/privacy';
import type { Logger } from '@asn/service-kit';
import type { FeedbackReadModel } from '../readModel';
import { escalationKey } from './ticket.domain';
import { contactSubject, handleTicketCommand, type TicketHandlerDeps } from './ticket.handlers';

const DAY_MS = 86_400_000;
/** Tickets handled per sweep and kind; the next sweep takes the rest. */
const PAGE = 500;

/** The head of a unit on a date: its highest active holder of a managerial position. */
export const headOf = (orgChart: OrgChart, unitId: string, date: string): string | undefined => {
  const first = orgChart.membersOf(unitId, date)[0];
  return first?.position.kind === 'managerial' ? first.employeeId : undefined;
};

export interface WatchDeps {
  handlers: TicketHandlerDeps;
  readModel: FeedbackReadModel;
  keys: SubjectKeyStore;
  calendar: () => WorkingCalendar;
  /** Contact details of closed tickets are erased this many days after closing. */
  retentionDays: number;
  intervalMs: number;
  logger: Logger;
}

export interface Watch {
  /** One sweep now: escalations of missed deadlines, then erasures due by retention. */
  sweep(): Promise<{ escalated: number; erased: number }>;
  stop(): Promise<void>;
}

/**
 * The deadline watch and the retention sweep, on a timer. Each step is a command with an id derived from
 * what it is about (ticket, deadline, unit, due time; ticket and closing time), so that two sweeps, two
 * replicas or a sweep after a crash write it once.
 */
export const startWatch = (deps: WatchDeps): Watch => {
  const { handlers, readModel, logger } = deps;
  const system = (subject: string, seed: string) => ({ actor: { subject, role: 'system' }, eventId: (i: number) => derivedId(seed, `event-${i}`) });

  const sweep = async () => {
    const now = handlers.now();
    const today = deps.calendar().localDate(now);
    let escalated = 0;
    for (const ticket of readModel.overdue(now, PAGE)) {
      if (!ticket.nextDue) continue;
      const deadline = ticket.firstResponseAt === undefined ? 'first-response' : 'resolution';
      const key = escalationKey(deadline, ticket.unitId, ticket.nextDue);
      if (ticket.state.escalations.includes(key)) continue;
      const headId = headOf(readModel.orgChart, ticket.unitId, today);
      const outcome = await handleTicketCommand(
        handlers,
        ticket.ticketId,
        { type: 'EscalateTicket', deadline, dueAt: ticket.nextDue, ...(headId ? { headId } : {}) },
        system('deadline-watch', `${ticket.ticketId}|escalation|${key}`),
      );
      if (outcome.events.length > 0) escalated += 1;
      await readModel.waitFor(ticket.ticketId, outcome.revision);
    }
    let erased = 0;
    for (const ticket of readModel.contactsToErase(new Date(now.getTime() - deps.retentionDays * DAY_MS), PAGE)) {
      // The key first, then the record of it (see the public erasure).
      deps.keys.erase(contactSubject(ticket.ticketId));
      const outcome = await handleTicketCommand(handlers, ticket.ticketId, { type: 'EraseContact', reason: 'retention' }, system('retention', `${ticket.ticketId}|retention|${ticket.closedAt ?? ''}`));
      if (outcome.events.length > 0) erased += 1;
      await readModel.waitFor(ticket.ticketId, outcome.revision);
    }
    if (escalated + erased > 0) logger.info({ escalated, erased }, 'feedback sweep');
    return { escalated, erased };
  };

  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'the feedback sweep failed; it runs again at the next interval'))
        .finally(schedule);
    }, deps.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    sweep,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
