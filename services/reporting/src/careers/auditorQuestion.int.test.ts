import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { corrected, decided, establishUnit, record, appointEmployee, transferred, pelaksana } from '@asn/org-chart/testing';
import { waitUntil } from '@asn/testing';
import { startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';

// The question of issue 7, answered with the API: "what was this person's rank and unit on 1 March 2021, who
// decided it, and can you prove the record was not altered since the digest I kept?"
let h: ReportingHarness;
let dinas: string;
let bapenda: string;
let employeeId: string;
let promotionId: string;
const ROOT = resolve(__dirname, '../../../..');

beforeAll(async () => {
  h = await startReportingHarness();
  dinas = await establishUnit(h.store, undefined, 'Dinas Pendidikan');
  bapenda = await establishUnit(h.store, undefined, 'Badan Pendapatan Daerah');
  employeeId = await appointEmployee(h.store, dinas, { tmt: '2015-03-01', position: pelaksana() });
  const promotion = decided(employeeId, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-04-01');
  promotionId = promotion.decisionId ?? '';
  await record(h.store, promotion);
  await record(h.store, transferred(employeeId, '2020-07-01', bapenda));
  // A typo in the 2019 promotion corrected later: III/c, not III/b.
  await record(h.store, corrected(employeeId, '2019-04-01', promotionId, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/c' }));
  await waitUntil('the read model has the career', () => h.reporting.careers.timeline(employeeId).length === 4);
});
afterAll(async () => h.close());

describe("the auditor's question", () => {
  it('answers rank and unit on 1 March 2021 with the decisions (SK, proposer, approver) that set them', async () => {
    const auditor = await h.as('auditor', 'auditor-1');
    const res = await auditor.get(`/v1/employees/${employeeId}/record?asOf=2021-03-01`).expect(200);
    expect(res.body).toMatchObject({
      employeeId,
      asOf: '2021-03-01',
      status: 'active',
      rank: { golongan: 'III/c', decidedBy: { decisionId: promotionId, eventType: 'EmployeePromoted', tmt: '2019-04-01', proposedBy: 'staff-1', approvedBy: 'approver-1', correctedBy: { eventType: 'DecisionCorrected' } } },
      unit: { unitId: bapenda, name: 'Badan Pendapatan Daerah', decidedBy: { eventType: 'EmployeeTransferred', tmt: '2020-07-01' } },
    });
    const before = await auditor.get(`/v1/employees/${employeeId}/record?asOf=2019-12-31`).expect(200);
    expect(before.body).toMatchObject({ rank: { golongan: 'III/c' }, unit: { unitId: dinas } });
    await auditor.get(`/v1/employees/${employeeId}/record?asOf=2015-02-28`).expect(404);
  });

  it('as recorded before the correction, the rank reads as it was recorded then', async () => {
    const timeline = h.reporting.careers.timeline(employeeId);
    const correctionAt = timeline.find((e) => e.eventType === 'DecisionCorrected')?.recordedAt ?? '';
    const justBefore = new Date(Date.parse(correctionAt) - 1).toISOString();
    const res = await (await h.as('auditor')).get(`/v1/employees/${employeeId}/record?asOf=2021-03-01&recordedBy=${encodeURIComponent(justBefore)}`).expect(200);
    expect(res.body).toMatchObject({ rank: { golongan: 'III/b' } });
    expect(res.body).not.toHaveProperty('rank.decidedBy.correctedBy');
  });

  it('lists the full timeline with each decision standing', async () => {
    const res = await (await h.as('auditor')).get(`/v1/employees/${employeeId}/timeline`).expect(200);
    const entries = (res.body as { entries: { eventType: string; standing?: string; decree?: { skNumber: string } }[] }).entries;
    expect(entries.map((e) => [e.eventType, e.standing])).toEqual([
      ['EmployeeAppointed', 'in-force'],
      ['EmployeePromoted', 'replaced'],
      ['EmployeeTransferred', 'in-force'],
      ['DecisionCorrected', 'correction'],
    ]);
    expect(entries.every((e) => typeof e.decree?.skNumber === 'string')).toBe(true);
  });

  it('proves with a digest made over the API, the public key it serves and the verify command that the record was not altered', async () => {
    const made = await (await h.as('auditor')).post('/v1/digests').set('Idempotency-Key', `k-${Date.now()}`).expect(201);
    const kept = join(h.dataDir, 'kept-digest.json');
    const { digestId: _id, ...signed } = made.body as Record<string, unknown>;
    writeFileSync(kept, JSON.stringify(signed));
    const publicKey = join(h.dataDir, 'kept.pub');
    writeFileSync(publicKey, ((await h.api.get('/v1/digests/public-key').expect(200)).body as { publicKey: string }).publicKey);
    const verify = (...args: string[]) => {
      try {
        return { status: 0, out: execFileSync(join(ROOT, 'ledger'), ['verify', h.storePath, ...args], { cwd: ROOT, encoding: 'utf8' }) };
      } catch (error) {
        const e = error as { status: number; stdout: string };
        return { status: e.status, out: e.stdout };
      }
    };
    expect(verify('--digest', kept, '--public-key', publicKey)).toMatchObject({ status: 0, out: expect.stringMatching(/unchanged since the digest/) });
  }, 60_000);

  it('refuses the auditor role to others and records every read', async () => {
    expect((await (await h.as('hr-staff')).get(`/v1/employees/${employeeId}/timeline`)).status).toBe(403);
    expect((await h.api.get(`/v1/employees/${employeeId}/timeline`)).status).toBe(401);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await (await h.as('auditor')).get(`/v1/audit/personal-data-access?from=${from}&to=${to}&employeeId=${employeeId}`).expect(200);
    const actions = (res.body as { items: { action: string }[] }).items.map((i) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['read-timeline', 'read-record-as-of']));
  });
});
