import type { WorkingCalendar } from '@asn/contracts';
import { z } from 'zod';
import type { FeedbackReadModel, TicketSummary } from '../readModel';

export const FiguresQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? null) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const share = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

interface Timeliness {
  /** Tickets whose first response is given or overdue: the ones the share is about. */
  due: number;
  answered: number;
  answeredOnTime: number;
  shareOnTime: number | null;
  medianHoursToFirstResponse: number | null;
}

const timeliness = (tickets: readonly TicketSummary[], now: Date): Timeliness => {
  const answered = tickets.filter((t) => t.firstResponseAt !== undefined);
  const overdue = tickets.filter((t) => t.firstResponseAt === undefined && Date.parse(t.firstResponseDue) < now.getTime());
  const onTime = answered.filter((t) => (t.firstResponseAt ?? '') <= t.firstResponseDue);
  const hours = answered.map((t) => (Date.parse(t.firstResponseAt ?? t.receivedAt) - Date.parse(t.receivedAt)) / 3_600_000);
  const medianHours = median(hours);
  return {
    due: answered.length + overdue.length,
    answered: answered.length,
    answeredOnTime: onTime.length,
    shareOnTime: share(onTime.length, answered.length + overdue.length),
    medianHoursToFirstResponse: medianHours === null ? null : Math.round(medianHours * 10) / 10,
  };
};

/**
 * The public figures of a year (local calendar): counts per category and per unit, median time to a first
 * response, share answered within the deadline (an unanswered overdue ticket counts as late), resolutions on
 * time (an unresolved overdue ticket counts as late). Aggregates only: no ticket, text, employee or submitter appears.
 */
export const figuresOf = (readModel: FeedbackReadModel, year: number, calendar: WorkingCalendar, now: Date) => {
  const from = new Date(calendar.endOf(`${year - 1}-12-31`).getTime() + 1);
  const to = new Date(calendar.endOf(`${year}-12-31`).getTime() + 1);
  const tickets = readModel.receivedBetween(from, to);
  const byCategory: Record<string, number> = {};
  const units = new Map<string, TicketSummary[]>();
  for (const t of tickets) {
    byCategory[t.category] = (byCategory[t.category] ?? 0) + 1;
    const list = units.get(t.unitId);
    if (list) list.push(t);
    else units.set(t.unitId, [t]);
  }
  const closed = tickets.filter((t) => t.closedAt !== undefined);
  const closedOnTime = closed.filter((t) => (t.closedAt ?? '') <= t.resolutionDue);
  const unresolvedOverdue = tickets.filter((t) => t.closedAt === undefined && Date.parse(t.resolutionDue) < now.getTime());
  return {
    year,
    received: tickets.length,
    byCategory,
    firstResponse: timeliness(tickets, now),
    // As for first responses, a ticket still open past its resolution deadline counts as late.
    resolution: { due: closed.length + unresolvedOverdue.length, closed: closed.length, closedOnTime: closedOnTime.length, shareOnTime: share(closedOnTime.length, closed.length + unresolvedOverdue.length) },
    byUnit: [...units.entries()]
      .map(([unitId, list]) => ({ unitId, name: readModel.orgChart.unit(unitId)?.name ?? null, received: list.length, firstResponse: timeliness(list, now) }))
      .sort((a, b) => b.received - a.received || a.unitId.localeCompare(b.unitId)),
  };
};
