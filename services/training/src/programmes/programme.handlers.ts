import { streamId, trainingEventRegistry } from '@asn/contracts';
import { WrongExpectedRevisionError, type EventMetadata, type EventStore } from '@asn/event-store';
import {
  decideProgramme,
  evolveProgramme,
  initialProgramme,
  ProgrammeDecisionError,
  type Programme,
  type ProgrammeCommand,
  type ProgrammeEvent,
} from './programme.domain';

export const programmeStreamId = (programmeId: string): string => streamId('programme', programmeId);

export interface LoadedProgramme {
  state: Programme;
  /** -1 when the stream does not exist. */
  revision: number;
  ids: ReadonlySet<string>;
}

export const loadProgramme = async (store: EventStore, programmeId: string): Promise<LoadedProgramme> => {
  let state = initialProgramme();
  let revision = -1;
  const ids = new Set<string>();
  for await (const event of store.readStream(programmeStreamId(programmeId))) {
    state = evolveProgramme(state, trainingEventRegistry.parseEvent(event));
    revision = event.revision;
    ids.add(event.id);
  }
  return { state, revision, ids };
};

/** Who or what caused a command, and how to name the events it writes. */
export interface CommandOrigin {
  actor: { subject: string; role: string };
  correlationId?: string;
  /** The event that triggered a reaction. */
  causationId?: string;
  /**
   * The id of the i-th event written: derived from the request's idempotency digest or the triggering event's
   * id, so a retry (of the request, or a redelivery) writes nothing twice.
   */
  eventId(index: number): string;
}

export interface CommandOutcome {
  state: Programme;
  revision: number;
  events: readonly ProgrammeEvent[];
  /** True when the events of this very command were already in the stream (a retry). */
  replayed: boolean;
}

export interface ProgrammeHandlerDeps {
  store: EventStore;
  now: () => Date;
  /** The city's date now (the runtime's CITY_UTC_OFFSET_MINUTES): what the rules call today. */
  today: () => string;
}

/**
 * How often a command without `expectedRevision` decides again after losing a race for the programme's
 * next revision. Every lost race means another command was appended, so N commands racing for one programme
 * need at most N - 1 retries each; the bound only stops a command that keeps losing under extreme contention
 * (it then fails with the conflict, 409, and nothing of it is written).
 */
export const MAX_ATTEMPTS = 50;

/** A short random pause before deciding again, so that the losers of a race do not collide again in step. */
const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 2 * attempt)));

/**
 * Load → decide → append, for one programme. `command` may depend on the state (a reaction that looks at the
 * participants). Without `expectedRevision` a concurrent append to the same programme is retried on fresh
 * state: capacity is checked on the revision the append expects, so two enrolments never share the last seat.
 */
export const handleProgrammeCommand = async (
  deps: ProgrammeHandlerDeps,
  programmeId: string,
  command: ProgrammeCommand,
  origin: CommandOrigin,
  expectedRevision?: number | 'exists',
): Promise<CommandOutcome> => {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, ids } = await loadProgramme(deps.store, programmeId);
    if (ids.has(origin.eventId(0))) return { state, revision, events: [], replayed: true };
    if (command.type !== 'ScheduleProgramme' && revision < 0) {
      throw new ProgrammeDecisionError('not-found', 'programme-not-found', 'No such programme.');
    }
    const events = decideProgramme(command, state, { today: deps.today() });
    if (events.length === 0) return { state, revision, events, replayed: false };
    const metadata: EventMetadata = {
      actor: origin.actor,
      ...(origin.correlationId ? { correlationId: origin.correlationId } : {}),
      ...(origin.causationId ? { causationId: origin.causationId } : {}),
    };
    try {
      const result = await deps.store.appendToStream(
        programmeStreamId(programmeId),
        events.map((event, i) => ({
          id: origin.eventId(i),
          type: event.type,
          schemaVersion: trainingEventRegistry.latestVersion(event.type),
          data: event.data,
          metadata,
        })),
        { expectedRevision: expectedRevision ?? (revision < 0 ? 'no_stream' : revision) },
      );
      return { state: events.reduce(evolveProgramme, state), revision: result.nextExpectedRevision, events, replayed: false };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expectedRevision === undefined && attempt < MAX_ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      throw error;
    }
  }
};
