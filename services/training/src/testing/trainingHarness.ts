import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalBus, type LocalBus } from '@asn/bus';
import { EvaluationEvents, PersonnelEvents, streamId, type UnitEvents, type EventData } from '@asn/contracts';
import { newId, type AppendResult } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import {
  createLogger,
  createSqliteIdempotencyStore,
  createTokenVerifier,
  openLocalIssuer,
  type LocalIssuer,
  type Role,
  type SqliteIdempotencyStore,
} from '@asn/service-kit';
import { http, waitUntil, type HttpClient } from '@asn/testing';
import { createApp, type TrainingApp } from '../app';
import { DEFAULT_RULES } from '../rules/rules';

/** The training app on real files in a temp dir: the SQLite store, the local bus over it, a local issuer. */
export interface TrainingHarness {
  dataDir: string;
  store: SqliteEventStore;
  bus: LocalBus;
  training: TrainingApp;
  api: HttpClient;
  /** The clock the service sees; tests move it. */
  clock: { today: string };
  /** A client acting as `subject` with `role` (and, for a unit-scoped official, the unit). */
  as(role: Role, subject?: string, unit?: string): Promise<HttpClient>;
  /** Waits until the service's consumer has handled everything committed so far (and its reactions). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const startTrainingHarness = async (options: { today?: string } = {}): Promise<TrainingHarness> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'training-'));
  const storePath = join(dataDir, 'asn.db');
  const store = openSqliteEventStore({ path: storePath, pollMs: 10 });
  const bus = openLocalBus({ store, path: storePath });
  const idempotency: SqliteIdempotencyStore = createSqliteIdempotencyStore({ database: join(dataDir, 'training.idempotency.db') });
  const issuer: LocalIssuer = await openLocalIssuer({ dataDir });
  const clock = { today: options.today ?? '2026-02-01' };
  const training = await createApp({
    store,
    bus,
    idempotency,
    rules: DEFAULT_RULES,
    readModelPath: join(dataDir, 'training.readmodel.db'),
    logger: createLogger({ service: 'training', level: 'silent' }),
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'training', jwks: issuer.jwks }),
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
    as: async (role, subject = `${role}-1`, unit) =>
      api.withToken(await issuer.issue({ subject, roles: [role], audience: 'training', ttl: '10m', ...(unit ? { unit } : {}) })),
    settle,
    close: async () => {
      await training.stop();
      await bus.close();
      idempotency.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

const decree = (tmt: string) => ({ skNumber: `800/${tmt.slice(0, 4)}/BKPSDM`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023 tentang ASN' });

/** Appends a unit as personnel would (stream `unit-<uuid>`); returns its id. */
export const establishUnit = async (store: SqliteEventStore, unitId = newId()): Promise<string> => {
  const data: EventData<typeof UnitEvents.UnitEstablished> = { name: 'Dinas Kesehatan', code: 'DINKES', tmt: '2020-01-01', legalBasis: 'Perda 5/2016' };
  await store.appendToStream(streamId('unit', unitId), [{ id: newId(), type: 'UnitEstablished', data }]);
  return unitId;
};

/** Appends an appointment as personnel would (stream `employee-<uuid>`), built to pass the contract's schema. */
export const appointEmployee = async (
  store: SqliteEventStore,
  unitId: string,
  options: { employeeId?: string; employeeType?: 'PNS' | 'CPNS' | 'PPPK'; tmt?: string } = {},
): Promise<string> => {
  const employeeId = options.employeeId ?? newId();
  const employeeType = options.employeeType ?? 'PNS';
  const tmt = options.tmt ?? '2020-03-01';
  const data = PersonnelEvents.EmployeeAppointed.schema.parse({
    decisionId: newId(),
    proposedBy: 'staff-1',
    approvedBy: 'approver-1',
    decision: {
      kind: 'appointment',
      employeeType,
      ...(employeeType === 'PPPK' ? { pppkGrade: 'IX', contractUntil: '2030-03-01' } : { golongan: 'III/a' }),
      unitId,
      position: { kind: 'pelaksana', title: 'Pengadministrasi Umum' },
    },
    decree: decree(tmt),
  });
  await store.appendToStream(streamId('employee', employeeId), [{ id: newId(), type: 'EmployeeAppointed', data }]);
  return employeeId;
};

/** Appends a retirement from `tmt` on to the employee's stream. */
export const retireEmployee = async (store: SqliteEventStore, employeeId: string, tmt: string): Promise<AppendResult> => {
  const data = PersonnelEvents.EmployeeRetired.schema.parse({
    decisionId: newId(),
    proposedBy: 'staff-1',
    approvedBy: 'approver-1',
    decision: { kind: 'retirement' },
    decree: decree(tmt),
  });
  return store.appendToStream(streamId('employee', employeeId), [{ id: newId(), type: 'EmployeeRetired', data }]);
};

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

let keySequence = 0;
/** A unique Idempotency-Key per call. */
export const key = (): string => `k-${process.pid}-${++keySequence}-${Date.now()}`;

/** A programme body that passes validation; `overrides` change single fields. */
export const programmeBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Pelatihan Pelayanan Prima',
  competencyArea: 'technical',
  jp: 24,
  capacity: 2,
  startsOn: '2026-03-02',
  endsOn: '2026-03-05',
  deliveryMode: 'classroom',
  organiser: 'BKPSDM Kota Tanjungbalai',
  ...overrides,
});
