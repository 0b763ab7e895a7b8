import { join } from 'node:path';
import { anEmployeeId, appointed, aUnitId, decided, establishUnit, record, transferred } from '@asn/org-chart/testing';
import { expectProblem, waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { key, startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';
import type { Comparison } from './compare';
import { openLiveReadModels, READ_MODEL_VERSION, type RebuildStatus } from './liveReadModels';

// Rebuild without downtime, its progress, and the replay-and-compare of the read models (P10), over HTTP on a
// real store file and the local bus.

const U1 = aUnitId(1);
const U2 = aUnitId(2);
const PEOPLE = Array.from({ length: 40 }, (_, i) => anEmployeeId(i + 1));
const [A, B] = PEOPLE as [string, string];
const golongan = ['II/a', 'II/b', 'III/a', 'III/b'] as const;

let h: ReportingHarness;
const rows = () => (h.reporting.live.current().careers.employeeIds().length);

const compare = async (body: Record<string, unknown> = {}): Promise<Comparison> => (await (await h.as('auditor')).post('/v1/read-models/comparisons').set('Idempotency-Key', key()).send(body).expect(200)).body as Comparison;
const rebuildStatus = async (): Promise<RebuildStatus> => (await (await h.as('operator')).get('/v1/read-models/rebuild').expect(200)).body as RebuildStatus;
/** Changes a row of the live read model behind the service's back, as a disk error or a bug in a projection would. */
const tamper = (sql: string, ...args: string[]) => {
  const db = new Database(join(h.dataDir, 'reporting.readmodel.db'));
  try {
    return db.prepare(sql).run(...args).changes;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, U1, 'Dinas Pendidikan');
  await establishUnit(h.store, U2, 'Dinas Kesehatan');
  for (const [i, id] of PEOPLE.entries()) {
    await record(h.store, appointed(id, `201${i % 10}-01-01`, { unitId: i % 2 ? U1 : U2 }));
    await record(h.store, decided(id, { kind: 'promotion', promotionKind: 'regular', golongan: golongan[i % 4]! }, `202${i % 5}-04-01`));
    if (i % 3 === 0) await record(h.store, transferred(id, '2024-07-01', i % 2 ? U2 : U1));
  }
  await waitUntil('every employee is in the read model', () => rows() === PEOPLE.length, 20_000);
}, 60_000);
afterAll(async () => h.close());

describe('replay and compare (P10)', () => {
  it('finds the live read models equal to a fresh replay of the store, table by table, and records who asked', async () => {
    const result = await compare();
    expect(result.equal).toBe(true);
    expect(result.events).toBeGreaterThan(PEOPLE.length * 2);
    expect(result.tables.map((t) => t.table)).toEqual(expect.arrayContaining(['career_events', 'org_assignments', 'org_units']));
    for (const t of result.tables) expect({ table: t.table, onlyLive: t.onlyLive, onlyReplayed: t.onlyReplayed, same: t.live === t.replayed }).toEqual({ table: t.table, onlyLive: 0, onlyReplayed: 0, same: true });
    expect(result.tables.find((t) => t.table === 'career_events')?.replayed).toBe(result.events - 2);
    const audited = h.audit.query({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000), limit: 100 }).items;
    expect(audited.some((e) => e.action === 'replay-compare' && e.allowed)).toBe(true);
  });

  it('finds a live row that the events do not give (changed behind the service) and names its table, for everything and for the one stream', async () => {
    expect(tamper("UPDATE career_events SET tmt = '1999-01-01' WHERE employee_id = ? AND event_type = 'EmployeePromoted'", A)).toBe(1);
    const all = await compare();
    expect(all.equal).toBe(false);
    const careers = all.tables.find((t) => t.table === 'career_events');
    expect(careers).toMatchObject({ onlyLive: 1, onlyReplayed: 1 });
    expect(careers?.samples.onlyLive).toEqual([expect.objectContaining({ employee_id: A, tmt: '1999-01-01' })]);
    expect(all.tables.filter((t) => t.table !== 'career_events').every((t) => t.onlyLive === 0 && t.onlyReplayed === 0)).toBe(true);

    const one = await compare({ stream: `employee-${A}` });
    expect(one).toMatchObject({ equal: false, stream: `employee-${A}` });
    expect(one.tables.find((t) => t.table === 'career_events')).toMatchObject({ live: 3, replayed: 3, onlyLive: 1, onlyReplayed: 1 });
    const other = await compare({ stream: `employee-${B}` });
    expect(other.equal).toBe(true);
  });

  it('compares a lagging live model at its own cut: events it has not consumed yet are no difference', async () => {
    const live = h.reporting.live;
    // Stop consuming by holding a comparison open is not possible from outside; instead record while comparing.
    const late = anEmployeeId(900);
    const [result] = await Promise.all([compare({ stream: `employee-${B}` }), record(h.store, appointed(late, '2025-01-01', { unitId: U1 }))]);
    expect(result.equal).toBe(true);
    await waitUntil('the late appointment is consumed', () => live.current().careers.timeline(late).length === 1, 20_000);
  });

  it('refuses a stream of no reported topic, an unknown field, and anyone but an auditor or operator, changing nothing', async () => {
    const auditor = await h.as('auditor');
    expectProblem(await auditor.post('/v1/read-models/comparisons').set('Idempotency-Key', key()).send({ stream: `nip-${A}` }), 400);
    expectProblem(await auditor.post('/v1/read-models/comparisons').set('Idempotency-Key', key()).send({ stream: 'employee-NOT-A-UUID' }), 400);
    expectProblem(await auditor.post('/v1/read-models/comparisons').set('Idempotency-Key', key()).send({ everything: true }), 400);
    for (const role of ['hr-staff', 'hr-approver', 'employee'] as const) {
      expectProblem(await (await h.as(role)).post('/v1/read-models/comparisons').set('Idempotency-Key', key()).send({}), 403);
      expectProblem(await (await h.as(role)).post('/v1/read-models/rebuilds').set('Idempotency-Key', key()), 403);
      expectProblem(await (await h.as(role)).get('/v1/read-models/rebuild'), 403);
    }
    expectProblem(await h.api.post('/v1/read-models/rebuilds').set('Idempotency-Key', key()), 401);
    // The only build so far is the first one, at start (the harness begins with no read-model file).
    expect(await rebuildStatus()).toMatchObject({ state: 'done', reason: 'start', percent: 100 });
  });
});

describe('a rebuild without downtime', () => {
  it('replays the store into a new file while the live model answers, swaps it in with the tampered row repaired, and shows its progress', async () => {
    const operator = await h.as('operator');
    const hr = await h.as('hr-staff');
    const before = (await hr.get(`/v1/employees/${B}/record?asOf=2026-01-01`).expect(200)).body as unknown;
    const started = (await operator.post('/v1/read-models/rebuilds').set('Idempotency-Key', key()).expect(202)).body as RebuildStatus;
    expect(started.state).toBe('running');
    // Reads go on during the rebuild and the swap, with the same answers.
    let reads = 0;
    while (h.reporting.live.busy() && reads < 2_000) {
      expect((await hr.get(`/v1/employees/${B}/record?asOf=2026-01-01`).expect(200)).body).toEqual(before);
      reads += 1;
    }
    const status = await h.reporting.live.settled();
    expect(status).toMatchObject({ state: 'done', reason: 'request', requestedBy: expect.any(String), percent: 100, skippedCount: 0 });
    expect(status.events).toBeGreaterThan(PEOPLE.length * 2);
    expect(status.position).toBe(await h.store.headPosition());
    expect(await rebuildStatus()).toEqual(status);
    expect((await compare()).equal).toBe(true);
    expect((await hr.get(`/v1/employees/${B}/record?asOf=2026-01-01`).expect(200)).body).toEqual(before);
    const audited = h.audit.query({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000), limit: 100 }).items;
    // The roles refused by the test before are on the trail too, as refused (403).
    expect(audited.filter((e) => e.action === 'rebuild-read-models').map((e) => `${e.role}:${String(e.allowed)}`)).toEqual(['hr-staff:false', 'hr-approver:false', 'employee:false', 'operator:true']);
  });

  it('runs one rebuild or comparison at a time', async () => {
    const live = h.reporting.live;
    expect(live.rebuild('first')).toBe(true);
    expect(live.busy()).toBe(true);
    expect(live.rebuild('second')).toBe(false);
    await expect(live.compare()).rejects.toThrow('running');
    expect(await live.settled()).toMatchObject({ state: 'done', requestedBy: 'first' });
    expect(live.busy()).toBe(false);
  });

  it('keeps consuming after the swap: an event recorded afterwards reaches the new read model', async () => {
    const after = anEmployeeId(901);
    await record(h.store, appointed(after, '2025-06-01', { unitId: U2 }));
    await waitUntil('the appointment after the swap is consumed', () => h.reporting.live.current().careers.timeline(after).length === 1, 20_000);
    expect((await compare()).equal).toBe(true);
  });

  it('builds a read-model file of another version (or an unfinished one) again from the store at start', async () => {
    const path = join(h.dataDir, 'other.readmodel.db');
    const old = new Database(path);
    old.exec('CREATE TABLE career_events (stale INTEGER)');
    old.pragma('user_version = 1');
    old.close();
    const logs: string[] = [];
    const logger = { info: (_: unknown, m?: string) => logs.push(m ?? ''), warn: (_: unknown, m?: string) => logs.push(m ?? ''), error: (_: unknown, m?: string) => logs.push(m ?? '') };
    const live = await openLiveReadModels({ path, store: h.store, bus: h.bus, logger: logger as never, group: 'reporting.other' });
    try {
      await live.caughtUp;
      expect(live.status()).toMatchObject({ state: 'done', reason: 'start', percent: 100 });
      expect(live.current().careers.employeeIds().length).toBe(h.reporting.live.current().careers.employeeIds().length);
      expect(logs.some((m) => m.includes('another version'))).toBe(true);
      const check = new Database(path, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(READ_MODEL_VERSION);
      check.close();
    } finally {
      await live.stop();
    }
  });
});

describe('a first build that fails', () => {
  it('leaves the service up and not ready, says why, and a rebuild recovers it once the store reads again', async () => {
    const path = join(h.dataDir, 'failing.readmodel.db');
    let broken = true;
    const store = {
      headPosition: () => h.store.headPosition(),
      readAll: (options?: Parameters<typeof h.store.readAll>[0]) => {
        if (broken) throw new Error('disk I/O error');
        return h.store.readAll(options);
      },
    };
    const logs: string[] = [];
    const logger = { info: (_: unknown, m?: string) => logs.push(m ?? ''), warn: (_: unknown, m?: string) => logs.push(m ?? ''), error: (_: unknown, m?: string) => logs.push(m ?? '') };
    const live = await openLiveReadModels({ path, store, bus: h.bus, logger: logger as never, group: 'reporting.failing' });
    try {
      await expect(live.caughtUp).rejects.toThrow('disk I/O error');
      await waitUntil('the failure is in the status', () => live.status().state === 'failed', 2_000);
      expect(live.status().error).toContain('disk I/O error');
      expect(logs).toContain('reporting read models could not be built: not ready');
      expect(live.current().careers.employeeIds()).toEqual([]);
      broken = false;
      expect(live.rebuild('operator-1')).toBe(true);
      expect(await live.settled()).toMatchObject({ state: 'done', percent: 100 });
      expect(live.current().careers.employeeIds().length).toBe(h.reporting.live.current().careers.employeeIds().length);
    } finally {
      await live.stop();
    }
  });
});
