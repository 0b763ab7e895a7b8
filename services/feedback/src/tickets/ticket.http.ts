import { FeedbackCategory, Text, TicketKind, type WorkingCalendar } from '@asn/contracts';
import { derivedId } from '@asn/event-store';
import type { AuditActor, AuditLog, FieldCipher } from '@asn/privacy';
import { defineRoute, etagOf, limitParam, NotFoundError, requirePrincipal, type Principal, type Role, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import { MultilineText } from '../public/public.http';
import type { FeedbackReadModel, TicketSummary } from '../readModel';
import { TicketDecisionError, type TicketCommand } from './ticket.domain';
import { handleTicketCommand, type CommandOrigin, type TicketHandlerDeps } from './ticket.handlers';
import { readTicketRecord } from './ticket.view';

const Id = z.uuid().toLowerCase();
const TicketParams = z.strictObject({ ticketId: Id });

const OFFICERS: readonly Role[] = ['feedback-officer'];
const READERS: readonly Role[] = ['feedback-officer', 'auditor'];

const ListQuery = z.strictObject({
  unitId: Id.optional(),
  status: z.enum(['open', 'closed', 'all']).default('open'),
  due: z.enum(['late', 'soon']).optional(),
  limit: limitParam({ max: 200, fallback: 50 }),
  /** The `next` cursor of the previous page. */
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional(),
});

export interface TicketRouteDeps {
  handlers: TicketHandlerDeps;
  readModel: FeedbackReadModel;
  cipher: FieldCipher;
  audit: AuditLog;
  calendar: () => WorkingCalendar;
  dueSoonWorkingDays: () => number;
}

type AnyContext = RouteContext<unknown, unknown, unknown>;

const originOf = (ctx: AnyContext): CommandOrigin => {
  const seed = ctx.idempotencyKey ?? ctx.requestId;
  return { actor: { subject: ctx.principal?.subject ?? 'unknown', role: 'feedback-officer' }, correlationId: ctx.requestId, eventId: (i) => derivedId(seed, `event-${i}`) };
};

const auditActorOf = (ctx: AnyContext): AuditActor => ({ subject: ctx.principal?.subject ?? 'unknown', role: ctx.principal?.roles.find((r) => READERS.includes(r)) ?? 'unknown', correlationId: ctx.requestId });

/** An official scoped to a unit (`opd`) sees and works the tickets routed to that unit only; city-wide ones see all. */
const inScope = (principal: Principal, ticket: TicketSummary): boolean => principal.unit === undefined || principal.unit === ticket.unitId;

const summaryView = (t: TicketSummary) => ({
  ticketId: t.ticketId,
  ticketNumber: t.ticketNumber,
  unitId: t.unitId,
  status: t.status,
  kind: t.kind,
  category: t.category,
  ...(t.employeeId ? { employeeId: t.employeeId } : {}),
  receivedAt: t.receivedAt,
  firstResponseDue: t.firstResponseDue,
  ...(t.firstResponseAt ? { firstResponseAt: t.firstResponseAt } : {}),
  resolutionDue: t.resolutionDue,
  ...(t.nextDue ? { nextDue: t.nextDue } : {}),
  ...(t.closedAt ? { closedAt: t.closedAt } : {}),
  late: t.late,
  escalated: t.escalated,
  substantiated: t.substantiated,
  anonymous: t.state.anonymous,
  contact: t.state.hasContact ? (t.state.contactErased ? 'erased' : 'held') : 'none',
  revision: t.revision,
});

const cursorOf = (t: TicketSummary): string => Buffer.from(JSON.stringify([t.nextDue ?? null, t.ticketId])).toString('base64url');
const parseCursor = (cursor: string): { nextDue: string | null; ticketId: string } => {
  try {
    const [nextDue, ticketId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((nextDue === null || typeof nextDue === 'string') && typeof ticketId === 'string') return { nextDue, ticketId };
  } catch {
    // answered below
  }
  throw new NotFoundError('The cursor is not one this service gave.');
};

/** The officers' side: the queue by deadline, a ticket with its texts, and every step of its handling. */
export const ticketRoutes = (deps: TicketRouteDeps): Route[] => {
  const ticketInScope = (ctx: AnyContext & { params: { ticketId: string } }): TicketSummary => {
    const principal = requirePrincipal(ctx.res);
    const ticket = deps.readModel.ticket(ctx.params.ticketId);
    // Outside the official's unit a ticket is as absent as one that does not exist.
    if (!ticket || !inScope(principal, ticket)) throw new NotFoundError('No such ticket.');
    return ticket;
  };

  const step = <B extends z.ZodType>(path: string, summary: string, operationId: string, body: B, command: (body: z.output<B>, by: { subject: string }) => TicketCommand) =>
    defineRoute({
      method: 'post',
      path: `/v1/tickets/:ticketId/${path}`,
      summary,
      tags: ['tickets'],
      operationId,
      access: OFFICERS,
      params: TicketParams,
      body,
      ifMatch: 'optional',
      responses: { 200: { description: 'Recorded' }, 404: { description: 'No such ticket in the official’s scope' }, 409: { description: 'Not in this state' } },
      handler: async (ctx) => {
        ticketInScope(ctx);
        const principal = requirePrincipal(ctx.res);
        const outcome = await handleTicketCommand(deps.handlers, ctx.params.ticketId, command(ctx.body as z.output<B>, { subject: principal.subject }), originOf(ctx), ctx.expectedRevision);
        await deps.readModel.waitFor(ctx.params.ticketId, outcome.revision);
        const ticket = deps.readModel.ticket(ctx.params.ticketId);
        return { status: 200, headers: { ETag: etagOf(outcome.revision) }, body: ticket ? summaryView(ticket) : { ticketId: ctx.params.ticketId, revision: outcome.revision } };
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/tickets',
      summary: 'The queue: tickets by their next deadline, earliest first (late and due-soon filters), within the official’s unit',
      tags: ['tickets'],
      operationId: 'listTickets',
      access: READERS,
      query: ListQuery,
      responses: { 200: { description: 'A page of tickets' } },
      handler: (ctx) => {
        const principal = requirePrincipal(ctx.res);
        if (principal.unit !== undefined && ctx.query.unitId !== undefined && ctx.query.unitId !== principal.unit) throw new NotFoundError('No such unit in the official’s scope.');
        const unitId = principal.unit ?? ctx.query.unitId;
        const now = deps.handlers.now();
        const calendar = deps.calendar();
        const soonUntil = calendar.endOf(calendar.addWorkingDays(calendar.localDate(now), deps.dueSoonWorkingDays()));
        const page = deps.readModel.tickets({
          ...(unitId ? { unitId } : {}),
          status: ctx.query.status,
          ...(ctx.query.due ? { due: ctx.query.due } : {}),
          now,
          soonUntil,
          ...(ctx.query.after ? { after: parseCursor(ctx.query.after) } : {}),
          limit: ctx.query.limit,
        });
        const last = page.at(-1);
        return { status: 200, body: { items: page.map(summaryView), ...(last && page.length === ctx.query.limit ? { next: cursorOf(last) } : {}) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/escalations',
      summary: 'For the head of a unit: the open tickets escalated to them (their token’s subject) because a deadline passed',
      tags: ['tickets'],
      operationId: 'myEscalations',
      access: 'authenticated',
      query: z.strictObject({ limit: limitParam({ max: 200, fallback: 50 }) }),
      responses: { 200: { description: 'The tickets escalated to the caller, by next deadline' } },
      handler: (ctx) => {
        const principal = requirePrincipal(ctx.res);
        const page = deps.readModel.escalatedTo(principal.subject, deps.handlers.now(), ctx.query.limit);
        return { status: 200, body: { items: page.map(summaryView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/deadlines',
      summary: 'Per unit: open tickets, those due soon and those late (with the late ones escalated)',
      tags: ['tickets'],
      operationId: 'deadlinesPerUnit',
      access: READERS,
      responses: { 200: { description: 'One row per unit with open tickets' } },
      handler: (ctx) => {
        const principal = requirePrincipal(ctx.res);
        const now = deps.handlers.now();
        const calendar = deps.calendar();
        const soonUntil = calendar.endOf(calendar.addWorkingDays(calendar.localDate(now), deps.dueSoonWorkingDays())).toISOString();
        const rows = deps.readModel.db
          // Named parameters: better-sqlite3 binds numbered ones (?1) by name, not by position.
          .prepare<[{ now: string; soon: string; unit: string | null }], { unit_id: string; open: number; soon: number; late: number }>(
            `SELECT unit_id, COUNT(*) AS open,
               SUM(CASE WHEN next_due >= @now AND next_due <= @soon THEN 1 ELSE 0 END) AS soon,
               SUM(CASE WHEN next_due < @now THEN 1 ELSE 0 END) AS late
             FROM tickets WHERE status IN ('open', 'awaiting-information') AND (@unit IS NULL OR unit_id = @unit)
             GROUP BY unit_id ORDER BY late DESC, soon DESC, unit_id`,
          )
          .all({ now: now.toISOString(), soon: soonUntil, unit: principal.unit ?? null });
        return { status: 200, body: { items: rows.map((r) => ({ unitId: r.unit_id, name: deps.readModel.orgChart.unit(r.unit_id)?.name ?? null, open: r.open, dueSoon: r.soon, late: r.late })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tickets/:ticketId',
      summary: 'One ticket with its texts and every step; the contact details for officers (recorded in the audit trail)',
      tags: ['tickets'],
      operationId: 'getTicket',
      access: READERS,
      audited: { action: 'read-ticket', subjects: (p) => [p.ticketId] },
      params: TicketParams,
      responses: { 200: { description: 'The ticket' }, 404: { description: 'No such ticket in the official’s scope' } },
      handler: async (ctx) => {
        const principal = ctx.principal;
        let ticket: TicketSummary;
        try {
          ticket = ticketInScope(ctx);
        } catch (error) {
          deps.audit.record({ actor: auditActorOf(ctx), action: 'read-ticket', subjects: [ctx.params.ticketId], allowed: false });
          throw error;
        }
        const officer = principal?.roles.includes('feedback-officer') ?? false;
        const record = await readTicketRecord(deps.handlers.store, deps.cipher, ticket.ticketId, 'officer');
        // The submitter's contact is for the officers who answer them; auditors see that there is one.
        const contact = record.contact === undefined ? 'none' : record.contact === 'erased' ? 'erased' : officer ? record.contact : 'held';
        deps.audit.record({ actor: auditActorOf(ctx), action: officer && typeof contact === 'object' ? 'read-ticket-contact' : 'read-ticket', subjects: [ticket.ticketId], allowed: true });
        return {
          status: 200,
          headers: { ETag: etagOf(ticket.revision), 'Cache-Control': 'no-store' },
          body: { ...summaryView(ticket), description: record.description, ...(record.service ? { service: record.service } : {}), contact, steps: record.steps },
        };
      },
    }),
    step('routing', 'Send the ticket to another unit of the city (with a note)', 'routeTicket', z.strictObject({ unitId: Id, note: Text(1, 500).optional() }), (b, by) => {
      // Only to a unit the city has now: a ticket routed elsewhere would fall out of every queue.
      const unit = deps.readModel.orgChart.unit(b.unitId);
      const today = deps.calendar().localDate(deps.handlers.now());
      if (!unit || (unit.dissolvedOn !== undefined && unit.dissolvedOn <= today)) throw new TicketDecisionError('invalid', 'unknown-unit', 'No such unit in the org chart (or it was dissolved).');
      return { type: 'RouteTicket', unitId: b.unitId, ...(b.note ? { note: b.note } : {}), by };
    }),
    step('classification', 'Set the kind (complaint, information request, dispute with or without a field check) and category', 'classifyTicket', z.strictObject({ kind: TicketKind, category: FeedbackCategory, fieldCheck: z.boolean().default(false) }), (b, by) => ({
      type: 'ClassifyTicket',
      kind: b.kind,
      category: b.category,
      fieldCheck: b.fieldCheck,
      by,
    })),
    step('responses', 'Answer the submitter', 'respondToTicket', z.strictObject({ message: MultilineText(1, 4000) }), (b, by) => ({ type: 'RespondToTicket', message: b.message, by })),
    step('information-requests', 'Ask the submitter for information', 'requestInformation', z.strictObject({ question: MultilineText(1, 4000) }), (b, by) => ({ type: 'RequestInformation', question: b.question, by })),
    step('substantiation', 'Find the complaint substantiated (published for the evaluation service when it names an employee)', 'substantiateComplaint', z.strictObject({}), (_b, by) => ({ type: 'SubstantiateComplaint', by })),
    step('dismissal', 'Dismiss the ticket with a reason', 'dismissTicket', z.strictObject({ reason: MultilineText(5, 4000) }), (b, by) => ({ type: 'DismissTicket', reason: b.reason, by })),
    step('resolution', 'Resolve the ticket', 'resolveTicket', z.strictObject({ resolution: MultilineText(5, 4000) }), (b, by) => ({ type: 'ResolveTicket', resolution: b.resolution, by })),
    step('reopening', 'Reopen a closed ticket (the resolution deadline starts again)', 'reopenTicket', z.strictObject({ reason: MultilineText(5, 4000) }), (b, by) => ({ type: 'ReopenTicket', reason: b.reason, by })),
  ];
};
