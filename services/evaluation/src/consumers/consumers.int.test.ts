import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitUntil, type HttpClient } from '@asn/testing';
import { key, startEvaluationHarness, type EvaluationHarness } from '../testing/evaluationHarness';
import { appoint, dismiss, establishUnit, managerial, pelaksana, substantiate, transfer } from '../testing/personnelEvents';

const UNIT_A = randomUUID();
const UNIT_B = randomUUID();
const HEAD_A = randomUUID();
const HEAD_B = randomUUID();
const EMPLOYEE = randomUUID();
const q = (quarter: number) => ({ kind: 'quarterly', year: 2026, quarter }) as const;

let h: EvaluationHarness;

const open = async (hr: HttpClient, period: unknown) => {
  const res = await hr.post('/v1/appraisals').set('Idempotency-Key', key()).send({ employeeId: EMPLOYEE, period });
  expect([200, 201]).toContain(res.status);
  return res.body as { appraisalId: string; evaluatorId: string; status: string };
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

  it('closes open appraisals when the employee leaves, and a complaint noted before stays', async () => {
    const hr = await h.as('hr-staff');
    const q3 = await open(hr, q(3));
    const ticket = randomUUID();
    await substantiate(h.store, ticket, UNIT_B, EMPLOYEE, '2026-10-01');
    await waitUntil('noted', async () => ((await hr.get(`/v1/appraisals/${q3.appraisalId}`)).body as { complaints: string[] }).complaints.includes(ticket));
    await dismiss(h.store, EMPLOYEE, '2026-11-01');
    await waitUntil('closed', async () => {
      await h.evaluation.index.catchUp();
      return h.evaluation.index.openOf(EMPLOYEE).length === 0;
    });
    const res = await hr.get(`/v1/appraisals?employeeId=${EMPLOYEE}`).expect(200);
    expect((res.body as { items: { status: string }[] }).items.map((i) => i.status)).toEqual(['closed', 'closed']);
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
