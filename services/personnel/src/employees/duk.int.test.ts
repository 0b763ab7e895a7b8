import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, type HttpClient } from '@asn/testing';
import { key, startPersonnelHarness, type PersonnelHarness } from '../testing/personnelHarness';

// The rank seniority list (DUK) over HTTP, from real appointments and promotions in the store.

let h: PersonnelHarness;
let staff: HttpClient;
let approver: HttpClient;
let unitA: string;
let unitB: string;
const ids: Record<string, string> = {};
let sequence = 0;

const decree = (tmt: string) => ({ skNumber: `800/${tmt}/${++sequence}/BKPSDM`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023 tentang ASN' });
const establish = async (name: string, code: string): Promise<string> =>
  ((await approver.post('/v1/units').set('Idempotency-Key', key()).send({ name, code, tmt: '2010-01-01', legalBasis: 'Perwali Tanjungbalai 1/2010' }).expect(201)).body as { unitId: string }).unitId;
const appoint = async (name: string, unitId: string, birthDate: string, education: string, employeeType = 'PNS') => {
  const proposed = await staff
    .post('/v1/employees')
    .set('Idempotency-Key', key())
    .send({
      decision: { kind: 'appointment', employeeType, golongan: 'III/a', unitId, position: { kind: 'pelaksana', title: 'Analis Kepegawaian' } },
      decree: decree('2015-03-01'),
      personal: { name: `Pegawai ${name}`, nip: `${birthDate.replace(/-/g, '')}2015031${String(++sequence).padStart(3, '0')}`, birthDate, gender: 'male', education },
    })
    .expect(201);
  const { employeeId, decisionId } = proposed.body as { employeeId: string; decisionId: string };
  await approver.post(`/v1/employees/${employeeId}/proposals/${decisionId}/approval`).set('Idempotency-Key', key()).expect(200);
  ids[name] = employeeId;
  return employeeId;
};
const promote = async (employeeId: string, golongan: string, tmt: string) => {
  const proposed = await staff.post(`/v1/employees/${employeeId}/proposals`).set('Idempotency-Key', key()).send({ decision: { kind: 'promotion', promotionKind: 'regular', golongan }, decree: decree(tmt) }).expect(201);
  await approver.post(`/v1/employees/${employeeId}/proposals/${(proposed.body as { decisionId: string }).decisionId}/approval`).set('Idempotency-Key', key()).expect(200);
};
interface Duk {
  on: string;
  total: number;
  items: { place: number; employeeId: string; golongan: string; rankSince: string; serviceYears: number; education: string | null; age: number | null }[];
}
const duk = async (query: string, as = staff): Promise<Duk> => (await as.get(`/v1/reports/duk?${query}`).expect(200)).body as Duk;

beforeAll(async () => {
  h = await startPersonnelHarness();
  staff = await h.as('hr-staff', 'staff-1');
  approver = await h.as('hr-approver', 'approver-1');
  unitA = await establish('Badan Kepegawaian dan Pengembangan SDM', 'BKPSDM');
  unitB = await establish('Dinas Pendidikan', 'DISDIK');
  await appoint('younger', unitA, '1990-06-01', 'S1');
  await appoint('older', unitA, '1985-06-01', 'S1');
  await appoint('master', unitA, '1992-06-01', 'S2');
  await appoint('promoted', unitB, '1993-06-01', 'S1');
  await promote(ids.promoted!, 'III/b', '2019-04-01');
  await appoint('contract', unitA, '1980-06-01', 'S1', 'PPPK').catch(() => undefined);
}, 60_000);
afterAll(async () => h.close());

describe('the DUK', () => {
  it('orders the PNS by rank, then (all else equal) education, then age; with service years and age on the date', async () => {
    const list = await duk('on=2026-01-01');
    expect(list.items.map((i) => i.employeeId)).toEqual([ids.promoted, ids.master, ids.older, ids.younger]);
    expect(list.items.map((i) => i.place)).toEqual([1, 2, 3, 4]);
    expect(list.items[0]).toMatchObject({ golongan: 'III/b', rankSince: '2019-04-01', serviceYears: 10, education: 'S1', age: 32 });
    expect(list.items[2]).toMatchObject({ golongan: 'III/a', age: 40 });
  });

  it('on an earlier date, before the promotion, ranks by what was in force then', async () => {
    const list = await duk('on=2018-01-01');
    expect(list.items.map((i) => i.employeeId)).toEqual([ids.master, ids.older, ids.younger, ids.promoted]);
  });

  it("of one unit keeps the places within the unit, and a unit-scoped official sees only their unit's", async () => {
    const list = await duk(`on=2026-01-01&unitId=${unitA}`);
    expect(list).toMatchObject({ total: 3 });
    expect(list.items.map((i) => [i.place, i.employeeId])).toEqual([[1, ids.master], [2, ids.older], [3, ids.younger]]);
    const scoped = await h.as('hr-staff', 'staff-b', unitB);
    expect((await duk('on=2026-01-01', scoped)).items.map((i) => i.employeeId)).toEqual([ids.promoted]);
    expectProblem(await scoped.get(`/v1/reports/duk?unitId=${unitA}`), 404);
  });

  it('pages, records who read which employees, and refuses a bad query and other roles', async () => {
    const page = await duk('on=2026-01-01&limit=2&offset=2');
    expect(page.items.map((i) => i.place)).toEqual([3, 4]);
    const audited = h.audit.query({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000), limit: 1000 }).items.filter((e) => e.action === 'list-duk');
    expect(audited.at(-1)).toMatchObject({ subjects: [ids.older, ids.younger], allowed: true });
    expectProblem(await staff.get('/v1/reports/duk?on=2026-02-30'), 400);
    expectProblem(await staff.get('/v1/reports/duk?sort=age'), 400);
    expectProblem(await (await h.as('employee', ids.older)).get('/v1/reports/duk'), 403);
  });
});
