import { evaluationEventRegistry, periodName, streamId, type AppraisalPeriod, type SealedValue } from '@asn/contracts';
import { derivedId, newId, WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '@asn/event-store';
import { ERASED, type FieldCipher } from '@asn/privacy';
import type { EvaluationRules } from '../rules/rules';
import {
  AppraisalDecisionError,
  decide,
  evolve,
  initialAppraisal,
  type Appraisal,
  type AppraisalCommand,
  type AppraisalEvent,
} from './appraisal.domain';

/** Who acts, for the events' metadata (never personal data of the employee). */
export interface Actor {
  subject: string;
  role: string;
  correlationId: string;
  /** Seeds the event ids: the request's idempotency digest, or the triggering event's id for a reaction. */
  idSeed?: string;
  causationId?: string;
}

export const appraisalStreamId = (appraisalId: string): string => streamId('evaluation', appraisalId);

/** One appraisal per employee and period: opening twice finds the same stream. */
export const appraisalIdOf = (employeeId: string, period: AppraisalPeriod): string => derivedId(employeeId, periodName(period));

export interface LoadedAppraisal {
  appraisalId: string;
  state: Appraisal;
  /** Revision of the last event, -1 for none: the ETag. */
  revision: number;
  events: readonly { id: string; event: AppraisalEvent; recorded: RecordedEvent }[];
}

export const loadAppraisal = async (store: EventStore, appraisalId: string): Promise<LoadedAppraisal> => {
  let state = initialAppraisal();
  let revision = -1;
  const events: { id: string; event: AppraisalEvent; recorded: RecordedEvent }[] = [];
  for await (const recorded of store.readStream(appraisalStreamId(appraisalId))) {
    const event = evaluationEventRegistry.parseEvent(recorded) as unknown as AppraisalEvent;
    state = evolve(state, event);
    revision = recorded.revision;
    events.push({ id: recorded.id, event, recorded });
  }
  return { appraisalId, state, revision, events };
};

export interface AppraisalHandlerDeps {
  store: EventStore;
  cipher: FieldCipher;
  rules: () => EvaluationRules;
}

export interface AppraisalResult {
  appraisalId: string;
  state: Appraisal;
  revision: number;
  recorded: readonly AppraisalEvent[];
}

/**
 * The associated data a note is sealed with, besides the employee's key: its stream and event, as personnel
 * binds personal data. Moved to another event, even of the same appraisal, it no longer opens.
 */
const sealContext = (stream: string, eventId: string): string => `${stream}/${eventId}`;

/** Opens a note sealed in `recorded` ('erased' once the employee's key is gone). */
export const openSealed = (cipher: FieldCipher, employeeId: string, recorded: Pick<RecordedEvent, 'stream' | 'id'>, sealed: SealedValue): unknown => {
  const value = cipher.open(employeeId, sealContext(recorded.stream, recorded.id), sealed);
  return value === ERASED ? 'erased' : value;
};

/**
 * `decide` seals notes before the events have ids; it gets a stand-in per note, and each stand-in is sealed
 * for real once its event's id is known. Notes are top-level fields of their event's data.
 */
const deferredSealing = () => {
  const notes = new Map<unknown, unknown>();
  return {
    seal: (value: unknown): SealedValue => {
      const standIn: SealedValue = { alg: 'A256GCM', iv: '', ct: '', tag: '' };
      notes.set(standIn, value);
      return standIn;
    },
    /** The event's data with its stand-ins sealed by `seal` (bound to the event). */
    bind: <T extends object>(data: T, seal: (value: unknown) => SealedValue): T =>
      Object.fromEntries(
        Object.entries(data).map(([field, value]: [string, unknown]) => {
          if (!notes.has(value)) return [field, value];
          const note = notes.get(value);
          notes.delete(value);
          return [field, seal(note)];
        }),
      ) as T,
    /** Throws when a stand-in was left unsealed (a note nested deeper than the event's data). */
    assertAllBound: (): void => {
      if (notes.size > 0) throw new Error('a note was sealed outside the top level of its event');
    },
  };
};

/**
 * Load → decide → append. `command` may depend on the loaded state (the reviewer of the evaluator, the unit's
 * other predicates). Event ids derive from the actor's seed, so a re-run of the same request or reaction
 * writes nothing new. Without an expected revision a concurrent change is retried on fresh state.
 */
export const handleAppraisalCommand = async (
  deps: AppraisalHandlerDeps,
  appraisalId: string,
  command: AppraisalCommand | ((loaded: LoadedAppraisal) => AppraisalCommand | Promise<AppraisalCommand>),
  actor: Actor,
  expectedRevision?: number | 'exists',
): Promise<AppraisalResult> => {
  const stream = appraisalStreamId(appraisalId);
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadAppraisal(deps.store, appraisalId);
    const { state, revision } = loaded;
    // The same request ran before (its response was lost): answer with what it wrote.
    if (actor.idSeed && loaded.events.some((e) => e.id === derivedId(actor.idSeed ?? '', 'event-0'))) {
      return { appraisalId, state, revision, recorded: [] };
    }
    if (typeof expectedRevision === 'number' && expectedRevision !== revision) throw new WrongExpectedRevisionError(stream, expectedRevision, revision < 0 ? 'no_stream' : revision);
    const cmd = typeof command === 'function' ? await command(loaded) : command;
    const employeeId = cmd.type === 'OpenAppraisal' ? cmd.employeeId : state.employeeId;
    if (employeeId === undefined) throw new AppraisalDecisionError('not-found', 'appraisal-not-found', 'No such appraisal.');
    const rules = deps.rules();
    const sealing = deferredSealing();
    const events = decide(cmd, state, {
      rules,
      seal: sealing.seal,
      needIdOf: (area) => derivedId(appraisalId, `training-need/${area}`),
    });
    if (events.length === 0) return { appraisalId, state, revision, recorded: [] };
    const stamped = events.map((event, i) => {
      // A training need's event id follows its need id: published once, whatever request or reaction writes it.
      const id = event.type === 'TrainingNeedIdentified' ? derivedId(event.data.needId, 'event') : actor.idSeed ? derivedId(actor.idSeed, `event-${i}`) : newId();
      const data = sealing.bind(event.data, (note) => deps.cipher.seal(employeeId, sealContext(stream, id), note));
      return { id, event: { ...event, data } as AppraisalEvent };
    });
    sealing.assertAllBound();
    try {
      const result = await deps.store.appendToStream(
        stream,
        stamped.map(({ id, event }) => ({
          id,
          type: event.type,
          schemaVersion: evaluationEventRegistry.latestVersion(event.type),
          data: event.data,
          metadata: {
            actor: { subject: actor.subject, role: actor.role },
            correlationId: actor.correlationId,
            ...(actor.causationId ? { causationId: actor.causationId } : {}),
          },
        })),
        { expectedRevision: revision < 0 ? 'no_stream' : revision },
      );
      return { appraisalId, state: events.reduce(evolve, state), revision: result.nextExpectedRevision, recorded: stamped.map(({ event }) => event) };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expectedRevision === undefined && attempt < 5) continue;
      throw error;
    }
  }
};
