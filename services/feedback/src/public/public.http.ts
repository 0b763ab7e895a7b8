import { FeedbackCategory, Text, TicketKind, TicketNumber, type WorkingCalendar } from '@asn/contracts';
import { derivedId } from '@asn/event-store';
import type { FieldCipher, SubjectKeyStore } from '@asn/privacy';
import { defineRoute, HttpProblem, NotFoundError, perClientLimit, UnauthorizedError, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import type { FeedbackReadModel } from '../readModel';
import { TicketDecisionError, type TicketCommand } from '../tickets/ticket.domain';
import { contactSubject, handleTicketCommand, type CommandOrigin, type TicketHandlerDeps } from '../tickets/ticket.handlers';
import { readTicketRecord } from '../tickets/ticket.view';
import { figuresOf, FiguresQuery } from './figures';
import { routeSubmission, ticketIdOf, ticketNumberOf, ticketTokenOf, tokenHashOf, tokenMatches, type SubmissionKeys } from './submission';

const Id = z.uuid().toLowerCase();

/** Free text from the public: line breaks and tabs allowed, other control characters and bidi overrides not. */
export const MultilineText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
     
    .refine((value) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u.test(value), 'Must not contain control characters (other than line breaks and tabs) or bidirectional overrides.');

const Contact = z
  .strictObject({
    name: Text(1, 100).optional(),
    phone: z.string().regex(/^\+?[0-9][0-9 ()-]{5,19}$/, 'A phone number: digits, spaces, ( ) and -, 6 to 20 characters.').optional(),
    email: z.email().max(254).optional(),
  })
  .refine((contact) => Object.keys(contact).length > 0, 'Give at least one way to reach you, or leave contact out.');

export const SubmitBody = z
  .strictObject({
    kind: TicketKind.default('complaint'),
    category: FeedbackCategory,
    /** The unit concerned, if the submitter knows it. */
    unitId: Id.optional(),
    /** The service concerned, in the submitter's words. */
    service: Text(2, 200).optional(),
    /** The employee concerned, by the opaque id the city publishes (never a NIP). */
    employeeId: Id.optional(),
    description: MultilineText(20, 4000),
    contact: Contact.optional(),
    anonymous: z.boolean().default(false),
  })
  .refine((body) => !(body.anonymous && body.contact), { path: ['contact'], message: 'An anonymous report carries no contact details.' });

const Submitted = z.object({
  ticketNumber: z.string(),
  token: z.string().describe('The capability token: send it as `Authorization: Bearer <token>` to follow this ticket. Shown once; keep it.'),
  kind: TicketKind,
  receivedAt: z.string(),
  firstResponseDue: z.string(),
  resolutionDue: z.string(),
});
const TicketParams = z.strictObject({ ticketNumber: TicketNumber });
const InformationBody = z.strictObject({ message: MultilineText(1, 4000) });

export interface PublicRouteDeps {
  handlers: TicketHandlerDeps;
  readModel: FeedbackReadModel;
  cipher: FieldCipher;
  keys: SubjectKeyStore;
  submission: SubmissionKeys;
  calendar: () => WorkingCalendar;
  intakeUnitId?: string;
  /** Submissions per client address and window; lookups get ten times as many. */
  rateLimit: { limit: number; windowSeconds: number };
}

type AnyContext = RouteContext<unknown, unknown, unknown>;

const TOKEN = /^Bearer (lpr_[A-Za-z0-9_-]{43})$/;

export const publicRoutes = (deps: PublicRouteDeps): Route[] => {
  const { limit, windowSeconds } = deps.rateLimit;
  const submissions = perClientLimit(limit, windowSeconds, 'reports');
  const lookups = perClientLimit(limit * 10, windowSeconds, 'requests about tickets');

  const publicOrigin = (ctx: AnyContext): CommandOrigin => {
    const seed = ctx.idempotencyKey ?? ctx.requestId;
    return { actor: { subject: 'public', role: 'public' }, correlationId: ctx.requestId, eventId: (i) => derivedId(seed, `event-${i}`) };
  };

  /** The ticket the bearer's token opens; 404 alike for an unknown number and a token of another ticket. */
  const ticketFor = (ctx: AnyContext & { params: { ticketNumber: string } }) => {
    const match = TOKEN.exec(ctx.req.headers.authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedError('Send the ticket token as `Authorization: Bearer <token>`.');
    const ticket = deps.readModel.byNumber(ctx.params.ticketNumber);
    if (!ticket || !tokenMatches(match[1], ticket.state.tokenHash)) throw new NotFoundError('No ticket with this number opens with this token.');
    return ticket;
  };

  const run = async (ticketId: string, command: TicketCommand, ctx: AnyContext) => {
    const outcome = await handleTicketCommand(deps.handlers, ticketId, command, publicOrigin(ctx));
    await deps.readModel.waitFor(ticketId, outcome.revision);
    return outcome;
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/public/tickets',
      summary: 'Report a complaint or ask for information, without an account (anonymous allowed)',
      description:
        'Answers the ticket number and a capability token that follows this ticket only. The same report submitted twice on the same day is refused (409 duplicate-submission). Rate limited per client address.',
      tags: ['public'],
      operationId: 'submitTicket',
      access: 'public',
      before: [submissions],
      // The token is never written to the idempotency store: a replay derives it again from the ticket.
      replaySecret: {
        conceal: (result) => {
          const { token: _token, ...rest } = result.body as Record<string, unknown>;
          return { ...result, body: rest };
        },
        reveal: (stored) => {
          const body = stored.body as { ticketNumber?: string } | undefined;
          const ticket = body?.ticketNumber === undefined ? undefined : deps.readModel.byNumber(body.ticketNumber);
          if (!ticket) throw new Error('a stored submission names a ticket the read model does not have');
          return { ...stored, body: { ...body, token: ticketTokenOf(deps.submission, ticket.ticketId) } };
        },
      },
      body: SubmitBody,
      responses: { 201: { description: 'Received', schema: Submitted }, 409: { description: 'The same report was already received today' }, 429: { description: 'Too many reports from this address' } },
      handler: async (ctx) => {
        const body = ctx.body;
        const now = deps.handlers.now();
        const today = deps.calendar().localDate(now);
        const ticketId = ticketIdOf(deps.submission, { localDate: today, ...body });
        const token = ticketTokenOf(deps.submission, ticketId);
        const command: TicketCommand = {
          type: 'SubmitTicket',
          ticketNumber: ticketNumberOf(ticketId),
          kind: body.kind,
          category: body.category,
          ...(body.unitId ? { unitId: body.unitId } : {}),
          ...(body.service ? { service: body.service } : {}),
          ...(body.employeeId ? { employeeId: body.employeeId } : {}),
          description: body.description,
          ...(body.contact ? { contact: body.contact } : {}),
          anonymous: body.anonymous,
          tokenHash: tokenHashOf(token),
          routing: routeSubmission(deps.readModel.orgChart, deps.intakeUnitId, today, body),
        };
        try {
          const outcome = await run(ticketId, command, ctx);
          const ticket = deps.readModel.ticket(ticketId);
          if (outcome.state.status === 'none' || !ticket) throw new Error('the submitted ticket is not in the read model');
          return {
            status: 201,
            // The answer carries the capability token: no cache (browser, proxy) may keep it.
            headers: { Location: `/v1/public/tickets/${ticket.ticketNumber}`, 'Cache-Control': 'no-store' },
            body: { ticketNumber: ticket.ticketNumber, token, kind: ticket.kind, receivedAt: ticket.receivedAt, firstResponseDue: ticket.firstResponseDue, resolutionDue: ticket.resolutionDue },
          };
        } catch (error) {
          if (error instanceof TicketDecisionError && error.code === 'ticket-exists') {
            throw new HttpProblem(409, 'duplicate-submission', 'Already received', 'The same report was received today; follow it with the ticket number and token you were given.');
          }
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/public/tickets/:ticketNumber',
      summary: "Follow one's ticket with its capability token (Authorization: Bearer <token>)",
      tags: ['public'],
      operationId: 'followTicket',
      access: 'public',
      before: [lookups],
      params: TicketParams,
      responses: { 200: { description: 'The ticket as its submitter sees it' }, 401: { description: 'No token' }, 404: { description: 'No such ticket for this token' } },
      handler: async (ctx) => {
        const ticket = ticketFor(ctx);
        const record = await readTicketRecord(deps.handlers.store, deps.cipher, ticket.ticketId, 'public');
        return {
          status: 200,
          headers: { 'Cache-Control': 'no-store' },
          body: {
            ticketNumber: ticket.ticketNumber,
            status: ticket.status,
            kind: ticket.kind,
            category: ticket.category,
            unit: { unitId: ticket.unitId, name: deps.readModel.orgChart.unit(ticket.unitId)?.name ?? null },
            receivedAt: ticket.receivedAt,
            firstResponseDue: ticket.firstResponseDue,
            resolutionDue: ticket.resolutionDue,
            ...(ticket.firstResponseAt ? { firstResponseAt: ticket.firstResponseAt } : {}),
            ...(ticket.closedAt ? { closedAt: ticket.closedAt } : {}),
            description: record.description,
            ...(record.service ? { service: record.service } : {}),
            contact: record.contact ?? 'none',
            steps: record.steps,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/public/tickets/:ticketNumber/information',
      summary: 'Answer the information an officer asked for',
      tags: ['public'],
      operationId: 'provideInformation',
      access: 'public',
      before: [lookups],
      params: TicketParams,
      body: InformationBody,
      responses: { 200: { description: 'Added to the ticket' }, 409: { description: 'No information was asked for' } },
      handler: async (ctx) => {
        const ticket = ticketFor(ctx);
        const outcome = await run(ticket.ticketId, { type: 'ProvideInformation', message: ctx.body.message }, ctx);
        return { status: 200, body: { ticketNumber: ticket.ticketNumber, status: outcome.state.status === 'none' ? 'none' : outcome.state.status } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/public/tickets/:ticketNumber/erasure',
      summary: "Erase one's contact details from the ticket, for good (the case itself stays on record)",
      tags: ['public'],
      operationId: 'eraseContact',
      access: 'public',
      before: [lookups],
      params: TicketParams,
      responses: { 200: { description: 'The contact details are erased everywhere' } },
      handler: async (ctx) => {
        const ticket = ticketFor(ctx);
        // Nothing to erase on a ticket that never had contact details: no event claims an erasure.
        if (!ticket.state.hasContact) return { status: 200, body: { ticketNumber: ticket.ticketNumber, contact: 'none' } };
        // The key first: once it is gone the details are unreadable in every copy of the events; the event
        // that records it follows (a crash in between is finished by a retry or the retention sweep).
        deps.keys.erase(contactSubject(ticket.ticketId));
        await run(ticket.ticketId, { type: 'EraseContact', reason: 'submitter-request' }, ctx);
        return { status: 200, body: { ticketNumber: ticket.ticketNumber, contact: 'erased' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/public/figures',
      summary: 'Transparency figures: reports per category and unit, median time to a first response, share answered on time (aggregates only)',
      tags: ['public'],
      operationId: 'publicFigures',
      access: 'public',
      before: [lookups],
      query: FiguresQuery,
      responses: { 200: { description: 'The figures of the year' } },
      handler: (ctx) => ({ status: 200, body: figuresOf(deps.readModel, ctx.query.year, deps.calendar(), deps.handlers.now()) }),
    }),
  ];
};
