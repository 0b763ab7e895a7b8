import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, waitUntil, type HttpClient } from '@asn/testing';
import { key, startEvaluationHarness, type EvaluationHarness } from './testing/evaluationHarness';
import { appoint, establishUnit, managerial, pelaksana } from './testing/personnelEvents';

// Two units, each with a head (the evaluator) and one member of staff; officials scoped to unit A by the token's `opd`.
const UNIT_A = randomUUID();
const UNIT_B = randomUUID();
const HEAD_A = randomUUID();
const HEAD_B = randomUUID();
const STAFF_A = randomUUID();
const STAFF_B = randomUUID();
const annual = { kind: 'annual', year: 2026 } as const;
const rating = { results: 'meets', behaviour: 'meets', aspects: { competence: { rating: 'meets', note: 'Menguasai SOP' }, discipline: { rating: 'meets' }, integrity: { rating: 'meets' } } };

let h: EvaluationHarness;
let cityHr: HttpClient;
let cityApprover: HttpClient;
let staffA: HttpClient;
let approverA: HttpClient;
let auditorA: HttpClient;
let ofA: string;
let ofB: string;

const post = (client: HttpClient, path: string, body?: object) => client.post(path).set('Idempotency-Key', key()).send(body);
const put = (client: HttpClient, path: string, body: object) => client.put(path).set('Idempotency-Key', key()).send(body);
const ids = (res: { body: unknown }): string[] => (res.body as { items: { appraisalId: string }[] }).items.map((i) => i.appraisalId);

beforeAll(async () => {
  h = await startEvaluationHarness({ now: () => new Date('2026-11-15T08:00:00Z') });
  await establishUnit(h.store, UNIT_A, 'Dinas Perhubungan');
  await establishUnit(h.store, UNIT_B, 'Dinas Sosial');
  await appoint(h.store, HEAD_A, UNIT_A, managerial('jpt-pratama'));
  await appoint(h.store, HEAD_B, UNIT_B, managerial('jpt-pratama'));
  await appoint(h.store, STAFF_A, UNIT_A, pelaksana());
  await appoint(h.store, STAFF_B, UNIT_B, pelaksana());
  await waitUntil('the org chart has both units', () => h.evaluation.orgChart.supervisorOf(STAFF_B, '2026-11-15') === HEAD_B && h.evaluation.orgChart.supervisorOf(STAFF_A, '2026-11-15') === HEAD_A);
  cityHr = await h.as('hr-staff', 'staff-city');
  cityApprover = await h.as('hr-approver', 'approver-city');
  staffA = await h.as('hr-staff', 'staff-a', UNIT_A);
  approverA = await h.as('hr-approver', 'approver-a', UNIT_A);
  auditorA = await h.as('auditor', 'auditor-a', UNIT_A);
  ofA = (await post(cityHr, '/v1/appraisals', { employeeId: STAFF_A, period: annual }).expect(201)).body.appraisalId as string;
  ofB = (await post(cityHr, '/v1/appraisals', { employeeId: STAFF_B, period: annual }).expect(201)).body.appraisalId as string;
  for (const [head, id] of [[HEAD_A, ofA], [HEAD_B, ofB]] as const) await post(await h.as('evaluator', head), `/v1/appraisals/${id}/ratings`, rating).expect(200);
});

afterAll(async () => {
  await h.close();
});

describe('an official scoped to unit A', () => {
  describe('about unit B', () => {
    it("cannot open an appraisal of B's employee nor B's period (404, as if there were none)", async () => {
      expectProblem(await post(staffA, '/v1/appraisals', { employeeId: STAFF_B, period: { kind: 'quarterly', year: 2026, quarter: 4 } }), 404);
      expectProblem(await post(staffA, `/v1/units/${UNIT_B}/appraisal-periods`, { period: { kind: 'quarterly', year: 2026, quarter: 4 } }), 404);
      const q4OfB = await cityHr.get(`/v1/appraisals?employeeId=${STAFF_B}&period=2026-Q4`).expect(200);
      expect(ids(q4OfB)).toEqual([]);
    });

    it("cannot read B's appraisal, as HR or as auditor (404)", async () => {
      expectProblem(await staffA.get(`/v1/appraisals/${ofB}`), 404);
      expectProblem(await auditorA.get(`/v1/appraisals/${ofB}`), 404);
    });

    it("cannot list B's appraisals, and does not see them in their own list", async () => {
      expectProblem(await staffA.get(`/v1/appraisals?unitId=${UNIT_B}`), 404);
      expectProblem(await auditorA.get(`/v1/appraisals?unitId=${UNIT_B}`), 404);
      expect(ids(await staffA.get('/v1/appraisals').expect(200))).toEqual([ofA]);
      expect(ids(await staffA.get(`/v1/appraisals?employeeId=${STAFF_B}`).expect(200))).toEqual([]);
      expect(ids(await auditorA.get('/v1/appraisals').expect(200))).toEqual([ofA]);
    });

    it("cannot read B's distribution (404)", async () => {
      expectProblem(await staffA.get(`/v1/units/${UNIT_B}/distribution?period=2026`), 404);
      expectProblem(await auditorA.get(`/v1/units/${UNIT_B}/distribution?period=2026`), 404);
    });
  });

  describe('about unit A', () => {
    it("opens A's appraisals and reads them with their notes", async () => {
      await post(staffA, '/v1/appraisals', { employeeId: STAFF_A, period: { kind: 'quarterly', year: 2026, quarter: 4 } }).expect(201);
      const period = await post(staffA, `/v1/units/${UNIT_A}/appraisal-periods`, { period: { kind: 'quarterly', year: 2026, quarter: 3 } }).expect(200);
      expect(period.body).toMatchObject({ unitId: UNIT_A });
      const read = await staffA.get(`/v1/appraisals/${ofA}`).expect(200);
      expect(read.body).toMatchObject({ unitId: UNIT_A, notes: { ratings: { competence: 'Menguasai SOP' } } });
      await auditorA.get(`/v1/appraisals/${ofA}`).expect(200);
      expect(ids(await staffA.get(`/v1/appraisals?unitId=${UNIT_A}&period=2026`).expect(200))).toEqual([ofA]);
    });

    it("reads A's distribution", async () => {
      const res = await staffA.get(`/v1/units/${UNIT_A}/distribution?period=2026`).expect(200);
      expect(res.body).toMatchObject({ unitId: UNIT_A });
    });
  });

  it("cannot set a unit's rating, B's nor its own: the rating caps the unit's predicates, so it is set city-wide (403)", async () => {
    expectProblem(await put(approverA, `/v1/units/${UNIT_B}/ratings/2026`, { rating: 'sangat-baik' }), 403);
    expectProblem(await put(approverA, `/v1/units/${UNIT_A}/ratings/2026`, { rating: 'sangat-baik' }), 403);
    await put(cityApprover, `/v1/units/${UNIT_A}/ratings/2026`, { rating: 'baik' }).expect(200);
    const distribution = await staffA.get(`/v1/units/${UNIT_A}/distribution?period=2026`).expect(200);
    expect(distribution.body).toMatchObject({ unitRating: 'baik' });
  });
});

describe('those involved in an appraisal', () => {
  it('read it whatever unit their token names (the evaluator of B with a token of unit A)', async () => {
    const evaluatorB = await h.as('evaluator', HEAD_B, UNIT_A);
    const read = await evaluatorB.get(`/v1/appraisals/${ofB}`).expect(200);
    expect(read.body).toMatchObject({ notes: { ratings: { competence: 'Menguasai SOP' } } });
  });
});

describe("the operator's routes", () => {
  it('answer the store head to auditors and operators only', async () => {
    expectProblem(await h.api.get('/v1/store/head'), 401);
    expectProblem(await cityHr.get('/v1/store/head'), 403);
    expectProblem(await (await h.as('evaluator', HEAD_A)).get('/v1/store/head'), 403);
    for (const role of ['auditor', 'operator'] as const) {
      const res = await (await h.as(role)).get('/v1/store/head').expect(200);
      expect(res.body).toEqual({ position: await h.store.headPosition() });
    }
  });
});
