import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifySqliteFile } from '@asn/event-store-sqlite';
import { expectProblem, type HttpClient } from '@asn/testing';
import { key, startPersonnelHarness, type PersonnelHarness } from '../testing/personnelHarness';

let h: PersonnelHarness;
let staff: HttpClient;
let otherStaff: HttpClient;
let approver: HttpClient;
let auditor: HttpClient;
let dpo: HttpClient;
let unitA: string;
let unitB: string;

const decree = (tmt: string, skNumber = `800/${tmt}/BKPSDM`) => ({
  skNumber,
  skDate: tmt,
  tmt,
  signedBy: 'Wali Kota Tanjungbalai',
  legalBasis: 'UU 20/2023 tentang ASN',
});

const person = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ni Luh Putu Ayu',
  nip: '19900315 201503 2 001',
  birthDate: '1990-03-15',
  gender: 'female',
  address: 'Jl. Sudirman No. 1, Tanjungbalai',
  education: 'S1',
  ...overrides,
});

const establish = async (name: string, code: string): Promise<string> => {
  const res = await approver
    .post('/v1/units')
    .set('Idempotency-Key', key())
    .send({ name, code, tmt: '2010-01-01', legalBasis: 'Perwali Tanjungbalai 1/2010' })
    .expect(201);
  return res.body.unitId as string;
};

const proposeAndApprove = async (employeeId: string, decision: Record<string, unknown>, tmt: string) => {
  const proposed = await staff.post(`/v1/employees/${employeeId}/proposals`).set('Idempotency-Key', key()).send({ decision, decree: decree(tmt) });
  expect(proposed.status).toBe(201);
  const approved = await approver.post(`/v1/employees/${employeeId}/proposals/${proposed.body.decisionId}/approval`).set('Idempotency-Key', key());
  expect(approved.status).toBe(200);
  return approved;
};

const appoint = async (overrides: Record<string, unknown> = {}, personal = person()) => {
  const res = await staff
    .post('/v1/employees')
    .set('Idempotency-Key', key())
    .send({
      decision: { kind: 'appointment', employeeType: 'CPNS', golongan: 'III/a', unitId: unitA, position: { kind: 'pelaksana', title: 'Analis Kepegawaian' }, ...overrides },
      decree: decree('2015-03-01'),
      personal,
    });
  return res;
};

beforeAll(async () => {
  h = await startPersonnelHarness();
  staff = await h.as('hr-staff', 'staff-1');
  otherStaff = await h.as('hr-staff', 'staff-2');
  approver = await h.as('hr-approver', 'approver-1');
  auditor = await h.as('auditor', 'auditor-1');
  dpo = await h.as('data-protection-officer', 'dpo-1');
  unitA = await establish('Badan Kepegawaian dan Pengembangan SDM', 'BKPSDM');
  unitB = await establish('Dinas Pendidikan', 'DISDIK');
});

afterAll(async () => {
  await h.close();
});

describe('a whole career through the API', () => {
  let employeeId: string;

  it('appoints a CPNS: proposed by staff, approved by an approver, both named in the record', async () => {
    const proposed = await appoint();
    expect(proposed.status).toBe(201);
    employeeId = proposed.body.employeeId as string;
    expect(proposed.headers.etag).toBe('"0"');

    const pending = await approver.get(`/v1/proposals?unitId=${unitA}`).expect(200);
    expect(pending.body.items).toEqual([expect.objectContaining({ employeeId, decisionId: proposed.body.decisionId, status: 'pending' })]);

    const own = await (await h.as('hr-approver', 'staff-1')).post(`/v1/employees/${employeeId}/proposals/${proposed.body.decisionId}/approval`).set('Idempotency-Key', key());
    expectProblem(own, 403);

    await approver.post(`/v1/employees/${employeeId}/proposals/${proposed.body.decisionId}/approval`).set('Idempotency-Key', key()).expect(200);
    const second = await approver.post(`/v1/employees/${employeeId}/proposals/${proposed.body.decisionId}/approval`).set('Idempotency-Key', key());
    expectProblem(second, 409);

    const read = await staff.get(`/v1/employees/${employeeId}`).expect(200);
    expect(read.body).toMatchObject({ status: 'active', personal: { name: 'Ni Luh Putu Ayu', nip: '199003152015032001' }, career: { employeeType: 'CPNS', golongan: 'III/a', unitId: unitA } });
  });

  it('confirms, promotes and transfers, refusing what the rules forbid with the regulation named', async () => {
    const early = await staff.post(`/v1/employees/${employeeId}/proposals`).set('Idempotency-Key', key()).send({ decision: { kind: 'confirmation' }, decree: decree('2015-12-01') });
    expectProblem(early, 409, { code: 'probation-running' });

    await proposeAndApprove(employeeId, { kind: 'confirmation' }, '2016-03-01');
    const tooSoon = await staff
      .post(`/v1/employees/${employeeId}/proposals`)
      .set('Idempotency-Key', key())
      .send({ decision: { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, decree: decree('2018-03-01') });
    const problem = expectProblem(tooSoon, 409, { code: 'not-eligible' });
    expect(problem.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ regulation: expect.any(String) })]));

    await proposeAndApprove(employeeId, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-03-01');
    await proposeAndApprove(employeeId, { kind: 'transfer', transferKind: 'within-city', toUnitId: unitB }, '2020-01-01');
    const read = await staff.get(`/v1/employees/${employeeId}`).expect(200);
    expect(read.body.career).toMatchObject({ employeeType: 'PNS', golongan: 'III/b', unitId: unitB });

    const asOf = await auditor.get(`/v1/employees/${employeeId}?asOf=2017-01-01`).expect(200);
    expect(asOf.body.career).toMatchObject({ employeeType: 'PNS', golongan: 'III/a', unitId: unitA });
  });

  it('shows the auditor who proposed and who approved each decision, and when', async () => {
    const history = await auditor.get(`/v1/employees/${employeeId}/history`).expect(200);
    const promoted = (history.body.events as { type: string; data: Record<string, unknown>; actor: unknown; recordedAt: string }[]).find((e) => e.type === 'EmployeePromoted');
    expect(promoted).toMatchObject({ data: { proposedBy: 'staff-1', approvedBy: 'approver-1', decree: { tmt: '2019-03-01' } }, actor: { subject: 'approver-1', role: 'hr-approver' }, rulesVersion: '2026.1' });
    expect(JSON.stringify(history.body)).not.toContain('199003152015032001');
  });

  it('refuses a stale If-Match with 412 and writes nothing', async () => {
    const before = await h.store.headPosition();
    const stale = await staff
      .post(`/v1/employees/${employeeId}/proposals`)
      .set('Idempotency-Key', key())
      .set('If-Match', '"1"')
      .send({ decision: { kind: 'sanction', severity: 'light', sanction: 'oral-warning' }, decree: decree('2021-01-01') });
    expectProblem(stale, 412);
    expect(await h.store.headPosition()).toBe(before);
  });

  it('lists the employee as due for rotation after five years in the same unit, not before', async () => {
    const due = await approver.get('/v1/eligibility/transfers?on=2025-06-01').expect(200);
    expect(due.body).toMatchObject({ maxYearsInPost: 5, regulation: expect.any(String) });
    expect(due.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ employeeId, unitId: unitB, inPostSince: '2020-01-01', yearsInPost: 5.4 })]));
    const notYet = await approver.get('/v1/eligibility/transfers?on=2024-06-01').expect(200);
    expect((notYet.body.items as { employeeId: string }[]).map((i) => i.employeeId)).not.toContain(employeeId);
  });

  it('dismisses, after which nothing else can be proposed', async () => {
    await proposeAndApprove(employeeId, { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, '2022-01-01');
    const after = await staff
      .post(`/v1/employees/${employeeId}/proposals`)
      .set('Idempotency-Key', key())
      .send({ decision: { kind: 'transfer', transferKind: 'within-city', toUnitId: unitA }, decree: decree('2023-01-01') });
    expectProblem(after, 409, { code: 'employee-dismissed' });
  });

  it('finds the employee by NIP through the keyed index; the NIP never appears in the store file', async () => {
    const found = await auditor.post('/v1/employees/lookup').send({ nip: '199003152015032001' }).expect(200);
    expect(found.body).toEqual({ employeeId });
    const file = readFileSync(join(h.dataDir, 'asn.db'));
    expect(file.includes(Buffer.from('199003152015032001'))).toBe(false);
    expect(file.includes(Buffer.from('Ni Luh Putu Ayu'))).toBe(false);
  });

  it('refuses a second registration of the same NIP', async () => {
    const again = await appoint({}, person({ name: 'Sukarno' }));
    expectProblem(again, 409, { code: 'nip-registered' });
  });

  it('erases the personal data: reads show it erased, the career stays, verify still passes', async () => {
    const denied = await approver.post(`/v1/employees/${employeeId}/erasure`).set('Idempotency-Key', key()).send({ reason: 'Permintaan subjek data' });
    expectProblem(denied, 403);
    await dpo.post(`/v1/employees/${employeeId}/erasure`).set('Idempotency-Key', key()).send({ reason: 'Permintaan subjek data' }).expect(200);
    const read = await auditor.get(`/v1/employees/${employeeId}`).expect(200);
    expect(read.body).toMatchObject({ personal: 'erased', career: { golongan: 'III/b', status: 'dismissed' } });
    await auditor.post('/v1/employees/lookup').send({ nip: '199003152015032001' }).expect(404);
    await h.personnel.roster.catchUp();
    expect(h.personnel.roster.employees.get(employeeId)?.personal).toBe('erased');
    const report = await verifySqliteFile(join(h.dataDir, 'asn.db'));
    expect(report.ok).toBe(true);
  });

  it('records every read of personal data in the audit trail, without the data', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await auditor.get(`/v1/audit/personal-data-access?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&employeeId=${employeeId}`).expect(200);
    const actions = (res.body.items as { action: string; subject: string }[]).map((i) => `${i.subject}:${i.action}`);
    expect(actions).toEqual(expect.arrayContaining(['staff-1:read-employee', 'auditor-1:lookup-by-nip', 'dpo-1:erase-personal-data']));
  });
});

describe('separation of units', () => {
  it('hides employees of another unit from a unit-scoped official', async () => {
    const proposed = await appoint({ unitId: unitB }, person({ nip: '198609262015051001', birthDate: '1986-09-26', gender: 'male', name: 'I Gede' }));
    expect(proposed.status).toBe(201);
    const scopedA = await h.as('hr-staff', 'staff-a', unitA);
    expectProblem(await scopedA.get(`/v1/employees/${proposed.body.employeeId}`), 404);
    const scopedB = await h.as('hr-staff', 'staff-b', unitB);
    await scopedB.get(`/v1/employees/${proposed.body.employeeId}`).expect(200);
  });
});

describe('concurrent registrations of one NIP', () => {
  it('lets exactly one win', async () => {
    const nip = '198501012010011003';
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? staff : otherStaff)
          .post('/v1/employees')
          .set('Idempotency-Key', key())
          .send({
            decision: { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId: unitA, position: { kind: 'pelaksana', title: 'Pengadministrasi Umum' } },
            decree: decree('2010-01-01'),
            personal: person({ nip, birthDate: '1985-01-01', gender: 'male', name: `Muh. Ridwan` }),
          }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
  });
});
