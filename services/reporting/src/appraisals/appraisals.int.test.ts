import { streamId } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';
import { anEmployeeId, aUnitId, establishUnit } from '@asn/org-chart/testing';
import { expectProblem, waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';
import type { DistributionRow } from './appraisals.http';

// Appraisal distributions over HTTP, the evaluation topic fed through the local bus as the evaluation service writes it.

const U1 = aUnitId(31);
const U2 = aUnitId(32);
let h: ReportingHarness;

const finalised = (employeeId: string, unitId: string, predicate: 'sangat-baik' | 'baik' | 'kurang', warning?: string): NewEvent => ({
  id: newId(),
  type: 'AppraisalFinalised',
  data: {
    employeeId,
    unitId,
    period: { kind: 'annual', year: 2025 },
    results: predicate === 'kurang' ? 'meets' : 'above',
    behaviour: predicate === 'sangat-baik' ? 'above' : predicate === 'baik' ? 'meets' : 'below',
    predicate,
    finalisedBy: 'reviewer-1',
    finalisedOn: '2026-01-15',
    objectionUntil: '2026-01-29',
    ...(warning ? { distributionWarning: warning } : {}),
  },
});

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, U1, 'Dinas Pendidikan');
  await establishUnit(h.store, U2, 'Badan Pendapatan, Keuangan dan Aset Daerah');
  await h.store.appendToStream(streamId('evaluation', newId()), [finalised(anEmployeeId(1), U1, 'sangat-baik')]);
  await h.store.appendToStream(streamId('evaluation', newId()), [finalised(anEmployeeId(2), U1, 'baik', '=cap broken')]);
  await h.store.appendToStream(streamId('evaluation', newId()), [finalised(anEmployeeId(3), U2, 'kurang')]);
  await h.store.appendToStream(streamId('evaluation', newId()), [{ id: newId(), type: 'UnitRated', data: { unitId: U1, year: 2025, rating: 'baik', ratedBy: 'approver-1' } }]);
  await waitUntil('the read model has the appraisals', () => {
    const models = h.reporting.live.current();
    return models.appraisals.distribution(2025, 'annual').length === 2 && models.appraisals.unitRating(U1, 2025) === 'baik' && models.orgChart.unit(U2) !== undefined;
  }, 20_000);
});
afterAll(async () => h.close());

const auditCount = () => h.audit.query({ from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 600_000), limit: 1000 }).items.length;

describe('the appraisal distribution of a year', () => {
  it('answers per unit the final predicates, their shares, the unit rating and the warning', async () => {
    const res = await (await h.as('hr-staff')).get('/v1/reports/appraisal-distribution?year=2025').expect(200);
    expect(res.body).toEqual({
      year: 2025,
      period: 'annual',
      items: [
        {
          unitId: U1,
          unitName: 'Dinas Pendidikan',
          period: '2025',
          year: 2025,
          total: 2,
          counts: { 'sangat-baik': 1, baik: 1, 'butuh-perbaikan': 0, kurang: 0, 'sangat-kurang': 0 },
          shares: { 'sangat-baik': 0.5, baik: 0.5, 'butuh-perbaikan': 0, kurang: 0, 'sangat-kurang': 0 },
          unitRating: 'baik',
          capWarning: '=cap broken',
        },
        expect.objectContaining({ unitId: U2, total: 1, counts: expect.objectContaining({ kurang: 1 }), unitRating: null }),
      ],
    });
    expect((await (await h.as('auditor')).get('/v1/reports/appraisal-distribution?year=2025&period=quarterly').expect(200)).body.items).toEqual([]);
  });

  it('exports the same rows as CSV, a formula-like cell defused, and as JSON Lines', async () => {
    const client = await h.as('hr-approver');
    const json = (await client.get('/v1/reports/appraisal-distribution?year=2025').expect(200)).body.items as DistributionRow[];
    const csv = await client.get('/v1/reports/appraisal-distribution?year=2025&format=csv').buffer(true).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('unitId,unitName,period,total,sangat-baik,baik,butuh-perbaikan,kurang,sangat-kurang,share-sangat-baik,share-baik,share-butuh-perbaikan,share-kurang,share-sangat-kurang,unitRating,capWarning');
    expect(lines.slice(1, -1)).toEqual(
      json.map((r) => [r.unitId, r.unitName?.includes(',') ? `"${r.unitName}"` : r.unitName, r.period, r.total, ...Object.values(r.counts), ...Object.values(r.shares), r.unitRating ?? '', r.capWarning ? `'${r.capWarning}` : ''].join(',')),
    );
    const jsonl = await client.get('/v1/reports/appraisal-distribution?year=2025&format=jsonl').buffer(true).expect(200);
    expect(jsonl.text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(json);
  });

  it('audits each list naming whose appraisals were counted', async () => {
    const before = auditCount();
    await (await h.as('auditor', 'auditor-7')).get(`/v1/reports/appraisal-distribution?year=2025&unitId=${U1}`).expect(200);
    const items = h.audit.query({ from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 600_000), limit: 1000 }).items.slice(before);
    expect(items).toEqual([expect.objectContaining({ subject: 'auditor-7', action: 'list-appraisal-distribution', subjects: [anEmployeeId(1), anEmployeeId(2)], allowed: true })]);
  });
});

describe('an official of one unit', () => {
  it('sees only the own unit, and gets 404 for another', async () => {
    const staff = await h.as('hr-staff', 'staff-of-u2', U2);
    expect((await staff.get('/v1/reports/appraisal-distribution?year=2025').expect(200)).body.items.map((r: DistributionRow) => r.unitId)).toEqual([U2]);
    expectProblem(await staff.get(`/v1/reports/appraisal-distribution?year=2025&unitId=${U1}`), 404);
  });
});

describe('a request that is refused', () => {
  it.each([
    ['no year', ''],
    ['a year out of range', 'year=1999'],
    ['an unknown period', 'year=2025&period=monthly'],
    ['an unknown format', 'year=2025&format=xlsx'],
    ['an unknown key', 'year=2025&employeeId=x'],
  ])('answers 400 for %s and audits nothing', async (_what, query) => {
    const before = auditCount();
    expectProblem(await (await h.as('auditor')).get(`/v1/reports/appraisal-distribution?${query}`), 400, { type: 'urn:asn:problem:validation' });
    expect(auditCount()).toBe(before);
  });

  it('answers 403 to an employee', async () => {
    expectProblem(await (await h.as('employee')).get('/v1/reports/appraisal-distribution?year=2025'), 403);
  });
});
