import type { DecodedEvent } from '@asn/bus';
import { toCloudEvent, type CorrectableDecision, type Golongan } from '@asn/contracts';
import type { RecordedEvent } from '@asn/event-store';
import { openOrgChart, personnelTopicRegistry } from '@asn/org-chart';
import {
  aDecisionId,
  anEmployeeId,
  appointed,
  assigned,
  aUnitId,
  corrected,
  decided,
  establishUnit,
  functional,
  managerial,
  proposed,
  record,
  rejected,
  transferred,
  type TopicEvent,
} from '@asn/org-chart/testing';
import { expectProblem, waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';
import { openCareers, type Careers } from './careers';

// The careers read model over HTTP, fed through the local bus from the event store as the personnel
// service would fill it; and rebuilt from position 0 (P10).

const U1 = aUnitId(1);
const U2 = aUnitId(2);
const [A, B, C, D, E, F, G] = [1, 2, 3, 4, 5, 6, 7].map((n) => anEmployeeId(n)) as [string, string, string, string, string, string, string];
const promotion = (golongan: Golongan): Extract<CorrectableDecision, { kind: 'promotion' }> => ({ kind: 'promotion', promotionKind: 'regular', golongan });

interface RosterItem {
  employeeId: string;
  unitId: string;
  unitName: string | null;
  employeeType: string;
  golongan?: string;
  pppkGrade?: string;
  position: { kind: string };
  since: string;
}
interface RosterPage {
  asOf: string;
  recordedBy?: string;
  total: number;
  items: RosterItem[];
}

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
};

/** A recorded event as the consumer receives it: its CloudEvent with the data upcast by the topic's registry. */
const decode = (event: RecordedEvent): DecodedEvent => ({
  ...toCloudEvent(event),
  eventType: event.type,
  data: personnelTopicRegistry.parse(event.type as never, event.schemaVersion, event.data),
});

/** Seeded, so that a failure can be replayed (mulberry32). */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SEED = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);

// A small city: two units, seven people, two phases of recording (the second one late, with past TMTs).
let h: ReportingHarness;
let phaseTwo: Date;
let promotionOfA: TopicEvent;
const expected: Record<string, number> = {};

const recordAll = async (...events: TopicEvent[]) => {
  for (const event of events) {
    const employeeId = event.subject.replace(/^employee-/, '');
    expected[employeeId] = (expected[employeeId] ?? 0) + 1;
    await record(h.store, event);
  }
};
const caughtUp = () => waitUntil('the read model has every career event', () => Object.entries(expected).every(([id, n]) => h.reporting.careers.timeline(id).length === n), 20_000);

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, U1, 'Dinas Pendidikan');
  await establishUnit(h.store, U2, 'Badan Pendapatan Daerah');
  promotionOfA = decided(A, promotion('III/b'), '2019-04-01');
  const rejectedAppointment = aDecisionId();
  await recordAll(
    appointed(A, '2015-03-01', { unitId: U1 }),
    promotionOfA,
    appointed(B, '2021-03-01', { unitId: U1, employeeType: 'PPPK', position: functional(), contractUntil: '2026-03-01' }),
    appointed(C, '2018-01-01', { unitId: U2, employeeType: 'CPNS' }),
    decided(C, { kind: 'confirmation' }, '2019-01-01'),
    assigned(C, '2020-01-01', managerial('pengawas', 'Kepala Sub Bagian Umum')),
    appointed(D, '2000-01-01', { unitId: U2 }),
    decided(D, { kind: 'retirement' }, '2022-01-01'),
    appointed(E, '2016-01-01', { unitId: U1 }),
    transferred(E, '2023-01-01'),
    proposed(F, { kind: 'appointment', employeeType: 'PNS', golongan: 'II/a', unitId: U1, position: functional() }, '2021-01-01', U1, rejectedAppointment),
    rejected(F, rejectedAppointment),
  );
  await caughtUp();
  const lastOfPhaseOne = Math.max(...Object.keys(expected).flatMap((id) => h.reporting.careers.timeline(id).map((e) => Date.parse(e.recordedAt))));
  await waitUntil('the clock is past the first phase', () => Date.now() > lastOfPhaseOne + 2);
  phaseTwo = new Date(lastOfPhaseOne + 1);
  await recordAll(
    transferred(A, '2020-07-01', U2),
    corrected(A, '2019-04-01', promotionOfA.decisionId ?? '', promotion('III/c')),
    appointed(G, '2017-01-01', { unitId: U1 }),
  );
  await caughtUp();
});
afterAll(async () => h.close());

const roster = async (query: string): Promise<RosterPage> => (await (await h.as('hr-staff')).get(`/v1/roster?${query}`).expect(200)).body as RosterPage;
const ids = (page: RosterPage) => page.items.map((i) => i.employeeId);

describe('the roster', () => {
  it('lists everyone in service on the date by unit then id, with unit, type, rank and position', async () => {
    const page = await roster('asOf=2021-06-01');
    expect(page).toMatchObject({ asOf: '2021-06-01', total: 6 });
    expect(page).not.toHaveProperty('recordedBy');
    expect(ids(page)).toEqual([B, E, G, A, C, D]);
    expect(page.items[0]).toEqual({ employeeId: B, unitId: U1, unitName: 'Dinas Pendidikan', employeeType: 'PPPK', pppkGrade: 'IX', position: functional(), since: '2021-03-01' });
    expect(page.items[3]).toEqual({ employeeId: A, unitId: U2, unitName: 'Badan Pendapatan Daerah', employeeType: 'PNS', golongan: 'III/c', position: { kind: 'pelaksana', title: 'Pengadministrasi Umum' }, since: '2020-07-01' });
  });

  it.each([
    [`unitId=${U1}`, [B, E, G]],
    [`unitId=${U2.toUpperCase()}`, [A, C, D]],
    ['golongan=III/c', [A]],
    ['golongan=III%2Fa', [E, G, C, D]],
    ['employeeType=PPPK', [B]],
    ['positionKind=managerial', [C]],
    ['positionKind=functional', [B]],
    ['positionKind=pelaksana', [E, G, A, D]],
    [`unitId=${U2}&positionKind=pelaksana&golongan=III/a`, [D]],
  ])('filters by %s', async (filter, expectedIds) => {
    const page = await roster(`asOf=2021-06-01&${filter}`);
    expect(ids(page)).toEqual(expectedIds);
    expect(page.total).toBe(expectedIds.length);
  });

  it('reads as of another date (by TMT): who had joined, who had left, in which unit, with which rank and type', async () => {
    expect(ids(await roster('asOf=2018-06-01&employeeType=CPNS'))).toEqual([C]);
    const mid2019 = await roster('asOf=2019-06-01');
    expect(mid2019.items.map((i) => [i.employeeId, i.unitId, i.employeeType, i.golongan])).toEqual([
      [A, U1, 'PNS', 'III/c'],
      [E, U1, 'PNS', 'III/a'],
      [G, U1, 'PNS', 'III/a'],
      [C, U2, 'PNS', 'III/a'],
      [D, U2, 'PNS', 'III/a'],
    ]);
    expect(ids(await roster('asOf=2023-06-01'))).toEqual([B, G, A, C]);
    expect(await roster('asOf=1999-12-31')).toEqual({ asOf: '1999-12-31', total: 0, items: [] });
  });

  it('reads as of today (the city\'s date, WIB) by default', async () => {
    const page = await roster('');
    expect(page.asOf).toBe(new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10));
    expect(ids(page)).toEqual([B, G, A, C]);
  });

  it('reads as recorded by a time: what was recorded later is left out', async () => {
    const page = await roster(`asOf=2021-06-01&recordedBy=${encodeURIComponent(phaseTwo.toISOString())}`);
    expect(page.recordedBy).toBe(phaseTwo.toISOString());
    expect(page.items.map((i) => [i.employeeId, i.unitId, i.golongan ?? i.pppkGrade])).toEqual([
      [A, U1, 'III/b'],
      [B, U1, 'IX'],
      [E, U1, 'III/a'],
      [C, U2, 'III/a'],
      [D, U2, 'III/a'],
    ]);
    expect(page.total).toBe(5);
  });

  it('pages with offset and limit, the total counting every match', async () => {
    const first = await roster('asOf=2021-06-01&limit=2');
    expect({ total: first.total, ids: ids(first) }).toEqual({ total: 6, ids: [B, E] });
    const second = await roster('asOf=2021-06-01&limit=2&offset=2');
    expect({ total: second.total, ids: ids(second) }).toEqual({ total: 6, ids: [G, A] });
    const past = await roster('asOf=2021-06-01&limit=2&offset=6');
    expect({ total: past.total, ids: ids(past) }).toEqual({ total: 6, ids: [] });
    expect(ids(await roster('asOf=2021-06-01&limit=5000'))).toEqual([B, E, G, A, C, D]);
  });
});

describe("an employee's record", () => {
  it('of someone who retired reads as left from the TMT, with the unit left from', async () => {
    const staff = await h.as('hr-approver');
    const before = await staff.get(`/v1/employees/${D}/record?asOf=2021-12-31`).expect(200);
    expect(before.body).toMatchObject({ employeeId: D, status: 'active', unit: { unitId: U2 } });
    const res = await staff.get(`/v1/employees/${D}/record?asOf=2022-01-01`).expect(200);
    expect(res.body).toMatchObject({ employeeId: D, asOf: '2022-01-01', status: 'left', leftBy: 'retirement', leftOn: '2022-01-01', unit: { unitId: U2, name: 'Badan Pendapatan Daerah' } });
  });

  it('of someone who moved to another region reads as left by transfer-out', async () => {
    const res = await (await h.as('auditor')).get(`/v1/employees/${E}/record?asOf=2024-01-01`).expect(200);
    expect(res.body).toMatchObject({ status: 'left', leftBy: 'transfer-out', leftOn: '2023-01-01', unit: { unitId: U1 } });
  });

  it('answers 404 before the appointment, and for someone whose appointment was rejected', async () => {
    const auditor = await h.as('auditor');
    expectProblem(await auditor.get(`/v1/employees/${A}/record?asOf=2015-02-28`), 404);
    expectProblem(await auditor.get(`/v1/employees/${F}/record?asOf=2022-01-01`), 404);
    expectProblem(await auditor.get(`/v1/employees/${anEmployeeId(999)}/record?asOf=2022-01-01`), 404);
  });

  it('reads as recorded by a time given in any offset', async () => {
    const auditor = await h.as('auditor');
    const jakarta = new Date(phaseTwo.getTime() + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
    const res = await auditor.get(`/v1/employees/${A}/record?asOf=2021-06-01&recordedBy=${encodeURIComponent(jakarta)}`).expect(200);
    expect(res.body).toMatchObject({ recordedBy: phaseTwo.toISOString(), unit: { unitId: U1 }, rank: { golongan: 'III/b', decidedBy: { decisionId: promotionOfA.decisionId } } });
    expect(res.body).not.toHaveProperty('rank.decidedBy.correctedBy');
    const now = await auditor.get(`/v1/employees/${A}/record?asOf=2021-06-01`).expect(200);
    expect(now.body).toMatchObject({ unit: { unitId: U2 }, rank: { golongan: 'III/c', decidedBy: { correctedBy: { eventType: 'DecisionCorrected' } } } });
    expectProblem(await auditor.get(`/v1/employees/${G}/record?asOf=2021-06-01&recordedBy=${encodeURIComponent(phaseTwo.toISOString())}`), 404);
  });
});

describe('bad inputs', () => {
  const auditEntries = () => h.audit.query({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000), limit: 1000 }).items.length;

  it.each([
    ['an impossible date', `/v1/employees/${A}/record?asOf=2021-02-30`],
    ['year 0000', `/v1/employees/${A}/record?asOf=0000-01-01`],
    ['a date in another format', `/v1/employees/${A}/record?asOf=01-03-2021`],
    ['no asOf on a record', `/v1/employees/${A}/record`],
    ['two asOf', `/v1/employees/${A}/record?asOf=2021-01-01&asOf=2021-01-02`],
    ['recordedBy without an offset', `/v1/employees/${A}/record?asOf=2021-01-01&recordedBy=2021-01-01T00:00:00`],
    ['recordedBy that is not a time', `/v1/employees/${A}/record?asOf=2021-01-01&recordedBy=yesterday`],
    ['a path id that is not a UUID', '/v1/employees/not-a-uuid/record?asOf=2021-01-01'],
    ['a path id that is a NIP', '/v1/employees/198609262015051001/record?asOf=2021-01-01'],
    ['a timeline path id that is not a UUID', '/v1/employees/1%27%20OR%201=1/timeline'],
    ['an unknown query key on a record', `/v1/employees/${A}/record?asOf=2021-01-01&nip=198609262015051001`],
    ['an unknown query key on the roster', '/v1/roster?sort=name'],
    ['a prototype-pollution key', '/v1/roster?__proto__=x'],
    ['a negative limit', '/v1/roster?limit=-1'],
    ['a zero limit', '/v1/roster?limit=0'],
    ['a limit that is not a number', '/v1/roster?limit=ten'],
    ['a negative offset', '/v1/roster?offset=-1'],
    ['a golongan that does not exist', '/v1/roster?golongan=X/z'],
    ['a ruang e below IV', '/v1/roster?golongan=III/e'],
    ['an unknown employee type', '/v1/roster?employeeType=ASN'],
    ['an unknown position kind', '/v1/roster?positionKind=staf'],
    ['a unit id that is not a UUID', '/v1/roster?unitId=dinas'],
    ['an impossible roster date', '/v1/roster?asOf=2023-13-01'],
  ])('refuses %s with 400, writing nothing', async (_what, path) => {
    const auditor = await h.as('auditor');
    const head = await h.store.headPosition();
    const audited = auditEntries();
    const res = await auditor.get(path);
    const problem = expectProblem(res, 400);
    expect(JSON.stringify(problem)).not.toMatch(/\n\s+at /);
    expect(await h.store.headPosition()).toBe(head);
    expect(auditEntries()).toBe(audited);
    // The service is still up and answering.
    await auditor.get(`/v1/employees/${A}/record?asOf=2021-06-01`).expect(200);
  });
});

describe('a rebuild from position 0 (P10), with every message delivered 1 to 5 times (P8)', () => {
  let rebuilt: Careers;
  let db: Database.Database;
  beforeAll(async () => {
    db = new Database(':memory:');
    const orgChart = openOrgChart(db);
    rebuilt = openCareers(db, orgChart);
    const random = seeded(SEED);
    const events = await collect(h.store.readAll({ categories: ['employee', 'unit'] }));
    expect(events.length).toBe(17);
    for (const recorded of events) {
      const event = decode(recorded);
      const times = 1 + Math.floor(random() * 5);
      for (let i = 0; i < times; i++) {
        orgChart.apply(event);
        rebuilt.apply(event);
      }
    }
  });
  afterAll(() => {
    db.close();
  });

  it(`gives the same timelines as the live read model (seed ${SEED})`, async () => {
    const live = h.reporting.careers;
    expect(rebuilt.employeeIds()).toEqual(live.employeeIds());
    for (const id of [A, B, C, D, E, F, G]) expect(rebuilt.timeline(id)).toEqual(live.timeline(id));
    const res = await (await h.as('auditor')).get(`/v1/employees/${A}/timeline`).expect(200);
    expect((res.body as { entries: unknown[] }).entries).toEqual(rebuilt.timeline(A));
  });

  it(`gives the same records and rosters as of any date and as recorded by any time (seed ${SEED})`, () => {
    const live = h.reporting.careers;
    const dates = ['1999-12-31', '2015-03-01', '2018-06-01', '2019-04-01', '2020-07-01', '2021-06-01', '2022-01-01', '2023-06-01', '2030-01-01'];
    for (const recordedBy of [undefined, phaseTwo]) {
      for (const date of dates) {
        expect(rebuilt.roster(date, recordedBy)).toEqual(live.roster(date, recordedBy));
        for (const id of [A, B, C, D, E, F, G]) expect(rebuilt.recordOf(id, date, recordedBy)).toEqual(live.recordOf(id, date, recordedBy));
      }
    }
  });
});

describe('a roster larger than the largest page', () => {
  let big: ReportingHarness;
  const COUNT = 1001;
  beforeAll(async () => {
    big = await startReportingHarness();
    const unitId = await establishUnit(big.store, U1, 'Dinas Pendidikan');
    for (let n = 1; n <= COUNT; n++) await record(big.store, appointed(anEmployeeId(10_000 + n), '2020-01-01', { unitId }));
    await waitUntil('every appointment is read', () => big.reporting.careers.employeeIds().length === COUNT, 60_000);
  }, 120_000);
  afterAll(async () => big.close());

  it('clamps a larger limit to 1000, and pages the rest', async () => {
    const staff = await big.as('hr-staff');
    const clamped = (await staff.get('/v1/roster?asOf=2021-01-01&limit=5000').expect(200)).body as RosterPage;
    expect({ total: clamped.total, items: clamped.items.length }).toEqual({ total: COUNT, items: 1000 });
    const byDefault = (await staff.get('/v1/roster?asOf=2021-01-01').expect(200)).body as RosterPage;
    expect(byDefault.items).toHaveLength(200);
    const rest = (await staff.get('/v1/roster?asOf=2021-01-01&limit=1000&offset=1000').expect(200)).body as RosterPage;
    expect(ids(rest)).toEqual([anEmployeeId(10_000 + COUNT)]);
  }, 60_000);
});

describe("today is the city's date", () => {
  // 20:00 UTC on 31 December is 03:00 WIB on 1 January: the city's new year, not UTC's old one.
  const evening = new Date('2025-12-31T20:00:00Z');
  let city: ReportingHarness;
  beforeAll(async () => {
    city = await startReportingHarness({ now: () => evening, withoutDigests: true });
    const unitId = await establishUnit(city.store, U1, 'Dinas Pendidikan');
    await record(city.store, appointed(A, '2026-01-01', { unitId }));
    await waitUntil('the appointment is read', () => city.reporting.careers.employeeIds().length === 1, 20_000);
  }, 60_000);
  afterAll(async () => city.close());

  it('reads the roster as of the date in Tanjungbalai (WIB) by default: someone appointed from 1 January is on it', async () => {
    const page = (await (await city.as('hr-staff')).get('/v1/roster').expect(200)).body as RosterPage;
    expect(page.asOf).toBe('2026-01-01');
    expect(ids(page)).toEqual([A]);
  });
});
