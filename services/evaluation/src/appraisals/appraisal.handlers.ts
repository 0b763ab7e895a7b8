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

/** The sealed values of an appraisal are bound to the employee's key and to the stream. */
const sealContext = (appraisalId: string): string => appraisalStreamId(appraisalId);

export const openSealed = (cipher: FieldCipher, employeeId: string, appraisalId: string, sealed: SealedValue): unknown => {
  const value = cipher.open(employeeId, sealContext(appraisalId), sealed);
  return value === ERASED ? 'erased' : value;
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
    const events = decide(cmd, state, {
      rules,
      seal: (value) => deps.cipher.seal(employeeId, sealContext(appraisalId), value),
      needIdOf: (area) => derivedId(appraisalId, `training-need/${area}`),
    });
    if (events.length === 0) return { appraisalId, state, revision, recorded: [] };
    try {
      const result = await deps.store.appendToStream(
        stream,
        events.map((event, i) => ({
          // A training need's event id follows its need id: published once, whatever request or reaction writes it.
          id: event.type === 'TrainingNeedIdentified' ? derivedId(event.data.needId, 'event') : actor.idSeed ? derivedId(actor.idSeed, `event-${i}`) : newId(),
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
      return { appraisalId, state: events.reduce(evolve, state), revision: result.nextExpectedRevision, recorded: events };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expectedRevision === undefined && attempt < 5) continue;
      throw error;
    }
  }
};
