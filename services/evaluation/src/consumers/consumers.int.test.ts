import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, waitUntil, type HttpClient } from '@asn/testing';
import { key, startEvaluationHarness, type EvaluationHarness } from '../testing/evaluationHarness';
import { appoint, dismiss, establishUnit, managerial, pelaksana, substantiate, transfer } from '../testing/personnelEvents';

const UNIT_A = randomUUID();
const UNIT_B = randomUUID();
const HEAD_A = randomUUID();
const HEAD_B = randomUUID();
const EMPLOYEE = randomUUID();
const LEAVER = randomUUID();
const RETIREE = randomUUID();
const q = (quarter: number, year = 2026) => ({ kind: 'quarterly', year, quarter }) as const;
const annual = { kind: 'annual', year: 2026 } as const;

let h: EvaluationHarness;

const open = async (hr: HttpClient, period: unknown, employeeId = EMPLOYEE) => {
  const res = await hr.post('/v1/appraisals').set('Idempotency-Key', key()).send({ employeeId, period });
  expect([200, 201]).toContain(res.status);
  return res.body as { appraisalId: string; evaluatorId: string; status: string };
};

/** The status of each of the employee's appraisals, by period name. */
const statuses = async (hr: HttpClient, employeeId: string): Promise<Record<string, string>> => {
  const res = await hr.get(`/v1/appraisals?employeeId=${employeeId}`).expect(200);
  return Object.fromEntries((res.body as { items: { periodName: string; status: string }[] }).items.map((i) => [i.periodName, i.status]));
};

/** The appraisals are closed and no leaving waits to be handled: whatever else the leaving closes is closed by now. */
const closedInIndex = async (appraisalIds: readonly string[]): Promise<boolean> => {
  await h.evaluation.index.catchUp();
  const pending = h.readModel.prepare('SELECT COUNT(*) AS n FROM eval_pending_closings').get() as { n: number };
  return pending.n === 0 && appraisalIds.every((id) => h.evaluation.index.get(id)?.state.status === 'closed');
};

const evaluationEvents = async (): Promise<string[]> => {
  const ids: string[] = [];
  for await (const e of h.store.readAll({ categories: ['evaluation'] })) ids.push(e.id);
  return ids;
};

beforeAll(async () => {
  h = await startEvaluationHarness({ now: () => new Date('2026-11-15T08:00:00Z') });
  await establishUnit(h.store, UNIT_A, 'Dinas Perhubungan');
  await establishUnit(h.store, UNIT_B, 'Dinas Sosial');
  await appoint(h.store, HEAD_A, UNIT_A, managerial('jpt-pratama'));
  await appoint(h.store, HEAD_B, UNIT_B, managerial('jpt-pratama'));
  await appoint(h.store, EMPLOYEE, UNIT_A, pelaksana());
  await appoint(h.store, LEAVER, UNIT_A, pelaksana());
  await appoint(h.store, RETIREE, UNIT_A, pelaksana());
  await transfer(h.store, EMPLOYEE, UNIT_B, '2026-07-01');
  await waitUntil('the org chart has the transfer', () => h.evaluation.orgChart.employeeOn(EMPLOYEE, '2026-07-01')?.unitId === UNIT_B);
});

afterAll(async () => {
  await h.close();
});

describe('the org chart from the personnel topic', () => {
  it('names the supervisor as of the period: a transfer changes the evaluator of later periods', async () => {
    const hr = await h.as('hr-staff');
    expect(await open(hr, q(1))).toMatchObject({ evaluatorId: HEAD_A, status: 'draft' });
    expect(await open(hr, q(3))).toMatchObject({ evaluatorId: HEAD_B, status: 'draft' });
  });

  it('closes the appraisals of the periods the TMT falls in, keeps those of periods that ended before it, and a complaint noted before stays', async () => {
    const hr = await h.as('hr-staff');
    await open(hr, q(3));
    const q4 = await open(hr, q(4));
    const year = await open(hr, annual);
    const ticket = randomUUID();
    await substantiate(h.store, ticket, UNIT_B, EMPLOYEE, '2026-10-01');
    await waitUntil('noted', async () => ((await hr.get(`/v1/appraisals/${q4.appraisalId}`)).body as { complaints: string[] }).complaints.includes(ticket));
    await dismiss(h.store, EMPLOYEE, '2026-11-01');
    await waitUntil('closed', () => closedInIndex([q4.appraisalId, year.appraisalId]));
    expect(await statuses(hr, EMPLOYEE)).toEqual({ '2026-Q1': 'draft', '2026-Q3': 'draft', '2026-Q4': 'closed', '2026': 'closed' });
    expect(((await hr.get(`/v1/appraisals/${q4.appraisalId}`).expect(200)).body as { complaints: string[] }).complaints).toEqual([ticket]);
  });
});

describe('a leaving decided ahead of its TMT', () => {
  it('dismissal effective next month: closes at once the appraisals of the periods it falls in or precedes, the rest stay open to be completed', async () => {
    const hr = await h.as('hr-staff');
    const q3 = await open(hr, q(3), LEAVER);
    const later = [await open(hr, q(4), LEAVER), await open(hr, annual, LEAVER), await open(hr, q(1, 2027), LEAVER)];
    await dismiss(h.store, LEAVER, '2026-12-15');
    await waitUntil('closed', () => closedInIndex(later.map((a) => a.appraisalId)));
    expect(await statuses(hr, LEAVER)).toEqual({ '2026-Q3': 'draft', '2026-Q4': 'closed', '2026': 'closed', '2027-Q1': 'closed' });
    const evaluator = await h.as('evaluator', HEAD_A);
    await evaluator
      .post(`/v1/appraisals/${q3.appraisalId}/ratings`)
      .set('Idempotency-Key', key())
      .send({ results: 'meets', behaviour: 'meets', aspects: { competence: { rating: 'meets' }, discipline: { rating: 'meets' }, integrity: { rating: 'meets' } } })
      .expect(200);
  });

  it('refuses to open the appraisal of a period the employee leaves in (422 employee-leaving)', async () => {
    const hr = await h.as('hr-staff');
    const res = await hr.post('/v1/appraisals').set('Idempotency-Key', key()).send({ employeeId: LEAVER, period: q(2, 2027) });
    expectProblem(res, 422, { code: 'employee-leaving' });
  });

  it('retirement at the turn of the year: the appraisals of the year stay open, the next year is closed', async () => {
    const hr = await h.as('hr-staff');
    await open(hr, q(4), RETIREE);
    await open(hr, annual, RETIREE);
    const next = await open(hr, q(1, 2027), RETIREE);
    await dismiss(h.store, RETIREE, '2027-01-01');
    await waitUntil('closed', () => closedInIndex([next.appraisalId]));
    expect(await statuses(hr, RETIREE)).toEqual({ '2026-Q4': 'draft', '2026': 'draft', '2027-Q1': 'closed' });
  });
});

describe('redelivery', () => {
  it('delivering every personnel and feedback event again writes nothing new (inbox, derived ids)', async () => {
    const before = await evaluationEvents();
    await h.restart({ redeliver: true });
    await h.evaluation.consumers.caughtUp;
    expect(await evaluationEvents()).toEqual(before);
  });

  it('a read model rebuilt from the start of the log gives the same org chart, and the reactions write nothing new', async () => {
    const before = await evaluationEvents();
    const supervisorBefore = h.evaluation.orgChart.supervisorOf(HEAD_B, '2026-08-01') ?? null;
    await h.restart({ redeliver: true, freshReadModel: true });
    await h.evaluation.consumers.caughtUp;
    expect(h.evaluation.orgChart.employeeOn(EMPLOYEE, '2026-08-01')).toMatchObject({ unitId: UNIT_B, status: 'active' });
    expect(h.evaluation.orgChart.employeeOn(EMPLOYEE, '2026-11-01')).toMatchObject({ status: 'left' });
    expect(h.evaluation.orgChart.supervisorOf(HEAD_B, '2026-08-01') ?? null).toBe(supervisorBefore);
    expect(await evaluationEvents()).toEqual(before);
    expect(h.bus.deadLetters('evaluation.personnel')).toEqual([]);
    expect(h.bus.deadLetters('evaluation.feedback')).toEqual([]);
  });
});
