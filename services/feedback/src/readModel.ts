import { dueAfter, feedbackEventRegistry, parseStreamId, resolutionRule, workingCalendar, type TicketKind, type WorkingCalendar } from '@asn/contracts';
import type { CheckpointStore, RecordedEvent } from '@asn/event-store';
import { openOrgChart, type OrgChart } from '@asn/org-chart';
import Database from 'better-sqlite3';
import type { FeedbackRules } from './rules/rules';
import { evolveTicket, initialTicket, type Ticket, type TicketStatus } from './tickets/ticket.domain';

/**
 * The feedback read models in one SQLite file (DATA_DIR/feedback.readmodel.db): every ticket as folded by the
 * decider's own `evolveTicket` with its deadlines (for the queues, the deadline watch, the retention sweep and
 * the public figures), the org chart (from asn.personnel.v1: routing and unit heads), the consumer's inbox and
 * how far the service's own events were read from the store. No personal value is kept here: texts and
 * contacts stay sealed in the events. Disposable: delete the file and it is rebuilt.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tickets (
  ticket_id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  ticket_number TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  status TEXT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  employee_id TEXT,
  received_at TEXT NOT NULL,
  first_response_at TEXT,
  first_response_due TEXT NOT NULL,
  resolution_due TEXT NOT NULL,
  closed_at TEXT,
  next_due TEXT,
  /** 1 while contact details are held (given, not yet erased). */
  contact_held INTEGER NOT NULL,
  state TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS tickets_by_number ON tickets (ticket_number);
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (unit_id, next_due);
CREATE INDEX IF NOT EXISTS tickets_due ON tickets (next_due);
CREATE INDEX IF NOT EXISTS tickets_closed ON tickets (contact_held, closed_at);
CREATE INDEX IF NOT EXISTS tickets_received ON tickets (received_at);
CREATE TABLE IF NOT EXISTS own_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;
`;

interface TicketRow {
  ticket_id: string;
  revision: number;
  ticket_number: string;
  unit_id: string;
  status: TicketStatus;
  kind: TicketKind;
  category: string;
  employee_id: string | null;
  received_at: string;
  first_response_at: string | null;
  first_response_due: string;
  resolution_due: string;
  closed_at: string | null;
  next_due: string | null;
  contact_held: number;
  state: string;
}

/** A ticket as the queues show it: no text, no contact. */
export interface TicketSummary {
  ticketId: string;
  ticketNumber: string;
  revision: number;
  unitId: string;
  status: TicketStatus;
  kind: TicketKind;
  category: string;
  employeeId?: string;
  receivedAt: string;
  firstResponseAt?: string;
  firstResponseDue: string;
  resolutionDue: string;
  closedAt?: string;
  /** The deadline that matters now: the first response while none was given, else the resolution; none once closed. */
  nextDue?: string;
  /** The next deadline has passed. */
  late: boolean;
  escalated: boolean;
  substantiated: boolean;
  contactErased: boolean;
  state: Ticket;
}

export interface Deadlines {
  firstResponseDue: string;
  resolutionDue: string;
  nextDue?: string;
}

/** The deadlines of a ticket state under the rules (working days from receipt, and from the latest reopening). */
export const deadlinesOf = (ticket: Ticket, rules: FeedbackRules, calendar: WorkingCalendar = workingCalendar(rules)): Deadlines => {
  const firstResponseDue = dueAfter(calendar, new Date(ticket.receivedAt), rules.deadlines.firstResponse.workingDays).toISOString();
  const resolutionDue = dueAfter(calendar, new Date(ticket.resolutionFrom), rules.deadlines.resolution[resolutionRule(ticket.kind, ticket.fieldCheck)].workingDays).toISOString();
  const closed = ticket.status === 'resolved' || ticket.status === 'dismissed';
  const nextDue = closed ? undefined : ticket.firstResponseAt === undefined ? firstResponseDue : resolutionDue;
  return { firstResponseDue, resolutionDue, ...(nextDue ? { nextDue } : {}) };
};

export interface TicketQuery {
  unitId?: string;
  status?: 'open' | 'closed' | 'all';
  /** Late: the next deadline has passed; soon: it falls before `soonUntil`. */
  due?: 'late' | 'soon';
  now: Date;
  soonUntil?: Date;
  /** Keyset paging: after this (nextDue, ticketId). */
  after?: { nextDue: string | null; ticketId: string };
  limit: number;
}

export interface FeedbackReadModel {
  readonly db: Database.Database;
  readonly orgChart: OrgChart;
  /** Applies a page of the service's own events in one transaction (a ticket's events only once, in order). */
  applyOwn(events: readonly RecordedEvent[]): void;
  ticket(ticketId: string): TicketSummary | undefined;
  byNumber(ticketNumber: string): TicketSummary | undefined;
  /** The queue: open tickets by next deadline (earliest first), closed ones last. */
  tickets(query: TicketQuery): TicketSummary[];
  /** Open tickets whose next deadline passed before `now` and that are not escalated for it in their unit yet (the deadline watch). */
  overdue(now: Date, limit: number): TicketSummary[];
  /** Closed tickets with contact details still readable, closed before `before` (the retention sweep). */
  contactsToErase(before: Date, limit: number): TicketSummary[];
  /** Open tickets escalated to this unit head, by next deadline. */
  escalatedTo(headId: string, now: Date, limit: number): TicketSummary[];
  /** Every ticket received in [from, to), for the figures. */
  receivedBetween(from: Date, to: Date): TicketSummary[];
  /** Waits until the read model has applied the ticket up to `revision`; false on timeout. */
  waitFor(ticketId: string, revision: number, timeoutMs?: number): Promise<boolean>;
  checkpoint(name: string): CheckpointStore;
  close(): void;
}

/** @param clock the service's clock: whether a ticket read alone (`ticket`, `byNumber`) is late. */
export const openFeedbackReadModel = (path: string, rules: () => FeedbackRules, clock: () => Date = () => new Date()): FeedbackReadModel => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const orgChart = openOrgChart(db);

  const rowOf = db.prepare<[string], TicketRow>('SELECT * FROM tickets WHERE ticket_id = ?');
  const rowByNumber = db.prepare<[string], TicketRow>('SELECT * FROM tickets WHERE ticket_number = ?');
  const save = db.prepare<[TicketRow]>(
    `INSERT INTO tickets VALUES (@ticket_id, @revision, @ticket_number, @unit_id, @status, @kind, @category, @employee_id, @received_at,
       @first_response_at, @first_response_due, @resolution_due, @closed_at, @next_due, @contact_held, @state)
     ON CONFLICT (ticket_id) DO UPDATE SET revision = excluded.revision, unit_id = excluded.unit_id, status = excluded.status,
       kind = excluded.kind, category = excluded.category, first_response_at = excluded.first_response_at,
       first_response_due = excluded.first_response_due, resolution_due = excluded.resolution_due, closed_at = excluded.closed_at,
       next_due = excluded.next_due, contact_held = excluded.contact_held, state = excluded.state`,
  );
  const loadCheckpoint = db.prepare<[string], { position: number }>('SELECT position FROM own_checkpoints WHERE name = ?');
  const saveCheckpoint = db.prepare<[string, number]>(
    'INSERT INTO own_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
  );
  const metaOf = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const saveMeta = db.prepare<[string, string]>('INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');

  const toRow = (ticketId: string, revision: number, ticket: Ticket): TicketRow => {
    const deadlines = deadlinesOf(ticket, rules());
    return {
      ticket_id: ticketId,
      revision,
      ticket_number: ticket.ticketNumber,
      unit_id: ticket.unitId,
      status: ticket.status,
      kind: ticket.kind,
      category: ticket.category,
      employee_id: ticket.employeeId ?? null,
      received_at: ticket.receivedAt,
      first_response_at: ticket.firstResponseAt ?? null,
      first_response_due: deadlines.firstResponseDue,
      resolution_due: deadlines.resolutionDue,
      closed_at: ticket.closedAt ?? null,
      next_due: deadlines.nextDue ?? null,
      contact_held: ticket.hasContact && !ticket.contactErased ? 1 : 0,
      state: JSON.stringify(ticket),
    };
  };

  const toSummary = (row: TicketRow, at = clock().getTime()): TicketSummary => {
    const state = JSON.parse(row.state) as Ticket;
    return {
      ticketId: row.ticket_id,
      ticketNumber: row.ticket_number,
      revision: row.revision,
      unitId: row.unit_id,
      status: row.status,
      kind: row.kind,
      category: row.category,
      ...(row.employee_id ? { employeeId: row.employee_id } : {}),
      receivedAt: row.received_at,
      ...(row.first_response_at ? { firstResponseAt: row.first_response_at } : {}),
      firstResponseDue: row.first_response_due,
      resolutionDue: row.resolution_due,
      ...(row.closed_at ? { closedAt: row.closed_at } : {}),
      ...(row.next_due ? { nextDue: row.next_due } : {}),
      late: row.next_due !== null && Date.parse(row.next_due) < at,
      escalated: state.escalations.some((key) => key.split('|')[1] === row.unit_id),
      substantiated: state.substantiated,
      contactErased: state.contactErased,
      state,
    };
  };

  // Deadlines follow the rules in force: a new rules version (a holiday added) recomputes them all.
  const recompute = db.transaction((version: string) => {
    for (const row of db.prepare<[], TicketRow>('SELECT * FROM tickets').all()) save.run(toRow(row.ticket_id, row.revision, JSON.parse(row.state) as Ticket));
    saveMeta.run('rules-version', version);
  });
  if (metaOf.get('rules-version')?.value !== rules().version) recompute(rules().version);

  const applyOwn = db.transaction((events: readonly RecordedEvent[]) => {
    for (const event of events) {
      const ticketId = parseStreamId(event.stream).id;
      const row = rowOf.get(ticketId);
      // Only the ticket's next revision: an older one was applied already (P8); a later one would fold over a
      // gap (P9) and is left for its in-order delivery.
      if (event.revision !== (row ? row.revision + 1 : 0)) continue;
      const before = row ? (JSON.parse(row.state) as Ticket) : initialTicket();
      const after = evolveTicket(before, feedbackEventRegistry.parseEvent(event));
      if (after.status === 'none') continue;
      save.run(toRow(ticketId, event.revision, after));
    }
  });

  const OPEN = `status IN ('open', 'awaiting-information')`;
  return {
    db,
    orgChart,
    applyOwn,
    ticket: (ticketId) => {
      const row = rowOf.get(ticketId);
      return row && toSummary(row);
    },
    byNumber: (ticketNumber) => {
      const row = rowByNumber.get(ticketNumber);
      return row && toSummary(row);
    },
    tickets: (query) => {
      const where: string[] = [];
      const params: Record<string, string | number> = { limit: query.limit };
      if (query.unitId) {
        where.push('unit_id = @unit');
        params.unit = query.unitId;
      }
      const status = query.status ?? 'open';
      if (status === 'open') where.push(OPEN);
      if (status === 'closed') where.push(`NOT ${OPEN}`);
      if (query.due === 'late') {
        where.push('next_due < @now');
        params.now = query.now.toISOString();
      }
      if (query.due === 'soon') {
        where.push('next_due >= @now AND next_due <= @soon');
        params.now = query.now.toISOString();
        params.soon = (query.soonUntil ?? query.now).toISOString();
      }
      // Keyset: open tickets first by deadline, then those without one (closed), each by id.
      if (query.after) {
        params.afterId = query.after.ticketId;
        if (query.after.nextDue === null) where.push('next_due IS NULL AND ticket_id > @afterId');
        else {
          params.afterDue = query.after.nextDue;
          where.push('(next_due > @afterDue OR (next_due = @afterDue AND ticket_id > @afterId) OR next_due IS NULL)');
        }
      }
      const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY next_due IS NULL, next_due, ticket_id LIMIT @limit`;
      const now = query.now.getTime();
      return db
        .prepare<[Record<string, string | number>], TicketRow>(sql)
        .all(params)
        .map((row) => toSummary(row, now));
    },
    overdue: (now, limit) =>
      db
        .prepare<[string, number], TicketRow>(
          // Those escalated for this very deadline and unit already are left out: the oldest late tickets would
          // otherwise fill every page and hide the newer ones from the watch.
          `SELECT * FROM tickets WHERE ${OPEN} AND next_due < ?
             AND NOT EXISTS (SELECT 1 FROM json_each(tickets.state, '$.escalations') AS made
               WHERE made.value = (CASE WHEN first_response_at IS NULL THEN 'first-response' ELSE 'resolution' END) || '|' || unit_id || '|' || next_due)
           ORDER BY next_due LIMIT ?`,
        )
        .all(now.toISOString(), limit)
        .map((row) => toSummary(row, now.getTime())),
    escalatedTo: (headId, now, limit) =>
      db
        .prepare<[string, number], TicketRow>(`SELECT * FROM tickets WHERE ${OPEN} AND json_extract(state, '$.escalatedTo') = ? ORDER BY next_due, ticket_id LIMIT ?`)
        .all(headId, limit)
        .map((row) => toSummary(row, now.getTime())),
    contactsToErase: (before, limit) =>
      db
        .prepare<[string, number], TicketRow>(`SELECT * FROM tickets WHERE contact_held = 1 AND NOT ${OPEN} AND closed_at < ? ORDER BY closed_at LIMIT ?`)
        .all(before.toISOString(), limit)
        .map((row) => toSummary(row)),
    receivedBetween: (from, to) =>
      db
        .prepare<[string, string], TicketRow>('SELECT * FROM tickets WHERE received_at >= ? AND received_at < ? ORDER BY received_at')
        .all(from.toISOString(), to.toISOString())
        .map((row) => toSummary(row)),
    waitFor: async (ticketId, revision, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (db.open && (rowOf.get(ticketId)?.revision ?? -1) < revision) {
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return db.open;
    },
    checkpoint: (name) => ({
      load: async () => loadCheckpoint.get(name)?.position,
      save: async (position) => void saveCheckpoint.run(name, position),
    }),
    close: () => db.close(),
  };
};
