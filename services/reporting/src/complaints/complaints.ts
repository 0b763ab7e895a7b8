import type { DecodedEvent } from '@asn/bus';
import { DEFAULT_FEEDBACK_RULES, dueAfter, parseStreamId, resolutionRule, workingCalendar, type FeedbackEventData, type FeedbackRules, type TicketKind } from '@asn/contracts';
import type { Database } from 'better-sqlite3';
import { protect, suppressed, SMALL_CELL_THRESHOLD, type Count } from '../careers/figures';

/**
 * Public feedback tickets with their deadlines per unit, from the feedback topic: each ticket's unit (after
 * routing), kind, status and times. No personal data: no texts, no contact details, no token hashes, no
 * ticket numbers, not even the employee a ticket is about; only ids, unit, kind, status and times.
 * Deadlines are computed when asked, under the rules given, so a holiday added changes them: the events carry no
 * deadlines (only an escalation names the one it missed), so they are computed as the feedback service does, with
 * the same code and the same shipped rules from @asn/contracts (working days after the local day of receipt, or
 * of the latest reopening).
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS complaint_tickets (
  ticket_id TEXT PRIMARY KEY,
  unit_id TEXT,
  kind TEXT NOT NULL,
  field_check INTEGER NOT NULL,
  status TEXT NOT NULL,
  received_at TEXT NOT NULL,
  resolution_from TEXT NOT NULL,
  first_response_at TEXT,
  closed_at TEXT,
  revision INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS complaint_tickets_by_receipt ON complaint_tickets (received_at);
`;

export const COMPLAINT_TABLES = ['complaint_tickets'] as const;

export type TicketStatus = 'open' | 'awaiting-information' | 'resolved' | 'dismissed';

interface TicketRow {
  ticket_id: string;
  unit_id: string | null;
  kind: string;
  field_check: number;
  status: string;
  received_at: string;
  resolution_from: string;
  first_response_at: string | null;
  closed_at: string | null;
  revision: number;
}

/** One ticket as of a time, with its deadlines. */
export interface TicketDeadlines {
  ticketId: string;
  /** Where the ticket is (after routing); null while no unit was named or routed to. */
  unitId: string | null;
  kind: TicketKind;
  status: TicketStatus;
  receivedAt: string;
  firstResponseDue: string;
  firstResponseAt?: string;
  resolutionDue: string;
  /** When it was resolved or dismissed. */
  closedAt?: string;
  /** The deadline that matters now: the first response while none was given, else the resolution; none once closed. */
  nextDue?: string;
  late: boolean;
  dueSoon: boolean;
  /** Answered by the first-response deadline; null while it is neither answered nor past due. */
  answeredOnTime: boolean | null;
  /** Closed by the resolution deadline; null while it is neither closed nor past due. */
  resolvedOnTime: boolean | null;
}

export interface UnitComplaints {
  unitId: string | null;
  unitName: string | null;
  /** Received by the time asked. */
  tickets: number;
  open: number;
  dueSoon: number;
  late: number;
  /** Of the tickets whose first response was given or is past due, the share answered on time (0..1); null when none. */
  answeredOnTimeShare: number | null;
  /** Of the tickets closed or past their resolution deadline, the share closed on time (0..1); null when none. */
  resolvedOnTimeShare: number | null;
}

export interface Complaints {
  /** Records one feedback-topic event; other events are ignored. */
  apply(event: DecodedEvent): void;
  /** Every ticket received by `asOf`, as it stood then (what happened after counts as not yet), by receipt then id. */
  tickets(asOf: Date): TicketDeadlines[];
  /** Per unit, by unit id (tickets not routed yet last). */
  units(asOf: Date, unitName: (unitId: string) => string | undefined): UnitComplaints[];
  /** The deadline rules counted with (the feedback service's). */
  rules(): FeedbackRules;
}

const CLOSED = new Set(['resolved', 'dismissed']);
const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
export const shareOf = (outcomes: readonly (boolean | null)[]): number | null => {
  const known = outcomes.filter((o): o is boolean => o !== null);
  return known.length === 0 ? null : round4(known.filter(Boolean).length / known.length);
};

type Data<T extends FeedbackEventData['type']> = Extract<FeedbackEventData, { type: T }>['data'];

export const openComplaints = (db: Database, rules: () => FeedbackRules = () => DEFAULT_FEEDBACK_RULES): Complaints => {
  db.exec(SCHEMA);
  const revisionOf = db.prepare<[string], { revision: number }>('SELECT revision FROM complaint_tickets WHERE ticket_id = ?');
  const submitted = db.prepare(
    `INSERT INTO complaint_tickets (ticket_id, unit_id, kind, field_check, status, received_at, resolution_from, revision)
     VALUES (@ticketId, @unitId, @kind, 0, 'open', @receivedAt, @receivedAt, @revision) ON CONFLICT (ticket_id) DO NOTHING`,
  );
  const update = (set: string) => db.prepare(`UPDATE complaint_tickets SET ${set}, revision = @revision WHERE ticket_id = @ticketId`);
  const routed = update('unit_id = @unitId');
  const classified = update('kind = @kind, field_check = @fieldCheck');
  const answered = update('first_response_at = COALESCE(first_response_at, @at), status = COALESCE(@status, status)');
  const provided = update("status = 'open'");
  const closed = update('first_response_at = COALESCE(first_response_at, @at), status = @status, closed_at = @at');
  const reopened = update("status = 'open', closed_at = NULL, resolution_from = @at");
  const touched = update('ticket_id = ticket_id');
  const all = db.prepare<[string], TicketRow>('SELECT * FROM complaint_tickets WHERE received_at <= ? ORDER BY received_at, ticket_id');

  const applyToTicket = (ticketId: string, revision: number, event: FeedbackEventData): void => {
    const known = revisionOf.get(ticketId);
    // The same or an earlier revision of the ticket's stream again: nothing changes.
    if (known !== undefined && known.revision >= revision) return;
    const at = { ticketId, revision };
    switch (event.type) {
      case 'TicketSubmitted': {
        const d: Data<'TicketSubmitted'> = event.data;
        submitted.run({ ...at, unitId: d.unitId ?? null, kind: d.kind, receivedAt: d.receivedAt });
        return;
      }
      case 'TicketRouted':
        routed.run({ ...at, unitId: event.data.unitId });
        return;
      case 'TicketClassified':
        classified.run({ ...at, kind: event.data.kind, fieldCheck: event.data.fieldCheck ? 1 : 0 });
        return;
      case 'TicketResponded':
        answered.run({ ...at, at: event.data.respondedAt, status: null });
        return;
      case 'InformationRequested':
        answered.run({ ...at, at: event.data.requestedAt, status: 'awaiting-information' });
        return;
      case 'InformationProvided':
        provided.run(at);
        return;
      case 'TicketResolved':
        closed.run({ ...at, at: event.data.resolvedAt, status: 'resolved' });
        return;
      case 'TicketDismissed':
        closed.run({ ...at, at: event.data.dismissedAt, status: 'dismissed' });
        return;
      case 'TicketReopened':
        reopened.run({ ...at, at: event.data.reopenedAt });
        return;
      case 'ComplaintSubstantiated':
      case 'TicketEscalated':
      case 'ContactErased':
        touched.run(at);
        return;
    }
  };

  const tickets = (asOf: Date): TicketDeadlines[] => {
    const r = rules();
    const calendar = workingCalendar(r);
    const now = asOf.getTime();
    const soonUntil = calendar.endOf(calendar.addWorkingDays(calendar.localDate(asOf), r.dueSoonWorkingDays)).getTime();
    const by = (instant: string | null): string | undefined => (instant !== null && Date.parse(instant) <= now ? instant : undefined);
    return all.all(asOf.toISOString()).map((row): TicketDeadlines => {
      const kind = row.kind as TicketKind;
      const firstResponseAt = by(row.first_response_at);
      const closedAt = CLOSED.has(row.status) ? by(row.closed_at) : undefined;
      const status = (CLOSED.has(row.status) && closedAt === undefined ? 'open' : row.status) as TicketStatus;
      const firstResponseDue = dueAfter(calendar, new Date(row.received_at), r.deadlines.firstResponse.workingDays);
      const resolutionDue = dueAfter(calendar, new Date(row.resolution_from), r.deadlines.resolution[resolutionRule(kind, row.field_check === 1)].workingDays);
      const nextDue = closedAt !== undefined ? undefined : firstResponseAt === undefined ? firstResponseDue : resolutionDue;
      return {
        ticketId: row.ticket_id,
        unitId: row.unit_id,
        kind,
        status,
        receivedAt: row.received_at,
        firstResponseDue: firstResponseDue.toISOString(),
        ...(firstResponseAt ? { firstResponseAt } : {}),
        resolutionDue: resolutionDue.toISOString(),
        ...(closedAt ? { closedAt } : {}),
        ...(nextDue ? { nextDue: nextDue.toISOString() } : {}),
        late: nextDue !== undefined && nextDue.getTime() < now,
        dueSoon: nextDue !== undefined && nextDue.getTime() >= now && nextDue.getTime() <= soonUntil,
        answeredOnTime: firstResponseAt !== undefined ? Date.parse(firstResponseAt) <= firstResponseDue.getTime() : firstResponseDue.getTime() < now ? false : null,
        resolvedOnTime: closedAt !== undefined ? Date.parse(closedAt) <= resolutionDue.getTime() : resolutionDue.getTime() < now ? false : null,
      };
    });
  };

  return {
    rules,
    apply: (event) => {
      if (!OF_INTEREST.has(event.eventType)) return;
      const { category, id } = parseStreamId(event.subject ?? '');
      if (category !== 'feedback') return;
      applyToTicket(id, event.streamrevision, { type: event.eventType, data: event.data } as FeedbackEventData);
    },
    tickets,
    units: (asOf, unitName) => {
      const byUnit = new Map<string | null, TicketDeadlines[]>();
      for (const t of tickets(asOf)) byUnit.set(t.unitId, [...(byUnit.get(t.unitId) ?? []), t]);
      return [...byUnit]
        .sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
        .map(([unitId, items]) => ({
          unitId,
          unitName: unitId === null ? null : (unitName(unitId) ?? null),
          tickets: items.length,
          open: items.filter((t) => t.nextDue !== undefined).length,
          dueSoon: items.filter((t) => t.dueSoon).length,
          late: items.filter((t) => t.late).length,
          answeredOnTimeShare: shareOf(items.map((t) => t.answeredOnTime)),
          resolvedOnTimeShare: shareOf(items.map((t) => t.resolvedOnTime)),
        }));
    },
  };
};

const OF_INTEREST = new Set<string>([
  'TicketSubmitted',
  'TicketRouted',
  'TicketClassified',
  'TicketResponded',
  'InformationRequested',
  'InformationProvided',
  'ComplaintSubstantiated',
  'TicketDismissed',
  'TicketResolved',
  'TicketReopened',
  'TicketEscalated',
  'ContactErased',
]);

/** One month of public complaint timeliness: counts suppressed as the public figures are, shares only of 5 or more tickets. */
export interface MonthTimeliness {
  month: string;
  tickets: Count;
  /** Share (0..1) of the month's tickets answered by the first-response deadline; null below 5 tickets or when none is due yet. */
  firstResponseOnTimeShare: number | null;
  resolutionOnTimeShare: number | null;
  /** Per unit, only for a month of 5 tickets or more; a unit's shares only when its own count is 5 or more. */
  byUnit: { unitName: string; tickets: Count; firstResponseOnTimeShare: number | null; resolutionOnTimeShare: number | null }[];
}

export interface ComplaintTimeliness {
  year: number;
  from: string;
  to: string;
  smallCells: string;
  byMonth: MonthTimeliness[];
}

const UNKNOWN_UNIT = '(unit not in the org chart)';
const UNROUTED = '(not routed yet)';

/**
 * Complaint timeliness for the public figures: per month of receipt from 1 January of `asOf`'s year to `asOf`,
 * the tickets received, and the shares of first responses and resolutions on time. Counts from 1 to 4 are
 * "<5" (careers/figures.ts), and no unit breakdown is given for a month below 5 tickets. Pass the tickets as of
 * the end of `asOf` (`complaints.tickets(...)`) and a unit-name lookup (the org chart's).
 */
export const complaintTimeliness = (asOf: string, tickets: readonly TicketDeadlines[], unitName: (unitId: string) => string | undefined, utcOffsetMinutes = DEFAULT_FEEDBACK_RULES.utcOffsetMinutes): ComplaintTimeliness => {
  const year = asOf.slice(0, 4);
  const localMonth = (instant: string) => new Date(Date.parse(instant) + utcOffsetMinutes * 60_000).toISOString().slice(0, 7);
  const months = Array.from({ length: Number(asOf.slice(5, 7)) }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  const enough = (n: number) => n >= SMALL_CELL_THRESHOLD;
  return {
    year: Number(year),
    from: `${year}-01-01`,
    to: asOf,
    smallCells: `Counts from 1 to ${SMALL_CELL_THRESHOLD - 1} are shown as "<${SMALL_CELL_THRESHOLD}"; shares and the breakdown by unit are given only for ${SMALL_CELL_THRESHOLD} tickets or more.`,
    byMonth: months.map((month): MonthTimeliness => {
      const inMonth = tickets.filter((t) => localMonth(t.receivedAt) === month);
      const byName = new Map<string, TicketDeadlines[]>();
      for (const t of inMonth) {
        const name = t.unitId === null ? UNROUTED : (unitName(t.unitId) ?? UNKNOWN_UNIT);
        byName.set(name, [...(byName.get(name) ?? []), t]);
      }
      const names = [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return {
        month,
        tickets: suppressed(inMonth.length),
        firstResponseOnTimeShare: enough(inMonth.length) ? shareOf(inMonth.map((t) => t.answeredOnTime)) : null,
        resolutionOnTimeShare: enough(inMonth.length) ? shareOf(inMonth.map((t) => t.resolvedOnTime)) : null,
        byUnit: enough(inMonth.length)
          ? protect(names.map(([name, items]) => [name, items.length] as const)).map(([name, count]) => {
              const items = byName.get(name) ?? [];
              const shown = typeof count === 'number' && enough(count);
              return {
                unitName: name,
                tickets: count,
                firstResponseOnTimeShare: shown ? shareOf(items.map((t) => t.answeredOnTime)) : null,
                resolutionOnTimeShare: shown ? shareOf(items.map((t) => t.resolvedOnTime)) : null,
              };
            })
          : [],
      };
    }),
  };
};
