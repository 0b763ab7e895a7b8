import { feedbackEventRegistry, streamId, type WorkingCalendar } from '@asn/contracts';
import { WrongExpectedRevisionError, type EventMetadata, type EventStore } from '@asn/event-store';
import type { FieldCipher } from '@asn/privacy';
import { decideTicket, evolveTicket, initialTicket, type TicketCommand, type TicketEvent, type TicketState } from './ticket.domain';

export const ticketStreamId = (ticketId: string): string => streamId('feedback', ticketId);

/** The key subjects of a ticket: its case (description, messages) and its submitter's contact details. */
export const caseSubject = (ticketId: string): string => ticketId;
export const contactSubject = (ticketId: string): string => `contact:${ticketId}`;
/** Sealed values are bound to their event: a value moved to another event or ticket does not open. */
export const sealContext = (ticketId: string, eventId: string): string => `${ticketStreamId(ticketId)}/${eventId}`;

export interface LoadedTicket {
  state: TicketState;
  /** -1 when the stream does not exist. */
  revision: number;
  ids: ReadonlySet<string>;
}

export const loadTicket = async (store: EventStore, ticketId: string): Promise<LoadedTicket> => {
  let state = initialTicket();
  let revision = -1;
  const ids = new Set<string>();
  for await (const event of store.readStream(ticketStreamId(ticketId))) {
    state = evolveTicket(state, feedbackEventRegistry.parseEvent(event));
    revision = event.revision;
    ids.add(event.id);
  }
  return { state, revision, ids };
};

/** Who or what caused a command, and how to name the events it writes. */
export interface CommandOrigin {
  actor: { subject: string; role: string };
  correlationId?: string;
  /** The id of the i-th event written, derived from the request's idempotency digest: a retry writes nothing twice. */
  eventId(index: number): string;
}

export interface TicketHandlerDeps {
  store: EventStore;
  cipher: FieldCipher;
  calendar: () => WorkingCalendar;
  now: () => Date;
}

export interface CommandOutcome {
  state: TicketState;
  revision: number;
  events: readonly TicketEvent[];
  /** True when the events of this very command were already in the stream (a retry). */
  replayed: boolean;
}

/** A command that lost a race for the ticket's next revision decides again on fresh state, this many times at most. */
const MAX_ATTEMPTS = 20;

/**
 * Load → decide → seal → append, for one ticket. Without `expectedRevision` a concurrent append to the same
 * ticket is retried on fresh state; with it (`If-Match`), the conflict is the caller's (409/412).
 */
export const handleTicketCommand = async (
  deps: TicketHandlerDeps,
  ticketId: string,
  command: TicketCommand,
  origin: CommandOrigin,
  expectedRevision?: number | 'exists',
): Promise<CommandOutcome> => {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, ids } = await loadTicket(deps.store, ticketId);
    if (ids.has(origin.eventId(0))) return { state, revision, events: [], replayed: true };
    const now = deps.now();
    const events = decideTicket(command, state, {
      now,
      today: deps.calendar().localDate(now),
      seal: (key, index, value) =>
        deps.cipher.seal(key === 'case' ? caseSubject(ticketId) : contactSubject(ticketId), sealContext(ticketId, origin.eventId(index)), value),
    });
    if (events.length === 0) return { state, revision, events, replayed: false };
    const metadata: EventMetadata = {
      actor: origin.actor,
      ...(origin.correlationId ? { correlationId: origin.correlationId } : {}),
    };
    try {
      const result = await deps.store.appendToStream(
        ticketStreamId(ticketId),
        events.map((event, i) => ({
          id: origin.eventId(i),
          type: event.type,
          schemaVersion: feedbackEventRegistry.latestVersion(event.type),
          data: event.data,
          metadata,
        })),
        { expectedRevision: expectedRevision ?? (revision < 0 ? 'no_stream' : revision) },
      );
      return { state: events.reduce(evolveTicket, state), revision: result.nextExpectedRevision, events, replayed: false };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expectedRevision === undefined && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 2 * attempt)));
        continue;
      }
      throw error;
    }
  }
};
