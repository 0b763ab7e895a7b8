import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, type HttpClient, type Problem } from '@asn/testing';
import type { Response } from 'supertest';
import { key, startPersonnelHarness, type PersonnelHarness } from '../testing/personnelHarness';

let h: PersonnelHarness;
let staff: HttpClient;
let approver: HttpClient;
let auditor: HttpClient;

const UNKNOWN = '0190a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091';
const PERWALI = 'Perwali Tanjungbalai 1/2010';

const decree = (tmt: string) => ({ skNumber: `800/${tmt}/BKPSDM`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023 tentang ASN' });
let sequence = 0;
const appointment = (unitId: string, tmt: string) => ({
  decision: { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId, position: { kind: 'pelaksana', title: 'Analis Kepegawaian' } },
  decree: decree(tmt),
  personal: { name: 'I Gede', nip: `19860926${tmt.slice(0, 4)}${tmt.slice(5, 7)}1${String(++sequence).padStart(3, '0')}`, birthDate: '1986-09-26', gender: 'male', education: 'S1' },
});

const post = (path: string, body: object) => approver.post(path).set('Idempotency-Key', key()).send(body);
const establishBody = (name: string, code: string, extra: Record<string, unknown> = {}) => ({ name, code, tmt: '2010-01-01', legalBasis: PERWALI, ...extra });
const establish = async (name: string, code: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const res = await post('/v1/units', establishBody(name, code, extra));
  expect(res.status).toBe(201);
  return res.body.unitId as string;
};

/** Sends, expects the problem, and that the store's head did not move. */
const refused = async (send: () => PromiseLike<Response>, status: number, expected: Partial<Problem> = {}): Promise<Problem> => {
  const before = await h.store.headPosition();
  const problem = expectProblem(await send(), status, expected);
  expect(await h.store.headPosition()).toBe(before);
  return problem;
};
const issueAt = (path: string) => ({ issues: expect.arrayContaining([expect.objectContaining({ path })]) as unknown });
const namesOn = async (asOf: string): Promise<Record<string, string>> => {
  const res = await auditor.get(`/v1/units?asOf=${asOf}`).expect(200);
  expect(res.body.asOf).toBe(asOf);
  return Object.fromEntries((res.body.items as { unitId: string; name: string }[]).map((u) => [u.unitId, u.name]));
};

beforeAll(async () => {
  h = await startPersonnelHarness();
  staff = await h.as('hr-staff', 'staff-1');
  approver = await h.as('hr-approver', 'approver-1');
  auditor = await h.as('auditor', 'auditor-1');
});

afterAll(async () => {
  await h.close();
});

describe('establishing a unit', () => {
  it('answers 409 parent-not-found to a parent that does not exist, and writes nothing', async () => {
    await refused(() => post('/v1/units', establishBody('Bidang Mutasi', 'MUT', { parentUnitId: UNKNOWN })), 409, { code: 'parent-not-found' });
  });

  it('answers 409 to a parent that did not yet exist, or no longer existed, on the TMT', async () => {
    const parent = await establish('Sekretariat Daerah', 'SETDA', { tmt: '2012-01-01' });
    await refused(() => post('/v1/units', establishBody('Bagian Umum', 'UMUM', { parentUnitId: parent, tmt: '2011-06-01' })), 409, { code: 'parent-not-found' });
    await post(`/v1/units/${parent}/dissolution`, { tmt: '2016-01-01', legalBasis: 'Perwali Tanjungbalai 9/2015' }).expect(200);
    await refused(() => post('/v1/units', establishBody('Bagian Umum', 'UMUM', { parentUnitId: parent, tmt: '2017-01-01' })), 409, { code: 'parent-not-found' });
  });

  it('records a unit under a parent that exists on the TMT', async () => {
    const parent = await establish('Sekretariat DPRD', 'SETWAN');
    const child = await establish('Bagian Persidangan', 'SIDANG', { parentUnitId: parent, tmt: '2011-01-01' });
    const res = await auditor.get(`/v1/units/${child}`).expect(200);
    expect(res.body).toMatchObject({ unitId: child, parentUnitId: parent, status: 'active', establishedOn: '2011-01-01' });
  });

  it.each([
    ['an empty name', { name: '' }, 'name'],
    ['a name of spaces', { name: '    ' }, 'name'],
    ['a 10 000 character name', { name: 'x'.repeat(10_000) }, 'name'],
    ['a name with a NUL', { name: 'Dinas\u0000Sosial' }, 'name'],
    ['an impossible TMT', { tmt: '2023-02-30' }, 'tmt'],
    ['a TMT in year 0000', { tmt: '0000-01-01' }, 'tmt'],
    ['a TMT in year 9999', { tmt: '9999-12-31' }, 'tmt'],
    ['a parent id that is not an id', { parentUnitId: '../..' }, 'parentUnitId'],
    ['an unknown key', { status: 'active' }, 'status'],
  ])('answers 400 to %s', async (_case, extra, path) => {
    await refused(() => post('/v1/units', establishBody('Dinas Sosial', 'DINSOS', extra)), 400, issueAt(path));
  });
});

describe('changing a unit that does not exist', () => {
  it.each([
    ['a renaming', `/v1/units/${UNKNOWN}/renaming`, { name: 'Dinas Baru', tmt: '2015-01-01', legalBasis: PERWALI }],
    ['a dissolution', `/v1/units/${UNKNOWN}/dissolution`, { tmt: '2015-01-01', legalBasis: PERWALI }],
    ['a new position', `/v1/units/${UNKNOWN}/positions`, { position: { kind: 'pelaksana', title: 'Pengadministrasi' }, quota: 2, tmt: '2015-01-01', legalBasis: PERWALI }],
    ['an abolition', `/v1/units/${UNKNOWN}/positions/${UNKNOWN}/abolition`, { tmt: '2015-01-01', legalBasis: PERWALI }],
  ])('answers 404 unit-not-found to %s and writes nothing', async (_case, path, body) => {
    await refused(() => post(path, body), 404, { code: 'unit-not-found' });
  });

  it('answers 404 to reading it, and 400 to an id that is not an id', async () => {
    expectProblem(await auditor.get(`/v1/units/${UNKNOWN}`), 404);
    expectProblem(await auditor.get('/v1/units/123'), 400, issueAt('unitId'));
  });

  it('answers 404 position-not-found to abolishing an unknown position of a known unit', async () => {
    const unit = await establish('Dinas Perhubungan', 'DISHUB');
    await refused(() => post(`/v1/units/${unit}/positions/${UNKNOWN}/abolition`, { tmt: '2015-01-01', legalBasis: PERWALI }), 404, { code: 'position-not-found' });
  });
});

describe('a position map', () => {
  let unit: string;
  beforeAll(async () => {
    unit = await establish('Dinas Pekerjaan Umum', 'PUPR');
  });

  it.each([0, 10_001, -1, 2.5, '5', 1e308])('answers 400 to a quota of %j', async (quota) => {
    await refused(() => post(`/v1/units/${unit}/positions`, { position: { kind: 'pelaksana', title: 'Pengawas Lapangan' }, quota, tmt: '2015-01-01', legalBasis: PERWALI }), 400, issueAt('quota'));
  });

  it('creates a position and abolishes it once, refusing a second abolition', async () => {
    const created = await post(`/v1/units/${unit}/positions`, { position: { kind: 'functional', level: 'ahli-muda', title: 'Teknik Jalan' }, quota: 3, tmt: '2015-01-01', legalBasis: PERWALI }).expect(201);
    const path = `/v1/units/${unit}/positions/${created.body.positionId}/abolition`;
    await post(path, { tmt: '2019-01-01', legalBasis: PERWALI }).expect(200);
    await refused(() => post(path, { tmt: '2020-01-01', legalBasis: PERWALI }), 409, { code: 'position-abolished' });
  });

  it('answers 412 to a stale If-Match and writes nothing', async () => {
    await refused(() => approver.post(`/v1/units/${unit}/renaming`).set('Idempotency-Key', key()).set('If-Match', '"0"').send({ name: 'Dinas PUPR', tmt: '2020-01-01', legalBasis: PERWALI }), 412);
  });
});

describe('a dissolved unit', () => {
  let unit: string;
  let successor: string;
  beforeAll(async () => {
    unit = await establish('Dinas Kebersihan', 'DK');
    successor = await establish('Dinas Lingkungan Hidup', 'DLH');
    await post(`/v1/units/${unit}/dissolution`, { successorUnitId: successor, tmt: '2017-01-01', legalBasis: 'Perwali Tanjungbalai 3/2016' }).expect(200);
  });

  it('refuses an appointment with a TMT on or after the dissolution (409 unit-not-found), writing nothing', async () => {
    await refused(() => staff.post('/v1/employees').set('Idempotency-Key', key()).send(appointment(unit, '2017-01-01')), 409, { code: 'unit-not-found' });
    await refused(() => staff.post('/v1/employees').set('Idempotency-Key', key()).send(appointment(unit, '2018-03-01')), 409, { code: 'unit-not-found' });
  });

  it('accepts an appointment with a TMT before the dissolution', async () => {
    await staff.post('/v1/employees').set('Idempotency-Key', key()).send(appointment(unit, '2016-03-01')).expect(201);
  });

  it('refuses on approval an appointment proposed before the dissolution whose TMT falls after it', async () => {
    const doomed = await establish('Kantor Pemadam Kebakaran', 'DAMKAR');
    const proposed = await staff.post('/v1/employees').set('Idempotency-Key', key()).send(appointment(doomed, '2019-03-01')).expect(201);
    await post(`/v1/units/${doomed}/dissolution`, { tmt: '2018-01-01', legalBasis: PERWALI }).expect(200);
    const approval = () => approver.post(`/v1/employees/${proposed.body.employeeId}/proposals/${proposed.body.decisionId}/approval`).set('Idempotency-Key', key());
    await refused(approval, 409, { code: 'unit-not-found' });
  });

  it('refuses to be renamed or dissolved again (409 unit-dissolved)', async () => {
    await refused(() => post(`/v1/units/${unit}/renaming`, { name: 'Dinas Kebersihan Kota', tmt: '2018-01-01', legalBasis: PERWALI }), 409, { code: 'unit-dissolved' });
    await refused(() => post(`/v1/units/${unit}/dissolution`, { tmt: '2018-01-01', legalBasis: PERWALI }), 409, { code: 'unit-dissolved' });
  });

  it('answers 409 successor-not-found to a dissolution naming a successor that does not exist', async () => {
    const other = await establish('Kantor Arsip', 'ARSIP');
    await refused(() => post(`/v1/units/${other}/dissolution`, { successorUnitId: UNKNOWN, tmt: '2018-01-01', legalBasis: PERWALI }), 409, { code: 'successor-not-found' });
  });

  it('is listed as of a date before the dissolution and not after it', async () => {
    expect(Object.keys(await namesOn('2016-12-31'))).toContain(unit);
    expect(Object.keys(await namesOn('2017-01-01'))).not.toContain(unit);
    const read = await auditor.get(`/v1/units/${unit}`).expect(200);
    expect(read.body).toMatchObject({ status: 'dissolved', dissolvedOn: '2017-01-01', successorUnitId: successor });
  });
});

describe('the units as of a date', () => {
  let unit: string;
  beforeAll(async () => {
    unit = await establish('Dinas Kesehatan', 'DINKES', { tmt: '2011-01-01' });
    await post(`/v1/units/${unit}/renaming`, { name: 'Dinas Kesehatan dan Keluarga Berencana', tmt: '2016-01-01', legalBasis: 'Perwali Tanjungbalai 2/2015' }).expect(200);
    await post(`/v1/units/${unit}/renaming`, { name: 'Dinas Kesehatan, Pengendalian Penduduk dan KB', tmt: '2099-01-01', legalBasis: 'Perwali Tanjungbalai 7/2098' }).expect(200);
  });

  it('shows each name as it was on the date', async () => {
    expect((await namesOn('2015-12-31'))[unit]).toBe('Dinas Kesehatan');
    expect((await namesOn('2016-01-01'))[unit]).toBe('Dinas Kesehatan dan Keluarga Berencana');
    expect((await namesOn('2099-06-01'))[unit]).toBe('Dinas Kesehatan, Pengendalian Penduduk dan KB');
  });

  it('shows today the name in force today, not a name decided for the future', async () => {
    const res = await auditor.get('/v1/units').expect(200);
    expect(res.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ unitId: unit, name: 'Dinas Kesehatan dan Keluarga Berencana' })]));
  });

  it('does not list the unit before its establishment', async () => {
    expect(Object.keys(await namesOn('2010-06-01'))).not.toContain(unit);
  });

  it.each(['2023-02-30', '0000-01-01', '9999-12-31', '2016', 'today'])('answers 400 to asOf=%s', async (asOf) => {
    expectProblem(await auditor.get(`/v1/units?asOf=${asOf}`), 400, issueAt('asOf'));
  });

  it('answers 400 to an unknown query key', async () => {
    expectProblem(await auditor.get('/v1/units?limit=5'), 400, issueAt('limit'));
  });
});

describe('fixed bugs', () => {
  it('shows as of a date the name with the latest TMT on or before it, also when a backdated renaming is recorded later', async () => {
    const unit = await establish('Kantor Pertanahan', 'TANAH');
    await post(`/v1/units/${unit}/renaming`, { name: 'Dinas Pertanahan', tmt: '2020-01-01', legalBasis: 'Perwali Tanjungbalai 1/2020' }).expect(200);
    await post(`/v1/units/${unit}/renaming`, { name: 'Kantor Agraria', tmt: '2015-01-01', legalBasis: 'Perwali Tanjungbalai 1/2015' }).expect(200);
    expect((await namesOn('2016-01-01'))[unit]).toBe('Kantor Agraria');
    expect((await namesOn('2021-01-01'))[unit]).toBe('Dinas Pertanahan');
  });
});

describe("on the city's clock", () => {
  it('answers the units as of the date in Tanjungbalai (WIB) by default, not UTC\'s: 20:00 UTC on 31 December is 1 January there', async () => {
    const late = await startPersonnelHarness({ now: () => new Date('2026-12-31T20:00:00Z') });
    try {
      const res = await (await late.as('auditor', 'auditor-1')).get('/v1/units').expect(200);
      expect(res.body.asOf).toBe('2027-01-01');
    } finally {
      await late.close();
    }
  });
});
