import { streamId } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';
import { anEmployeeId, appointed, aUnitId, establishUnit, record, transferred } from '@asn/org-chart/testing';
import { expectProblem, waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';
import type { UnitJp } from './jp';

// JP compliance over HTTP: completions on the training topic and appointments on the personnel topic, both
// through the local bus. The completions are recorded first: the unit is looked up when the report is asked.

const U1 = aUnitId(41);
const U2 = aUnitId(42);
const [A, B, P, M] = [41, 42, 43, 44].map((n) => anEmployeeId(n)) as [string, string, string, string];
let h: ReportingHarness;

const completed = (employeeId: string, jp: number, completedOn: string): NewEvent => ({
  id: newId(),
  type: 'ParticipantCompleted',
  data: { enrollmentId: newId(), employeeId, certificateNumber: 'CERT/2025/7', competencyArea: 'technical', jp, completedOn, recordedBy: 'officer-1' },
});

beforeAll(async () => {
  h = await startReportingHarness();
  await h.store.appendToStream(streamId('programme', newId()), [
    { id: newId(), type: 'ProgrammeScheduled', data: { title: 'Pelatihan Analisis Kebijakan', competencyArea: 'technical', jp: 20, capacity: 30, startsOn: '2025-03-03', endsOn: '2025-03-07', deliveryMode: 'classroom', organiser: 'BKPSDM', scheduledBy: 'officer-1' } },
    completed(A, 20, '2025-03-07'),
    completed(B, 8, '2025-03-07'),
    completed(P, 24, '2025-03-07'),
    completed(M, 12, '2025-03-07'),
    completed(B, 30, '2024-10-01'),
  ]);
  await establishUnit(h.store, U1, 'Dinas Pendidikan');
  await establishUnit(h.store, U2, 'Dinas Kesehatan');
  await record(
    h.store,
    appointed(A, '2015-03-01', { unitId: U1 }),
    appointed(B, '2015-03-01', { unitId: U1 }),
    appointed(P, '2021-03-01', { unitId: U2, employeeType: 'PPPK', contractUntil: '2027-03-01' }),
    appointed(M, '2015-03-01', { unitId: U1 }),
    transferred(M, '2025-08-01', U2),
  );
  await waitUntil('the read model has the completions and the org chart', () => {
    const { jp } = h.reporting.live.current();
    return jp.jpByEmployee(2025).size === 4 && jp.employees(2025, '2025-12-31').length === 4 && jp.employees(2025, '2025-12-31').some((e) => e.employeeId === M && e.unitId === U2);
  }, 20_000);
});
afterAll(async () => h.close());

const auditItems = () => h.audit.query({ from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 600_000), limit: 1000 }).items;

describe('JP compliance for a year', () => {
  it('answers per unit the employees at the end of the year, how many met their entitlement, total JP and shortfall', async () => {
    const res = await (await h.as('hr-staff')).get('/v1/reports/jp-compliance?year=2025').expect(200);
    expect(res.body).toEqual({
      year: 2025,
      asOf: '2025-12-31',
      rulesVersion: '2026.1',
      entitlement: { PNS: 20, CPNS: 20, PPPK: 24 },
      items: [
        { unitId: U1, unitName: 'Dinas Pendidikan', employees: 2, met: 1, totalJp: 28, shortfall: 12 },
        { unitId: U2, unitName: 'Dinas Kesehatan', employees: 2, met: 1, totalJp: 36, shortfall: 8 },
      ],
    });
  });

  it('exports the same rows as CSV and JSON Lines', async () => {
    const client = await h.as('auditor');
    const json = (await client.get('/v1/reports/jp-compliance?year=2025').expect(200)).body.items as UnitJp[];
    const csv = await client.get('/v1/reports/jp-compliance?year=2025&format=csv').buffer(true).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe(['unitId,unitName,employees,met,totalJp,shortfall', ...json.map((r) => [r.unitId, r.unitName, r.employees, r.met, r.totalJp, r.shortfall].join(','))].map((l) => `${l}\r\n`).join(''));
    const jsonl = await client.get('/v1/reports/jp-compliance?year=2025&format=jsonl').buffer(true).expect(200);
    expect(jsonl.text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(json);
  });

  it('audits each list and export naming whose JP were counted', async () => {
    const before = auditItems().length;
    await (await h.as('hr-approver', 'approver-9')).get(`/v1/reports/jp-compliance?year=2025&unitId=${U1}&format=csv`).expect(200);
    expect(auditItems().slice(before)).toEqual([expect.objectContaining({ subject: 'approver-9', action: 'export-jp-compliance', subjects: [A, B].sort(), allowed: true })]);
  });
});

describe('an official of one unit', () => {
  it('sees only the own unit, and gets 404 for another', async () => {
    const staff = await h.as('hr-staff', 'staff-of-u2', U2);
    expect((await staff.get('/v1/reports/jp-compliance?year=2025').expect(200)).body.items.map((r: UnitJp) => r.unitId)).toEqual([U2]);
    expectProblem(await staff.get(`/v1/reports/jp-compliance?year=2025&unitId=${U1}`), 404);
  });
});

describe('a request that is refused', () => {
  it.each([
    ['no year', ''],
    ['a year that is not a number', 'year=last'],
    ['a unit that is not an id', 'year=2025&unitId=dinas'],
    ['an unknown key', 'year=2025&employeeId=x'],
  ])('answers 400 for %s and audits nothing', async (_what, query) => {
    const before = auditItems().length;
    expectProblem(await (await h.as('auditor')).get(`/v1/reports/jp-compliance?${query}`), 400, { type: 'urn:asn:problem:validation' });
    expect(auditItems().length).toBe(before);
  });

  it('answers 403 to an employee', async () => {
    expectProblem(await (await h.as('employee')).get('/v1/reports/jp-compliance?year=2025'), 403);
  });
});
