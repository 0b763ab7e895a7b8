import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { openLocalBus, type Bus, type Consumer, type LocalBus } from '@asn/bus';
import { openKafkaBus } from '@asn/bus-kafka';
import { streamId } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { createLogger } from '@asn/service-kit';
import { waitUntil, type HttpClient } from '@asn/testing';
import Database from 'better-sqlite3';
import { key, startPersonnelHarness, type PersonnelHarness } from '../testing/personnelHarness';
import { anAppraisalClosed, anAppraisalFinalised, anObjectionDecided } from './appraisal.fixtures';
import { startAppraisals, type Appraisals } from './appraisal.projection';

const decree = (tmt: string) => ({
  skNumber: `800/${tmt}/BKPSDM`,
  skDate: tmt,
  tmt,
  signedBy: 'Wali Kota Tanjungbalai',
  legalBasis: 'UU 20/2023 tentang ASN',
});

interface Row {
  employeeId: string;
  eligible: boolean;
  appraisals: { year: number; predicate: string }[];
  reasons: { rule: string; message: string }[];
}

describe('promotion eligibility with the final appraisals of the evaluation service', () => {
  let h: PersonnelHarness;
  let staff: HttpClient;
  let approver: HttpClient;
  let employeeId: string;

  const rowOf = async (period = '2026-04'): Promise<Row | undefined> => {
    const res = await staff.get(`/v1/eligibility/promotions?period=${period}&includeIneligible=true`).expect(200);
    return (res.body.items as Row[]).find((item) => item.employeeId === employeeId);
  };
  const waitForRow = async (what: string, holds: (row: Row) => boolean): Promise<Row> => {
    let last: Row | undefined;
    await waitUntil(
      what,
      async () => {
        last = await rowOf();
        return last !== undefined && holds(last);
      },
      10_000,
    );
    return last!;
  };
  const appraise = (...events: Parameters<typeof h.store.appendToStream>[1]) =>
    h.store.appendToStream(streamId('evaluation', newId()), events);

  beforeAll(async () => {
    h = await startPersonnelHarness();
    staff = await h.as('hr-staff', 'staff-1');
    approver = await h.as('hr-approver', 'approver-1');
    const unit = await approver
      .post('/v1/units')
      .set('Idempotency-Key', key())
      .send({ name: 'Dinas Pendidikan', code: 'DISDIK', tmt: '2010-01-01', legalBasis: 'Perwali Tanjungbalai 1/2010' })
      .expect(201);
    const appointed = await staff
      .post('/v1/employees')
      .set('Idempotency-Key', key())
      .send({
        decision: {
          kind: 'appointment',
          employeeType: 'CPNS',
          golongan: 'III/a',
          unitId: unit.body.unitId,
          position: { kind: 'pelaksana', title: 'Analis Kepegawaian' },
        },
        decree: decree('2015-03-01'),
        personal: {
          name: 'Ni Luh Putu Ayu',
          nip: '19900315 201503 2 001',
          birthDate: '1990-03-15',
          gender: 'female',
          address: 'Jl. Sudirman No. 1, Tanjungbalai',
          education: 'S1',
        },
      });
    expect(appointed.status).toBe(201);
    employeeId = appointed.body.employeeId as string;
    const approve = await approver
      .post(`/v1/employees/${employeeId}/proposals/${appointed.body.decisionId as string}/approval`)
      .set('Idempotency-Key', key());
    expect(approve.status).toBe(200);
    const confirmation = await staff
      .post(`/v1/employees/${employeeId}/proposals`)
      .set('Idempotency-Key', key())
      .send({ decision: { kind: 'confirmation' }, decree: decree('2016-03-01') });
    expect(confirmation.status).toBe(201);
    await approver
      .post(`/v1/employees/${employeeId}/proposals/${confirmation.body.decisionId as string}/approval`)
      .set('Idempotency-Key', key())
      .expect(200);
  });
  afterAll(async () => h?.close());

  it('is not applied to an employee without recorded appraisals', async () => {
    expect(await rowOf()).toMatchObject({ eligible: true, appraisals: [], reasons: [] });
  });

  it('makes an employee ineligible for a year below baik, and for a missing year once another is recorded', async () => {
    await appraise(anAppraisalFinalised(employeeId, 2025, 'butuh-perbaikan'));
    const row = await waitForRow('the 2025 predicate counts', (r) => !r.eligible);
    expect(row.appraisals).toEqual([{ year: 2025, predicate: 'butuh-perbaikan' }]);
    expect(row.reasons).toEqual([
      expect.objectContaining({ rule: 'promotion.appraisal', message: expect.stringContaining('2024, 2025') }),
    ]);
  });

  it('refuses a regular promotion while a recorded year is missing or below baik', async () => {
    const proposed = await staff
      .post(`/v1/employees/${employeeId}/proposals`)
      .set('Idempotency-Key', key())
      .send({
        decision: { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' },
        decree: decree('2026-04-01'),
      });
    // Proposal and approval check the same rules: the proposal is refused already, with the reason.
    expect(proposed.status).toBe(409);
    expect(JSON.stringify(proposed.body)).toContain('promotion.appraisal');
  });

  it('takes the predicate an upheld objection put in force, and ignores other evaluation events and quarterly periods', async () => {
    const stream = streamId('evaluation', newId());
    await h.store.appendToStream(stream, [anAppraisalFinalised(employeeId, 2023, 'kurang')]);
    await h.store.appendToStream(stream, [anObjectionDecided(employeeId, 2023, 'upheld', 'baik'), anAppraisalClosed()]);
    await appraise(anAppraisalFinalised(employeeId, { kind: 'quarterly', year: 2024, quarter: 1 }, 'sangat-kurang'));
    await appraise(
      anAppraisalFinalised(employeeId, 2025, 'butuh-perbaikan'),
      anObjectionDecided(employeeId, 2025, 'upheld', 'baik'),
    );
    const row = await waitForRow('the objection counts', (r) =>
      r.appraisals.some((a) => a.year === 2025 && a.predicate === 'baik'),
    );
    expect(row).toMatchObject({ eligible: false, appraisals: [{ year: 2025, predicate: 'baik' }] });
    expect(row.reasons).toEqual([
      expect.objectContaining({ rule: 'promotion.appraisal', message: expect.stringMatching(/in 2024\.$/) }),
    ]);
    expect(h.personnel.appraisals?.of(employeeId)).toEqual([
      { year: 2023, predicate: 'baik' },
      { year: 2025, predicate: 'baik' },
    ]);
  });

  it('makes the employee eligible with two baik years, showing the predicates used', async () => {
    await appraise(anAppraisalFinalised(employeeId, 2024, 'sangat-baik'));
    const row = await waitForRow('two good years', (r) => r.eligible);
    expect(row).toMatchObject({
      eligible: true,
      appraisals: [
        { year: 2024, predicate: 'sangat-baik' },
        { year: 2025, predicate: 'baik' },
      ],
      reasons: [],
    });
    expect(h.bus.deadLetters('personnel')).toEqual([]);
    const proposed = await staff
      .post(`/v1/employees/${employeeId}/proposals`)
      .set('Idempotency-Key', key())
      .send({
        decision: { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' },
        decree: decree('2026-04-01'),
      });
    expect(proposed.status).toBe(201);
  });

  it('reports the appraisal consumer as ready once it has caught up', async () => {
    const res = await h.api.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ checks: { appraisals: 'ok' } });
  });
});

describe('the appraisal read model', () => {
  let dir: string;
  let store: SqliteEventStore;
  let bus: LocalBus;
  let appraisals: Appraisals | undefined;
  const path = () => join(dir, 'personnel.readmodel.db');
  const start = () =>
    startAppraisals({ bus, path: path(), logger: createLogger({ service: 'personnel', level: 'silent' }) });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'personnel-appraisals-'));
    store = openSqliteEventStore({ path: join(dir, 'asn.db'), pollMs: 20 });
    bus = openLocalBus({ store, path: join(dir, 'asn.db') });
  });
  afterEach(async () => {
    await appraisals?.stop();
    appraisals = undefined;
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a redelivered event once (P8)', async () => {
    const employeeId = '0190a000-0000-7000-8000-0000000000e1';
    await store.appendToStream(streamId('evaluation', newId()), [
      anAppraisalFinalised(employeeId, 2024, 'baik'),
      anObjectionDecided(employeeId, 2024, 'rejected', 'baik'),
    ]);
    appraisals = start();
    await appraisals.caughtUp(5_000);
    await appraisals.stop();
    // Count every write to the table from now on.
    const db = new Database(path());
    db.exec(`CREATE TABLE writes (n INTEGER NOT NULL); INSERT INTO writes VALUES (0);
      CREATE TRIGGER counted AFTER UPDATE ON appraisals BEGIN UPDATE writes SET n = n + 1; END;`);
    db.close();

    // As after a crash before the bus moved its checkpoint: both events are delivered again.
    const checkpoint = store.checkpoints('bus:personnel');
    const head = await checkpoint.load();
    await checkpoint.save(0);
    appraisals = start();
    await appraisals.caughtUp(5_000);
    // Both were read again: the group's checkpoint is back at the head.
    expect(head).toBeGreaterThan(0);
    expect(await checkpoint.load()).toBe(head);
    const check = new Database(path(), { readonly: true });
    expect(check.prepare('SELECT n FROM writes').get()).toEqual({ n: 0 });
    check.close();
    expect(appraisals.of(employeeId)).toEqual([{ year: 2024, predicate: 'baik' }]);
    expect(bus.deadLetters('personnel')).toEqual([]);
  });

  it('dead-letters an evaluation event that breaks its contract and goes on', async () => {
    const employeeId = '0190a000-0000-7000-8000-0000000000e2';
    const broken = anAppraisalFinalised(employeeId, 2024, 'baik');
    await store.appendToStream(streamId('evaluation', newId()), [
      { ...broken, data: { ...(broken.data as object), predicate: 'excellent' } },
    ]);
    await store.appendToStream(streamId('evaluation', newId()), [anAppraisalFinalised(employeeId, 2025, 'baik')]);
    appraisals = start();
    await appraisals.caughtUp(5_000);
    expect(appraisals.of(employeeId)).toEqual([{ year: 2025, predicate: 'baik' }]);
    expect(bus.deadLetters('personnel')).toEqual([expect.objectContaining({ errorClass: 'EventSchemaError' })]);
  });

  it('stops promptly while its subscription is still being set up (a broker slow to answer), and stops that subscription once it is ready', async () => {
    let ready!: (consumer: Consumer) => void;
    let stopped = false;
    const slow: Bus = {
      subscribe: () => new Promise<Consumer>((resolve) => (ready = resolve)),
      close: async () => undefined,
    };
    const starting = startAppraisals({ bus: slow, path: path(), logger: createLogger({ service: 'personnel', level: 'silent' }) });
    const began = Date.now();
    await starting.stop();
    expect(Date.now() - began).toBeLessThan(5_000);
    ready({ caughtUp: Promise.resolve(), pause: () => undefined, resume: () => undefined, stop: async () => void (stopped = true) });
    await waitUntil('the late subscription is stopped', () => stopped, 2_000);
  });

  it('is not caught up while it cannot subscribe (no broker answers), and stops cleanly', async () => {
    const unreachable = openKafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'personnel',
      connectionTimeoutMs: 100,
      requestTimeoutMs: 200,
    });
    const waiting = startAppraisals({
      bus: unreachable,
      path: path(),
      logger: createLogger({ service: 'personnel', level: 'silent' }),
      retryDelayMs: 50,
    });
    try {
      await expect(waiting.caughtUp(300)).rejects.toThrow('the appraisal consumer has not caught up');
    } finally {
      await waiting.stop();
      await unreachable.close();
    }
  });
});
