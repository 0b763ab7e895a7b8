import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, waitUntil, type HttpClient } from '@asn/testing';
import { key, startEvaluationHarness, type EvaluationHarness } from '../testing/evaluationHarness';
import { appoint, dismiss, establishUnit, managerial, pelaksana, substantiate } from '../testing/personnelEvents';

// The org chart: the reviewer heads the parent unit; the evaluator heads the sub-unit where the staff work.
const PARENT = randomUUID();
const UNIT = randomUUID();
const REVIEWER = randomUUID();
const EVALUATOR = randomUUID();
const STAFF = [randomUUID(), randomUUID(), randomUUID(), randomUUID()] as const;
const [ALICE, BUDI, CITRA, DEDI] = STAFF;
const annual = { kind: 'annual', year: 2026 } as const;

let h: EvaluationHarness;
let hr: HttpClient;
let evaluator: HttpClient;
let reviewer: HttpClient;
let auditor: HttpClient;
let stranger: HttpClient;
let now = new Date('2027-01-10T08:00:00Z');

const post = (client: HttpClient, path: string, body?: unknown) => {
  const req = client.post(path).set('Idempotency-Key', key());
  return body === undefined ? req : req.send(body as object);
};
const rating = { results: 'meets', behaviour: 'meets', aspects: { competence: { rating: 'meets', note: 'Menguasai SOP' }, discipline: { rating: 'above' }, integrity: { rating: 'meets' } } };

const openFor = async (employeeId: string, period: unknown = annual): Promise<string> => {
  const res = await post(hr, '/v1/appraisals', { employeeId, period });
  expect([200, 201]).toContain(res.status);
  return (res.body as { appraisalId: string }).appraisalId;
};

/** Open → rate → submit → review: ready to finalise. */
const reviewedFor = async (employeeId: string, ratings: unknown = rating): Promise<string> => {
  const id = await openFor(employeeId);
  await post(evaluator, `/v1/appraisals/${id}/ratings`, ratings).expect(200);
  await post(evaluator, `/v1/appraisals/${id}/submission`).expect(200);
  await post(reviewer, `/v1/appraisals/${id}/review`).expect(200);
  return id;
};

beforeAll(async () => {
  h = await startEvaluationHarness({ now: () => now });
  await establishUnit(h.store, PARENT, 'Dinas Pendidikan');
  await establishUnit(h.store, UNIT, 'Bidang Pembinaan SD', PARENT);
  await appoint(h.store, REVIEWER, PARENT, managerial('administrator'));
  await appoint(h.store, EVALUATOR, UNIT, managerial('pengawas'));
  for (const id of STAFF) await appoint(h.store, id, UNIT, pelaksana());
  await waitUntil('the org chart has the staff', () => STAFF.every((id) => h.evaluation.orgChart.supervisorOf(id, '2026-12-31') === EVALUATOR));
  hr = await h.as('hr-staff');
  evaluator = await h.as('evaluator', EVALUATOR);
  reviewer = await h.as('evaluator', REVIEWER);
  auditor = await h.as('auditor');
  stranger = await h.as('evaluator', randomUUID());
});

afterAll(async () => {
  await h.close();
});

describe('an appraisal from opening to a decided objection', () => {
  let id: string;

  it('HR opens it with the direct supervisor as evaluator; opening again changes nothing', async () => {
    const res = await post(hr, '/v1/appraisals', { employeeId: ALICE, period: annual }).expect(201);
    id = (res.body as { appraisalId: string }).appraisalId;
    expect(res.body).toMatchObject({ employeeId: ALICE, unitId: UNIT, evaluatorId: EVALUATOR, status: 'draft', periodName: '2026' });
    expect(res.headers.etag).toBe('"0"');
    const again = await post(hr, '/v1/appraisals', { employeeId: ALICE, period: annual }).expect(200);
    expect((again.body as { appraisalId: string }).appraisalId).toBe(id);
    expect(again.headers.etag).toBe('"0"');
  });

  it('only its evaluator rates it (403 for another evaluator, 403 for HR)', async () => {
    expectProblem(await post(stranger, `/v1/appraisals/${id}/ratings`, rating), 403, { code: 'not-the-evaluator' });
    expectProblem(await post(hr, `/v1/appraisals/${id}/ratings`, rating), 403);
    await post(evaluator, `/v1/appraisals/${id}/ratings`, { ...rating, results: 'below' }).expect(200);
    const res = await post(evaluator, `/v1/appraisals/${id}/ratings`, { ...rating, competencyGaps: ['managerial'], gapNote: 'Belum pernah memimpin tim' }).expect(200);
    expect(res.body).toMatchObject({ ratings: { results: 'meets', competencyGaps: ['managerial'] } });
  });

  it("a stale If-Match is refused with 412 and changes nothing", async () => {
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/submission`).set('If-Match', '"0"'), 412);
  });

  it("submission records the evaluator's own supervisor as reviewer, who reviews", async () => {
    const res = await post(evaluator, `/v1/appraisals/${id}/submission`).expect(200);
    expect(res.body).toMatchObject({ status: 'submitted', reviewerId: REVIEWER, predicate: 'baik' });
    const queue = await reviewer.get('/v1/reviews').expect(200);
    expect((queue.body as { items: { appraisalId: string }[] }).items.map((i) => i.appraisalId)).toContain(id);
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/review`), 403, { code: 'not-the-reviewer' });
    await post(reviewer, `/v1/appraisals/${id}/review`).expect(200);
    expectProblem(await post(reviewer, `/v1/appraisals/${id}/review`), 409, { code: 'not-submitted' });
  });

  it('the evaluator finalises; the competency gap publishes a training need once', async () => {
    const res = await post(evaluator, `/v1/appraisals/${id}/finalisation`).expect(200);
    expect(res.body).toMatchObject({ status: 'final', predicate: 'baik', finalisedOn: '2027-01-10', objectionUntil: '2027-01-24', trainingNeedAreas: ['managerial'] });
  });

  it('the employee objects; the reviewer upholds it with ratings that make it poor', async () => {
    const employee = await h.as('employee', ALICE);
    expectProblem(await post(await h.as('employee', BUDI), `/v1/appraisals/${id}/objection`, { reason: 'Target tidak sesuai' }), 403, { code: 'not-the-employee' });
    await post(employee, `/v1/appraisals/${id}/objection`, { reason: 'Target tidak sesuai kontrak kinerja' }).expect(200);
    const decided = await post(reviewer, `/v1/appraisals/${id}/objection/decision`, { outcome: 'upheld', results: 'below', behaviour: 'meets', note: 'Bukti tidak lengkap' }).expect(200);
    expect(decided.body).toMatchObject({ predicate: 'butuh-perbaikan', objection: 'decided', objectionOutcome: 'upheld', trainingNeedAreas: ['managerial', 'technical'] });
    const own = await employee.get(`/v1/appraisals/${id}`).expect(200);
    expect(own.body).toMatchObject({ notes: { objection: 'Target tidak sesuai kontrak kinerja', decision: 'Bukti tidak lengkap' } });
  });

  it('published the final predicate, the decision and each training need once, in the store', async () => {
    const types: string[] = [];
    for await (const e of h.store.readStream(`evaluation-${id}`)) types.push(e.type);
    expect(types.filter((t) => t === 'TrainingNeedIdentified')).toHaveLength(2);
    expect(types).toEqual(expect.arrayContaining(['AppraisalFinalised', 'ObjectionDecided']));
  });

  it('keeps the notes sealed in the store, opens them for the evaluator and not for the auditor', async () => {
    for await (const e of h.store.readStream(`evaluation-${id}`)) expect(JSON.stringify(e.data)).not.toMatch(/SOP|memimpin|kontrak kinerja/);
    const own = await evaluator.get(`/v1/appraisals/${id}`).expect(200);
    expect(own.body).toMatchObject({ notes: { ratings: { competence: 'Menguasai SOP', gaps: 'Belum pernah memimpin tim' } } });
    const audited = await auditor.get(`/v1/appraisals/${id}`).expect(200);
    expect(audited.body).not.toHaveProperty('notes');
    expectProblem(await stranger.get(`/v1/appraisals/${id}`), 403);
  });

  it("lists the evaluator's queue and refuses another evaluator's", async () => {
    const mine = await evaluator.get('/v1/appraisals?evaluator=me&period=2026').expect(200);
    expect((mine.body as { items: { appraisalId: string }[] }).items.map((i) => i.appraisalId)).toContain(id);
    expectProblem(await stranger.get(`/v1/appraisals?evaluator=${EVALUATOR}`), 403);
    const byHr = await hr.get(`/v1/appraisals?evaluator=${EVALUATOR}&status=final&unitId=${UNIT}`).expect(200);
    expect((byHr.body as { total: number }).total).toBeGreaterThanOrEqual(1);
  });

  it('refuses an objection after the window', async () => {
    const other = await reviewedFor(BUDI);
    await post(evaluator, `/v1/appraisals/${other}/finalisation`).expect(200);
    now = new Date('2027-01-25T08:00:00Z');
    try {
      expectProblem(await post(await h.as('employee', BUDI), `/v1/appraisals/${other}/objection`, { reason: 'Terlambat tapi keberatan' }), 422, { code: 'objection-window-closed' });
    } finally {
      now = new Date('2027-01-10T08:00:00Z');
    }
  });
});

describe("the unit's distribution cap", () => {
  it('warns on finalisation when the predicates break the cap of the unit rating, and shows the figures', async () => {
    const approver = await h.as('hr-approver');
    expectProblem(await hr.put(`/v1/units/${UNIT}/ratings/2026`).send({ rating: 'baik' }), 403);
    await approver.put(`/v1/units/${UNIT}/ratings/2026`).send({ rating: 'baik' }).expect(200);
    const id = await reviewedFor(CITRA, { ...rating, results: 'above', behaviour: 'above' });
    const res = await post(evaluator, `/v1/appraisals/${id}/finalisation`).expect(200);
    expect(res.body).toMatchObject({ predicate: 'sangat-baik', warning: { message: expect.stringContaining('sangat-baik') } });
    expect(res.body).toHaveProperty('distributionWarning');
    const dist = await hr.get(`/v1/units/${UNIT}/distribution?period=2026`).expect(200);
    expect(dist.body).toMatchObject({ unitRating: 'baik', caps: { baik: 0.7, 'sangat-baik': 0.1 }, total: 3 });
    expect((dist.body as { warning?: string }).warning).toMatch(/sangat-baik 1 of 3/);
  });
});

describe('opening for a whole unit', () => {
  it('opens one appraisal per active employee and names those refused by a rule', async () => {
    const res = await post(hr, `/v1/units/${UNIT}/appraisal-periods`, { period: { kind: 'quarterly', year: 2026, quarter: 4 } }).expect(200);
    const body = res.body as { opened: string[]; refused: { employeeId: string; code: string }[] };
    expect(body.opened).toHaveLength(STAFF.length + 1);
    const again = await post(hr, `/v1/units/${UNIT}/appraisal-periods`, { period: { kind: 'quarterly', year: 2026, quarter: 4 } }).expect(200);
    expect((again.body as { alreadyOpen: string[] }).alreadyOpen).toHaveLength(STAFF.length + 1);
    const top = await post(hr, `/v1/units/${PARENT}/appraisal-periods`, { period: { kind: 'quarterly', year: 2026, quarter: 4 } }).expect(200);
    expect((top.body as { refused: unknown[] }).refused).toEqual([{ employeeId: REVIEWER, code: 'no-supervisor' }]);
  });
  it('refuses an employee not in the org chart with the rule', async () => {
    expectProblem(await post(hr, '/v1/appraisals', { employeeId: randomUUID(), period: annual }), 422, { code: 'employee-not-active' });
  });
});

describe('substantiated complaints and leaving', () => {
  it('notes a complaint on the open appraisal, and remembers one for the next appraisal', async () => {
    const ticket = randomUUID();
    const q = { kind: 'quarterly', year: 2026, quarter: 4 } as const;
    const open = await openFor(DEDI, q);
    await substantiate(h.store, ticket, UNIT, DEDI, '2026-11-02');
    await waitUntil('the complaint is noted', async () => ((await hr.get(`/v1/appraisals/${open}`)).body as { complaints: string[] }).complaints.includes(ticket));
    const later = randomUUID();
    const q1 = { kind: 'quarterly', year: 2026, quarter: 1 } as const;
    // Finalised Q4 → no appraisal of Dedi is open when the second complaint arrives.
    await post(evaluator, `/v1/appraisals/${open}/ratings`, rating).expect(200);
    await post(evaluator, `/v1/appraisals/${open}/submission`).expect(200);
    await post(reviewer, `/v1/appraisals/${open}/review`).expect(200);
    await post(evaluator, `/v1/appraisals/${open}/finalisation`).expect(200);
    await substantiate(h.store, later, UNIT, DEDI, '2026-12-02');
    await waitUntil('remembered while no appraisal is open', () =>
      h.readModel.prepare<[string], { noted: number }>('SELECT noted FROM eval_complaints WHERE ticket_id = ?').get(later)?.noted === 0,
    );
    const next = await openFor(DEDI, q1);
    await waitUntil('noted on the next appraisal', async () => ((await hr.get(`/v1/appraisals/${next}`)).body as { complaints: string[] }).complaints.includes(later));
    const final = await hr.get(`/v1/appraisals/${open}`).expect(200);
    expect((final.body as { complaints: string[]; ratings: { results: string } }).complaints).toEqual([ticket]);
  });

  it('closes the appraisal of the period the dismissal takes effect in; one of an earlier period stays open', async () => {
    const q2 = await openFor(BUDI, { kind: 'quarterly', year: 2026, quarter: 2 });
    const q1 = await openFor(BUDI, { kind: 'quarterly', year: 2027, quarter: 1 });
    await dismiss(h.store, BUDI, '2027-01-05');
    const noPendingClosing = () => (h.readModel.prepare('SELECT COUNT(*) AS n FROM eval_pending_closings').get() as { n: number }).n === 0;
    await waitUntil('closed', async () => ((await hr.get(`/v1/appraisals/${q1}`)).body as { status: string }).status === 'closed' && noPendingClosing());
    expect(((await hr.get(`/v1/appraisals/${q2}`).expect(200)).body as { status: string }).status).toBe('draft');
    const finalAnnual = await hr.get('/v1/appraisals?employeeId=' + BUDI + '&period=2026').expect(200);
    expect((finalAnnual.body as { items: { status: string }[] }).items.map((i) => i.status)).toEqual(['final']);
    expectProblem(await post(hr, '/v1/appraisals', { employeeId: BUDI, period: { kind: 'quarterly', year: 2027, quarter: 2 } }), 422, { code: 'employee-not-active' });
  });
});

describe('bad input', () => {
  it.each([
    ['an unknown key', { employeeId: ALICE, period: annual, evaluatorId: EVALUATOR }],
    ['a wrong type', { employeeId: 42, period: annual }],
    ['a period without a quarter', { employeeId: ALICE, period: { kind: 'quarterly', year: 2026 } }],
    ['a year out of range', { employeeId: ALICE, period: { kind: 'annual', year: 99999 } }],
    ['an id that is not an id', { employeeId: '../etc/passwd', period: annual }],
    ['a prototype-pollution key', JSON.parse(`{"employeeId":"${ALICE}","period":{"kind":"annual","year":2026},"__proto__":{"admin":true}}`) as unknown],
  ])('refuses %s with 400', async (_what, body) => {
    expectProblem(await post(hr, '/v1/appraisals', body), 400);
  });
  it('refuses a note with control characters, a huge note and an empty reason', async () => {
    const id = await openFor(CITRA, { kind: 'quarterly', year: 2026, quarter: 3 });
    const withNote = (note: string) => ({ ...rating, aspects: { ...rating.aspects, integrity: { rating: 'meets', note } } });
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/ratings`, withNote('ok\u0000bad')), 400);
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/ratings`, withNote('x'.repeat(5000))), 400);
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/ratings`, withNote('   ')), 400);
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/ratings`, { ...rating, results: 'excellent' }), 400);
    expectProblem(await post(evaluator, `/v1/appraisals/${id}/ratings`, { ...rating, competencyGaps: ['technical', 'technical'] }), 400);
    const res = await evaluator.get(`/v1/appraisals/${id}`).expect(200);
    expect(res.body).toMatchObject({ ratings: null, revision: 0 });
  });
  it('requires an Idempotency-Key and refuses a reused one with another body', async () => {
    expectProblem(await hr.post('/v1/appraisals').send({ employeeId: ALICE, period: annual }), 400);
    const k = key();
    await hr.post('/v1/appraisals').set('Idempotency-Key', k).send({ employeeId: ALICE, period: annual }).expect(200);
    expectProblem(await hr.post('/v1/appraisals').set('Idempotency-Key', k).send({ employeeId: BUDI, period: annual }), 422);
  });
  it('refuses list queries with huge limits, unknown keys and bad periods', async () => {
    expectProblem(await hr.get('/v1/appraisals?limit=100000'), 400);
    expectProblem(await hr.get('/v1/appraisals?limit=-1'), 400);
    expectProblem(await hr.get('/v1/appraisals?sort=evil'), 400);
    expectProblem(await hr.get('/v1/appraisals?period=2026-Q5'), 400);
    expectProblem(await hr.get('/v1/appraisals/not-an-id'), 400);
    expectProblem(await hr.get(`/v1/appraisals/${randomUUID()}`), 404);
  });
  it('refuses without a token, and a token of another role', async () => {
    expectProblem(await h.api.get('/v1/appraisals'), 401);
    expectProblem(await post(evaluator, '/v1/appraisals', { employeeId: ALICE, period: annual }), 403);
    expectProblem(await (await h.as('training-officer')).get('/v1/appraisals'), 403);
  });
  it('serves its OpenAPI document', async () => {
    const res = await h.api.get('/openapi.json').expect(200);
    expect(Object.keys((res.body as { paths: Record<string, unknown> }).paths)).toEqual(
      expect.arrayContaining(['/v1/appraisals', '/v1/appraisals/{appraisalId}/finalisation', '/v1/reviews', '/v1/units/{unitId}/distribution']),
    );
  });
});
