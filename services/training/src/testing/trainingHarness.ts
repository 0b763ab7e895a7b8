import { join } from 'node:path';
import { EvaluationEvents, streamId, type EventData } from '@asn/contracts';
import { newId } from '@asn/event-store';
import type { SqliteEventStore } from '@asn/event-store-sqlite';
import { decided, record } from '@asn/org-chart/testing';
import { openTestRuntime, type ServiceHarness } from '@asn/runtime/testing';
import { http, waitUntil } from '@asn/testing';
import { createApp, type TrainingApp } from '../app';
import { aProgramme } from '../programmes/programme.fixtures';
import { DEFAULT_RULES } from '../rules/rules';

export { appointEmployee, establishUnit } from '@asn/org-chart/testing';
export { idempotencyKey as key } from '@asn/runtime/testing';

/** The training app on real files in a temp dir: the SQLite store, the local bus over it, a local issuer. */
export interface TrainingHarness extends ServiceHarness {
  training: TrainingApp;
  /** The clock the service sees; tests move it. */
  clock: { today: string };
  /** Waits until the service's consumer has handled everything committed so far (and its reactions). */
  settle(): Promise<void>;
}

export const startTrainingHarness = async (options: { today?: string } = {}): Promise<TrainingHarness> => {
  const runtime = await openTestRuntime('training', { pollMs: 10 });
  const { dataDir, store, bus, idempotency, logger, auth } = runtime;
  const clock = { today: options.today ?? '2026-02-01' };
  const training = await createApp({
    store,
    bus,
    idempotency,
    rules: DEFAULT_RULES,
    readModelPath: join(dataDir, 'training.readmodel.db'),
    logger,
    auth,
    now: () => new Date(`${clock.today}T03:00:00Z`),
  });
  const api = http(training.app);
  const inboxRevision = training.readModel.db.prepare<[string], { revision: number }>("SELECT revision FROM inbox WHERE consumer = 'training' AND stream = ?");
  const settle = async (): Promise<void> => {
    const heads = new Map<string, number>();
    for await (const event of store.readAll()) heads.set(event.stream, event.revision);
    await waitUntil('the training consumer catches up', () => [...heads].every(([stream, revision]) => (inboxRevision.get(stream)?.revision ?? -1) >= revision), 10_000, 10);
    await training.consumer.settled();
  };
  return {
    dataDir,
    store,
    bus,
    training,
    api,
    clock,
    as: (role, subject, unit) => runtime.as(api, role, subject, unit),
    settle,
    close: async () => {
      await training.stop();
      await runtime.close();
    },
  };
};

/** Records a retirement from `tmt` on the employee's stream, as personnel would. */
export const retireEmployee = (store: SqliteEventStore, employeeId: string, tmt: string): Promise<void> => record(store, decided(employeeId, { kind: 'retirement' }, tmt));

export interface IdentifiedNeed {
  needId: string;
  eventId: string;
  appraisalId: string;
}

/** Appends a training need as evaluation would (stream `evaluation-<appraisalId>`), with a given event id. */
export const identifyNeed = async (
  store: SqliteEventStore,
  need: { employeeId: string; unitId: string; competencyArea?: 'technical' | 'managerial' | 'socio-cultural'; appraisalId?: string; eventId?: string; needId?: string },
): Promise<IdentifiedNeed> => {
  const appraisalId = need.appraisalId ?? newId();
  const needId = need.needId ?? newId();
  const eventId = need.eventId ?? newId();
  const data: EventData<typeof EvaluationEvents.TrainingNeedIdentified> = EvaluationEvents.TrainingNeedIdentified.schema.parse({
    needId,
    employeeId: need.employeeId,
    unitId: need.unitId,
    period: { kind: 'annual', year: 2025 },
    competencyArea: need.competencyArea ?? 'technical',
    source: 'predicate',
    predicate: 'butuh-perbaikan',
  });
  await store.appendToStream(streamId('evaluation', appraisalId), [{ id: eventId, type: 'TrainingNeedIdentified', data }]);
  return { needId, eventId, appraisalId };
};

/** A programme body that passes validation; `overrides` change single fields. */
export const programmeBody = (overrides: Record<string, unknown> = {}) => ({ ...aProgramme(), ...overrides });
