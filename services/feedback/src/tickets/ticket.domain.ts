import type { FeedbackEventData, RoutingReason, SealedValue, TicketDeadline, TicketKind } from '@asn/contracts';
import type { FeedbackCategory } from '@asn/contracts';

/**
 * One ticket's decider (stream `feedback-<ticketId>`): submit → routed → (classified, responded, information
 * requested and provided, substantiated) → resolved or dismissed → reopened; escalations of missed deadlines
 * and the erasure of the contact details. Pure: the handler loads the state, seals the texts through
 * `context.seal` and appends what `decideTicket` returns.
 */

export type TicketEvent = FeedbackEventData;

export type TicketStatus = 'open' | 'awaiting-information' | 'resolved' | 'dismissed';

export interface Ticket {
  status: TicketStatus;
  ticketNumber: string;
  kind: TicketKind;
  category: FeedbackCategory;
  fieldCheck: boolean;
  /** Where the ticket is now. */
  unitId: string;
  employeeId?: string;
  anonymous: boolean;
  hasContact: boolean;
  contactErased: boolean;
  tokenHash: string;
  receivedAt: string;
  /** The first response to the submitter (a response, a question, or the closing). */
  firstResponseAt?: string;
  /** When the resolution clock started: the receipt, or the latest reopening. */
  resolutionFrom: string;
  closedAt?: string;
  substantiated: boolean;
  /** `${deadline}|${unitId}|${dueAt}` of the escalations made. */
  escalations: string[];
  /** The unit head the ticket is escalated to now: set by an escalation, cleared when it moves or closes. */
  escalatedTo?: string;
}

export type TicketState = { status: 'none' } | Ticket;

export const initialTicket = (): TicketState => ({ status: 'none' });

/** Texts the handler seals: with the case key (`case`) or the contact key (`contact`), bound to the i-th event. */
export type Seal = (key: 'case' | 'contact', eventIndex: number, value: unknown) => SealedValue;

export interface TicketContext {
  now: Date;
  seal: Seal;
  /** The local calendar date of `now` (the substantiation's date). */
  today: string;
}

export interface Actor {
  subject: string;
}

export type TicketCommand =
  | {
      type: 'SubmitTicket';
      ticketNumber: string;
      kind: TicketKind;
      category: FeedbackCategory;
      unitId?: string;
      service?: string;
      employeeId?: string;
      description: string;
      contact?: Record<string, string>;
      anonymous: boolean;
      tokenHash: string;
      routing: { unitId: string; reason: Exclude<RoutingReason, 'officer'> };
    }
  | { type: 'RouteTicket'; unitId: string; note?: string; by: Actor }
  | { type: 'ClassifyTicket'; kind: TicketKind; category: FeedbackCategory; fieldCheck: boolean; by: Actor }
  | { type: 'RespondToTicket'; message: string; by: Actor }
  | { type: 'RequestInformation'; question: string; by: Actor }
  | { type: 'ProvideInformation'; message: string }
  | { type: 'SubstantiateComplaint'; by: Actor }
  | { type: 'DismissTicket'; reason: string; by: Actor }
  | { type: 'ResolveTicket'; resolution: string; by: Actor }
  | { type: 'ReopenTicket'; reason: string; by: Actor }
  | { type: 'EscalateTicket'; deadline: TicketDeadline; dueAt: string; headId?: string }
  | { type: 'EraseContact'; reason: 'submitter-request' | 'retention' };

/**
 * A refusal: `not-found` maps to 404, `refused` (a state the command does not fit) to 409 and `invalid` (a
 * command that can never succeed) to 422.
 */
export class TicketDecisionError extends Error {
  override readonly name = 'TicketDecisionError';
  constructor(
    readonly kind: 'invalid' | 'refused' | 'not-found',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (code: string, message: string): never => {
  throw new TicketDecisionError('refused', code, message);
};

const isClosed = (ticket: Ticket): boolean => ticket.status === 'resolved' || ticket.status === 'dismissed';

const requireTicket = (state: TicketState): Ticket => {
  if (state.status === 'none') throw new TicketDecisionError('not-found', 'ticket-not-found', 'No such ticket.');
  return state;
};

const requireOpen = (state: TicketState): Ticket => {
  const ticket = requireTicket(state);
  if (isClosed(ticket)) refuse('ticket-closed', `The ticket is ${ticket.status}; reopen it first.`);
  return ticket;
};

export const escalationKey = (deadline: TicketDeadline, unitId: string, dueAt: string): string => `${deadline}|${unitId}|${dueAt}`;

export const decideTicket = (command: TicketCommand, state: TicketState, context: TicketContext): TicketEvent[] => {
  const at = context.now.toISOString();
  switch (command.type) {
    case 'SubmitTicket': {
      if (state.status !== 'none') refuse('ticket-exists', 'The ticket was already submitted.');
      if (command.anonymous && command.contact !== undefined) {
        throw new TicketDecisionError('invalid', 'anonymous-with-contact', 'An anonymous ticket carries no contact details.');
      }
      return [
        {
          type: 'TicketSubmitted',
          data: {
            ticketNumber: command.ticketNumber,
            kind: command.kind,
            category: command.category,
            ...(command.unitId ? { unitId: command.unitId } : {}),
            ...(command.service ? { service: context.seal('case', 0, command.service) } : {}),
            ...(command.employeeId ? { employeeId: command.employeeId } : {}),
            description: context.seal('case', 0, command.description),
            ...(command.contact ? { contact: context.seal('contact', 0, command.contact) } : {}),
            anonymous: command.anonymous,
            tokenHash: command.tokenHash,
            receivedAt: at,
          },
        },
        { type: 'TicketRouted', data: { unitId: command.routing.unitId, reason: command.routing.reason, routedBy: 'system', routedAt: at } },
      ];
    }
    case 'RouteTicket': {
      const ticket = requireOpen(state);
      if (ticket.unitId === command.unitId) return [];
      return [{ type: 'TicketRouted', data: { unitId: command.unitId, reason: 'officer', routedBy: command.by.subject, ...(command.note ? { note: command.note } : {}), routedAt: at } }];
    }
    case 'ClassifyTicket': {
      const ticket = requireOpen(state);
      if (command.fieldCheck && command.kind !== 'dispute') {
        throw new TicketDecisionError('invalid', 'field-check-not-dispute', 'Only a dispute has a field check.');
      }
      if (ticket.substantiated && command.kind === 'information-request') {
        refuse('ticket-substantiated', 'A substantiated complaint cannot become an information request.');
      }
      if (ticket.kind === command.kind && ticket.category === command.category && ticket.fieldCheck === command.fieldCheck) return [];
      return [{ type: 'TicketClassified', data: { kind: command.kind, category: command.category, fieldCheck: command.fieldCheck, classifiedBy: command.by.subject, classifiedAt: at } }];
    }
    case 'RespondToTicket': {
      requireOpen(state);
      return [{ type: 'TicketResponded', data: { message: context.seal('case', 0, command.message), respondedBy: command.by.subject, respondedAt: at } }];
    }
    case 'RequestInformation': {
      const ticket = requireOpen(state);
      if (ticket.status === 'awaiting-information') refuse('information-already-requested', 'The ticket already waits for information from the submitter.');
      return [{ type: 'InformationRequested', data: { question: context.seal('case', 0, command.question), requestedBy: command.by.subject, requestedAt: at } }];
    }
    case 'ProvideInformation': {
      const ticket = requireTicket(state);
      if (ticket.status !== 'awaiting-information') refuse('no-information-requested', 'No information was asked for on this ticket.');
      return [{ type: 'InformationProvided', data: { message: context.seal('case', 0, command.message), providedAt: at } }];
    }
    case 'SubstantiateComplaint': {
      const ticket = requireOpen(state);
      if (ticket.kind === 'information-request') refuse('not-a-complaint', 'An information request is answered, not substantiated.');
      if (ticket.substantiated) refuse('already-substantiated', 'The complaint was already substantiated.');
      return [
        {
          type: 'ComplaintSubstantiated',
          data: {
            unitId: ticket.unitId,
            ...(ticket.employeeId ? { employeeId: ticket.employeeId } : {}),
            category: ticket.category,
            substantiatedOn: context.today,
            substantiatedBy: command.by.subject,
          },
        },
      ];
    }
    case 'DismissTicket': {
      const ticket = requireOpen(state);
      if (ticket.substantiated) refuse('ticket-substantiated', 'A substantiated complaint is resolved, not dismissed.');
      return [{ type: 'TicketDismissed', data: { reason: context.seal('case', 0, command.reason), dismissedBy: command.by.subject, dismissedAt: at } }];
    }
    case 'ResolveTicket': {
      requireOpen(state);
      return [{ type: 'TicketResolved', data: { resolution: context.seal('case', 0, command.resolution), resolvedBy: command.by.subject, resolvedAt: at } }];
    }
    case 'ReopenTicket': {
      const ticket = requireTicket(state);
      if (!isClosed(ticket)) refuse('ticket-open', 'The ticket is still open.');
      return [{ type: 'TicketReopened', data: { reason: context.seal('case', 0, command.reason), reopenedBy: command.by.subject, reopenedAt: at } }];
    }
    case 'EscalateTicket': {
      const ticket = requireTicket(state);
      if (isClosed(ticket)) return [];
      if (command.deadline === 'first-response' && ticket.firstResponseAt !== undefined) return [];
      if (ticket.escalations.includes(escalationKey(command.deadline, ticket.unitId, command.dueAt))) return [];
      if (Date.parse(command.dueAt) >= context.now.getTime()) refuse('not-late', 'The deadline has not passed.');
      return [
        {
          type: 'TicketEscalated',
          data: { deadline: command.deadline, dueAt: command.dueAt, unitId: ticket.unitId, ...(command.headId ? { headId: command.headId } : {}), escalatedAt: at },
        },
      ];
    }
    case 'EraseContact': {
      const ticket = requireTicket(state);
      // Nothing to erase on a ticket without contact details (anonymous, or none given).
      if (ticket.contactErased || !ticket.hasContact) return [];
      return [{ type: 'ContactErased', data: { reason: command.reason, erasedAt: at } }];
    }
  }
};

/** Answers that count as the first response: anything the submitter hears back. */
const FIRST_RESPONSES = new Set<TicketEvent['type']>(['TicketResponded', 'InformationRequested', 'TicketResolved', 'TicketDismissed']);

export const evolveTicket = (state: TicketState, event: TicketEvent): TicketState => {
  if (event.type === 'TicketSubmitted') {
    const d = event.data;
    return {
      status: 'open',
      ticketNumber: d.ticketNumber,
      kind: d.kind,
      category: d.category,
      fieldCheck: false,
      unitId: d.unitId ?? '',
      ...(d.employeeId ? { employeeId: d.employeeId } : {}),
      anonymous: d.anonymous,
      hasContact: d.contact !== undefined,
      contactErased: false,
      tokenHash: d.tokenHash,
      receivedAt: d.receivedAt,
      resolutionFrom: d.receivedAt,
      substantiated: false,
      escalations: [],
    };
  }
  if (state.status === 'none') return state;
  const at = (instant: string): Ticket => (FIRST_RESPONSES.has(event.type) && state.firstResponseAt === undefined ? { ...state, firstResponseAt: instant } : state);
  switch (event.type) {
    case 'TicketRouted': {
      const { escalatedTo: _head, ...rest } = state;
      return { ...rest, unitId: event.data.unitId };
    }
    case 'TicketClassified':
      return { ...state, kind: event.data.kind, category: event.data.category, fieldCheck: event.data.fieldCheck };
    case 'TicketResponded':
      return at(event.data.respondedAt);
    case 'InformationRequested':
      return { ...at(event.data.requestedAt), status: 'awaiting-information' };
    case 'InformationProvided':
      return { ...state, status: 'open' };
    case 'ComplaintSubstantiated':
      return { ...state, substantiated: true };
    case 'TicketDismissed': {
      const { escalatedTo: _head, ...rest } = at(event.data.dismissedAt);
      return { ...rest, status: 'dismissed', closedAt: event.data.dismissedAt };
    }
    case 'TicketResolved': {
      const { escalatedTo: _head, ...rest } = at(event.data.resolvedAt);
      return { ...rest, status: 'resolved', closedAt: event.data.resolvedAt };
    }
    case 'TicketReopened': {
      const { closedAt: _closed, ...rest } = state;
      return { ...rest, status: 'open', resolutionFrom: event.data.reopenedAt };
    }
    case 'TicketEscalated':
      return {
        ...state,
        escalations: [...state.escalations, escalationKey(event.data.deadline, event.data.unitId, event.data.dueAt)],
        ...(event.data.headId ? { escalatedTo: event.data.headId } : {}),
      };
    case 'ContactErased':
      return { ...state, contactErased: true };
  }
};
