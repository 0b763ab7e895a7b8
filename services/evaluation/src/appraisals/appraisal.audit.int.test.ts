import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@asn/service-kit';
import { expectProblem, waitUntil } from '@asn/testing';
import { key, startEvaluationHarness, type EvaluationHarness } from '../testing/evaluationHarness';
import { appoint, establishUnit, managerial, pelaksana } from '../testing/personnelEvents';

// The evaluation app as main.ts builds it (the harness): every read of an appraisal lands in
// DATA_DIR/evaluation.audit.db and is served to auditors by GET /v1/audit/personal-data-access.
const UNIT_A = randomUUID();
const UNIT_B = randomUUID();
const HEAD_A = randomUUID();
const HEAD_B = randomUUID();
const STAFF_A = randomUUID();
const STAFF_B = randomUUID();
const annual = { kind: 'annual', year: 2026 } as const;
const rating = { results: 'meets', behaviour: 'meets', aspects: { competence: { rating: 'meets', note: 'Menguasai SOP' }, discipline: { rating: 'meets' }, integrity: { rating: 'meets' } } };
const now = () => new Date('2026-11-15T08:00:00Z');

interface AccessRecord {
  subject: string;
  role: string;
  action: string;
  subjects: string[];
  allowed: boolean;
  correlationId: string;
}

let h: EvaluationHarness;
let ofA: string;
const as = (role: Role, subject: string, unit?: string) => h.as(role, subject, unit);

/** The accesses recorded about one employee during the test run (the service clock is fixed; the audit log's is real). */
const accessesTo = async (employeeId: string): Promise<AccessRecord[]> => {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  const res = await (await as('auditor', 'auditor-1')).get(`/v1/audit/personal-data-access?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&employeeId=${employeeId}`).expect(200);
  return (res.body as { items: AccessRecord[] }).items;
};

beforeAll(async () => {
  h = await startEvaluationHarness({ now });
  await establishUnit(h.store, UNIT_A, 'Dinas Perhubungan');
  await establishUnit(h.store, UNIT_B, 'Dinas Sosial');
  await appoint(h.store, HEAD_A, UNIT_A, managerial('jpt-pratama'));
  await appoint(h.store, HEAD_B, UNIT_B, managerial('jpt-pratama'));
  await appoint(h.store, STAFF_A, UNIT_A, pelaksana());
  await appoint(h.store, STAFF_B, UNIT_B, pelaksana());
  await waitUntil('the org chart has both units', () => h.evaluation.orgChart.supervisorOf(STAFF_A, '2026-11-15') === HEAD_A && h.evaluation.orgChart.supervisorOf(STAFF_B, '2026-11-15') === HEAD_B);
  const hr = await as('hr-staff', 'staff-1');
  ofA = (await hr.post('/v1/appraisals').set('Idempotency-Key', key()).send({ employeeId: STAFF_A, period: annual }).expect(201)).body.appraisalId as string;
  await hr.post('/v1/appraisals').set('Idempotency-Key', key()).send({ employeeId: STAFF_B, period: annual }).expect(201);
  await (await as('evaluator', HEAD_A)).post(`/v1/appraisals/${ofA}/ratings`).set('Idempotency-Key', key()).send(rating).expect(200);
});

afterAll(async () => {
  await h.close();
});

describe("the audit trail of appraisals' personal data", () => {
  it('records a read that opens the notes: who, role, action, whose, allowed, the request; never the notes', async () => {
    const res = await (await as('evaluator', HEAD_A)).get(`/v1/appraisals/${ofA}`).set('X-Request-Id', 'req-notes-1').expect(200);
    expect(res.body).toMatchObject({ notes: { ratings: { competence: 'Menguasai SOP' } } });
    const records = await accessesTo(STAFF_A);
    expect(records).toEqual(
      expect.arrayContaining([expect.objectContaining({ subject: HEAD_A, role: 'evaluator', action: 'read-appraisal-notes', subjects: [STAFF_A], allowed: true, correlationId: 'req-notes-1' })]),
    );
    expect(JSON.stringify(records)).not.toContain('Menguasai SOP');
  });

  it("records the auditor's read of the ratings without the notes", async () => {
    const res = await (await as('auditor', 'auditor-2')).get(`/v1/appraisals/${ofA}`).expect(200);
    expect(res.body).not.toHaveProperty('notes');
    expect(await accessesTo(STAFF_A)).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'auditor-2', role: 'auditor', action: 'read-appraisal', allowed: true })]));
  });

  it('records refused reads as denied: an evaluator not involved, an official of another unit', async () => {
    expectProblem(await (await as('evaluator', HEAD_B)).get(`/v1/appraisals/${ofA}`), 403);
    expectProblem(await (await as('hr-staff', 'staff-b', UNIT_B)).get(`/v1/appraisals/${ofA}`), 404);
    const denied = (await accessesTo(STAFF_A)).filter((r) => !r.allowed);
    expect(denied.map((r) => `${r.subject}:${r.role}:${r.action}`).sort()).toEqual([`${HEAD_B}:evaluator:read-appraisal`, 'staff-b:hr-staff:read-appraisal'].sort());
  });

  it('records a read refused for the role (403) as denied, without a data subject (the appraisal is not read)', async () => {
    expectProblem(await (await as('training-officer', 'trainer-1')).get(`/v1/appraisals/${ofA}`).set('X-Request-Id', 'req-role-refused'), 403);
    const from = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const all = ((await (await as('auditor', 'auditor-1')).get(`/v1/audit/personal-data-access?from=${from}&to=${to}&limit=1000`).expect(200)).body as { items: AccessRecord[] }).items;
    expect(all.filter((r) => r.correlationId === 'req-role-refused')).toEqual([expect.objectContaining({ subject: 'trainer-1', role: 'training-officer', action: 'read-appraisal', subjects: [], allowed: false })]);
  });

  it('records a list with the employees it shows', async () => {
    await (await as('hr-staff', 'staff-list')).get('/v1/appraisals?period=2026').expect(200);
    for (const employeeId of [STAFF_A, STAFF_B]) {
      expect(await accessesTo(employeeId)).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'staff-list', action: 'list-appraisals', allowed: true })]));
    }
  });

  it('answers the audit route to auditors and the data protection officer only', async () => {
    const from = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    await (await as('data-protection-officer', 'dpo-1')).get(`/v1/audit/personal-data-access?from=${from}&to=${to}`).expect(200);
    expectProblem(await (await as('hr-staff', 'staff-1')).get(`/v1/audit/personal-data-access?from=${from}&to=${to}`), 403);
    expectProblem(await (await as('auditor', 'auditor-1')).get(`/v1/audit/personal-data-access?from=${to}&to=${from}`), 400);
  });
});
