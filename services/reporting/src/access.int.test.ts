import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEmployeeId, appointed, aUnitId, establishUnit, record, transferred, type TopicEvent } from '@asn/org-chart/testing';
import { openLocalIssuer, ROLES, type Role } from '@asn/service-kit';
import { waitUntil, type HttpClient } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Test } from 'supertest';
import { key, startReportingHarness, type ReportingHarness } from './testing/reportingHarness';

// Who may call what in the reporting service (OWASP API1/API2/API5), and the audit trail of every read of a
// career: who, in which role, whose (opaque ids only), allowed or not, with the request's correlation id.

const UNIT = aUnitId(1);
const OTHER_UNIT = aUnitId(2);
const EMPLOYEE = anEmployeeId(1);
/** Of the other unit all along. */
const OTHER = anEmployeeId(2);
/** Moved from the unit to the other one in 2020. */
const MOVED = anEmployeeId(3);
const NOBODY = anEmployeeId(999);
const NIP = '198609262015052001';
const NAME = 'Siti Aminah';
const SEALED = {
  alg: 'A256GCM',
  iv: Buffer.alloc(12, 7).toString('base64url'),
  ct: Buffer.from(`${NAME} ${NIP}`).toString('base64url'),
  tag: Buffer.alloc(16, 9).toString('base64url'),
};

let h: ReportingHarness;
let digestId: string;
const otherDirs: string[] = [];

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, UNIT, 'Dinas Pendidikan');
  const appointment = appointed(EMPLOYEE, '2015-03-01', { unitId: UNIT });
  // The appointment as the personnel service writes it: with the sealed personal data.
  await record(h.store, { ...appointment, data: { ...(appointment.data as object), personal: SEALED } } satisfies TopicEvent);
  await establishUnit(h.store, OTHER_UNIT, 'Badan Pendapatan Daerah');
  await record(h.store, appointed(OTHER, '2015-03-01', { unitId: OTHER_UNIT }), appointed(MOVED, '2015-03-01', { unitId: UNIT }), transferred(MOVED, '2020-07-01', OTHER_UNIT));
  await waitUntil('the read model has the careers', () => h.reporting.careers.timeline(EMPLOYEE).length === 1 && h.reporting.careers.timeline(MOVED).length === 2 && h.reporting.careers.timeline(OTHER).length === 1);
  const made = await (await h.as('auditor')).post('/v1/digests').set('Idempotency-Key', key()).expect(201);
  digestId = (made.body as { digestId: string }).digestId;
});
afterAll(async () => {
  await h.close();
  for (const dir of otherDirs) rmSync(dir, { recursive: true, force: true });
});

const CAREER_READERS: readonly Role[] = ['auditor', 'hr-staff', 'hr-approver'];
const AUDITORS: readonly Role[] = ['auditor'];

interface Endpoint {
  name: string;
  allowed: readonly Role[];
  call(client: HttpClient): Test;
  ok: number;
}

const range = () => `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
const endpoints: Endpoint[] = [
  { name: 'GET /v1/employees/:id/timeline', allowed: AUDITORS, call: (c) => c.get(`/v1/employees/${EMPLOYEE}/timeline`), ok: 200 },
  { name: 'GET /v1/employees/:id/record', allowed: CAREER_READERS, call: (c) => c.get(`/v1/employees/${EMPLOYEE}/record?asOf=2021-01-01`), ok: 200 },
  { name: 'GET /v1/roster', allowed: CAREER_READERS, call: (c) => c.get('/v1/roster?asOf=2021-01-01'), ok: 200 },
  { name: 'GET /v1/movements', allowed: CAREER_READERS, call: (c) => c.get('/v1/movements?from=2020-01-01&to=2020-12-31'), ok: 200 },
  { name: 'GET /v1/movements (CSV export)', allowed: CAREER_READERS, call: (c) => c.get('/v1/movements?from=2020-01-01&to=2020-12-31&format=csv'), ok: 200 },
  { name: 'POST /v1/digests', allowed: AUDITORS, call: (c) => c.post('/v1/digests').set('Idempotency-Key', key()), ok: 201 },
  { name: 'GET /v1/digests', allowed: AUDITORS, call: (c) => c.get('/v1/digests'), ok: 200 },
  { name: 'GET /v1/digests/:id', allowed: AUDITORS, call: (c) => c.get(`/v1/digests/${digestId}`), ok: 200 },
  { name: 'GET /v1/audit/personal-data-access', allowed: ['auditor', 'data-protection-officer'], call: (c) => c.get(`/v1/audit/personal-data-access?${range()}`), ok: 200 },
];

describe('the role matrix', () => {
  it.each(endpoints.flatMap((e) => ROLES.map((role) => [e.name, role, e] as const)))('%s as %s', async (_name, role, endpoint) => {
    const res = await endpoint.call(await h.as(role));
    expect(res.status).toBe(endpoint.allowed.includes(role) ? endpoint.ok : 403);
  });

  it.each(ROLES)('serves the public figures to %s too, as to anyone', async (role) => {
    await (await h.as(role)).get('/v1/public/figures?asOf=2021-01-01').expect(200);
  });

  it('serves the public figures without a token', async () => {
    const res = await h.api.get('/v1/public/figures?asOf=2021-01-01').expect(200);
    expect(res.body).toMatchObject({ headcount: { total: '<5' } });
  });

  it('serves the public key of the digests to anyone, without a token', async () => {
    const res = await h.api.get('/v1/digests/public-key').expect(200);
    expect((res.body as { publicKey: string }).publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });
});

describe('a caller without a valid token for this service', () => {
  const tokens: [string, () => Promise<string>][] = [
    ['a token for another audience (personnel)', async () => (await openLocalIssuer({ dataDir: h.dataDir })).issue({ subject: 'auditor-1', roles: ['auditor'], audience: 'personnel', ttl: '10m' })],
    ['a token of another issuer', async () => (await openLocalIssuer({ dataDir: h.dataDir, issuer: 'urn:someone-else' })).issue({ subject: 'auditor-1', roles: ['auditor'], audience: 'reporting', ttl: '10m' })],
    [
      'a token signed with an unknown key',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'other-issuer-'));
        otherDirs.push(dir);
        return (await openLocalIssuer({ dataDir: dir })).issue({ subject: 'auditor-1', roles: ['auditor'], audience: 'reporting', ttl: '10m' });
      },
    ],
    [
      'an unsigned token (alg none)',
      async () => {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'urn:asn-ledger:local-issuer', aud: 'reporting', sub: 'auditor-1', roles: ['auditor'], iat: now, exp: now + 600 })}.`;
      },
    ],
    ['a token that is not a JWT', async () => 'not-a-token'],
  ];

  it.each(endpoints.map((e) => [e.name, e] as const))('gets 401 from %s without a token', async (_name, endpoint) => {
    expect((await endpoint.call(h.api)).status).toBe(401);
  });

  it.each(tokens)('gets 401 with %s, from every protected route', async (_what, tokenOf) => {
    const client = h.api.withToken(await tokenOf());
    for (const endpoint of endpoints) expect([endpoint.name, (await endpoint.call(client)).status]).toEqual([endpoint.name, 401]);
  });
});

describe('the audit trail of career reads', () => {
  interface AuditItem {
    id: number;
    at: string;
    subject: string;
    role: string;
    action: string;
    subjects: string[];
    allowed: boolean;
    purpose: string | null;
    correlationId: string;
  }
  const trail = async (employeeId?: string): Promise<AuditItem[]> => {
    const res = await (await h.as('data-protection-officer', 'dpo-1')).get(`/v1/audit/personal-data-access?${range()}&limit=1000${employeeId ? `&employeeId=${employeeId}` : ''}`).expect(200);
    return (res.body as { items: AuditItem[] }).items;
  };
  /** Runs one read and returns it with the audit records it added. */
  const audited = async (read: () => Promise<{ status: number; headers: Record<string, string> }>) => {
    const before = (await trail()).map((i) => i.id);
    const res = await read();
    const added = (await trail()).filter((i) => !before.includes(i.id) && i.subject !== 'dpo-1');
    return { status: res.status, requestId: res.headers['x-request-id'], added };
  };

  const reads: [string, Role, string, string][] = [
    ['an auditor reads a timeline', 'auditor', `/v1/employees/${EMPLOYEE}/timeline`, 'read-timeline'],
    ['an auditor reads a record', 'auditor', `/v1/employees/${EMPLOYEE}/record?asOf=2021-01-01`, 'read-record-as-of'],
    ['HR staff read a record', 'hr-staff', `/v1/employees/${EMPLOYEE}/record?asOf=2021-01-01&recordedBy=${encodeURIComponent('2099-01-01T00:00:00+07:00')}`, 'read-record-as-of'],
    ['an approver lists the roster', 'hr-approver', '/v1/roster?asOf=2021-01-01', 'list-roster'],
    ['HR staff list the movements of 2020', 'hr-staff', '/v1/movements?from=2020-01-01&to=2020-12-31', 'list-movements'],
    ['an auditor exports the movements of 2020', 'auditor', '/v1/movements?from=2020-01-01&to=2020-12-31&format=jsonl', 'export-movements'],
  ];
  const subjectsOf: Record<string, string[]> = { 'list-roster': [EMPLOYEE, OTHER, MOVED], 'list-movements': [MOVED], 'export-movements': [MOVED] };
  it.each(reads)('writes one allowed record when %s', async (_what, role, path, action) => {
    const { status, requestId, added } = await audited(async () => (await h.as(role)).get(path));
    expect(status).toBe(200);
    expect(added).toEqual([{ id: expect.any(Number), at: expect.any(String), subject: `${role}-1`, role, action, subjects: subjectsOf[action] ?? [EMPLOYEE], allowed: true, purpose: null, correlationId: requestId }]);
  });

  it.each([
    ['an auditor reads the timeline of nobody', `/v1/employees/${NOBODY}/timeline`, 'read-timeline', NOBODY],
    ['an auditor reads a record before the appointment', `/v1/employees/${EMPLOYEE}/record?asOf=2015-02-28`, 'read-record-as-of', EMPLOYEE],
    ['an auditor reads the record of nobody', `/v1/employees/${NOBODY}/record?asOf=2021-01-01`, 'read-record-as-of', NOBODY],
  ])('writes one refused record when %s (404)', async (_what, path, action, subject) => {
    const { status, requestId, added } = await audited(async () => (await h.as('auditor')).get(path));
    expect(status).toBe(404);
    expect(added).toEqual([expect.objectContaining({ role: 'auditor', action, subjects: [subject], allowed: false, correlationId: requestId })]);
  });

  it.each([
    ['an evaluator asks for a timeline', 'evaluator', `/v1/employees/${EMPLOYEE}/timeline`, 'read-timeline', [EMPLOYEE]],
    ['a feedback officer asks for a record', 'feedback-officer', `/v1/employees/${EMPLOYEE}/record?asOf=2021-01-01`, 'read-record-as-of', [EMPLOYEE]],
    ['an evaluator asks for the movements as CSV', 'evaluator', '/v1/movements?from=2020-01-01&to=2020-12-31&format=csv', 'list-movements', []],
  ] as const)('writes one refused record when %s, which the role does not allow (403)', async (_what, role, path, action, subjects) => {
    const { status, requestId, added } = await audited(async () => (await h.as(role)).get(path));
    expect(status).toBe(403);
    expect(added).toEqual([{ id: expect.any(Number), at: expect.any(String), subject: `${role}-1`, role, action, subjects: [...subjects], allowed: false, purpose: null, correlationId: requestId }]);
  });

  it('writes nothing for a caller without a token (401): there is nobody to record', async () => {
    const { status, added } = await audited(async () => h.api.get(`/v1/employees/${EMPLOYEE}/timeline`));
    expect(status).toBe(401);
    expect(added).toEqual([]);
  });

  it('answers "whose career was read" for one employee, read and refused reads alike', async () => {
    const items = await trail(EMPLOYEE);
    expect(items.every((i) => i.subjects.includes(EMPLOYEE))).toBe(true);
    expect(new Set(items.map((i) => `${i.action}:${i.allowed}`))).toEqual(new Set(['read-timeline:true', 'read-timeline:false', 'read-record-as-of:true', 'read-record-as-of:false', 'list-roster:true']));
    // The refused ones include the role matrix's callers whose role the route does not allow (403).
    expect(new Set(items.filter((i) => i.allowed).map((i) => i.role))).toEqual(new Set(['auditor', 'hr-staff', 'hr-approver']));
    expect(items.filter((i) => !i.allowed).map((i) => i.role)).toEqual(expect.arrayContaining(['evaluator', 'feedback-officer', 'employee']));
  });

  it('holds no personal data: opaque ids, roles and actions only', async () => {
    const items = await trail();
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['action', 'allowed', 'at', 'correlationId', 'id', 'purpose', 'role', 'subject', 'subjects']);
      for (const subject of item.subjects) expect(subject).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const text = JSON.stringify(items);
    for (const personal of [NIP, NAME, SEALED.ct]) expect(text).not.toContain(personal);
  });

  it('does not expose the sealed personal data in what it answers either', async () => {
    const auditor = await h.as('auditor');
    const answers = [
      await auditor.get(`/v1/employees/${EMPLOYEE}/timeline`).expect(200),
      await auditor.get(`/v1/employees/${EMPLOYEE}/record?asOf=2021-01-01`).expect(200),
      await auditor.get('/v1/roster?asOf=2021-01-01').expect(200),
      await auditor.get('/v1/movements?from=2015-01-01&to=2021-12-31&format=csv').buffer(true).expect(200),
      await auditor.get('/v1/movements?from=2015-01-01&to=2021-12-31&format=jsonl').buffer(true).expect(200),
      await h.api.get('/v1/public/figures?asOf=2021-01-01').expect(200),
    ];
    for (const res of answers) expect(res.text).not.toMatch(new RegExp(`personal|${SEALED.ct}|${NIP}`));
  });
});

describe('an official of one unit (token claim opd)', () => {
  const path = (employeeId: string, asOf = '2021-01-01') => `/v1/employees/${employeeId}/record?asOf=${asOf}`;
  const rosterOf = async (client: HttpClient, query: string) => ((await client.get(`/v1/roster?${query}`).expect(200)).body as { total: number; items: { employeeId: string; unitId: string }[] }).items.map((i) => i.employeeId);

  it("reads the records of the unit's employees, and gets 404 for others, audited as refused", async () => {
    const staff = await h.as('hr-staff', 'staff-of-unit', UNIT);
    await staff.get(path(EMPLOYEE)).expect(200);
    const res = await staff.get(path(OTHER));
    expect(res.status).toBe(404);
    const refused = h.audit
      .query({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000), employeeId: OTHER, limit: 1000 })
      .items.filter((i) => i.subject === 'staff-of-unit');
    expect(refused).toEqual([expect.objectContaining({ action: 'read-record-as-of', allowed: false, role: 'hr-staff', correlationId: res.headers['x-request-id'] })]);
  });

  it('does not read former staff, not even as of when they were in the unit', async () => {
    const formerUnit = await h.as('hr-approver', 'approver-of-unit', UNIT);
    expect((await formerUnit.get(path(MOVED, '2018-01-01'))).status).toBe(404);
    const newUnit = await h.as('hr-approver', 'approver-of-other-unit', OTHER_UNIT);
    const res = await newUnit.get(path(MOVED, '2018-01-01')).expect(200);
    expect(res.body).toMatchObject({ unit: { unitId: UNIT } });
  });

  it("lists in the roster only the unit's own employees, and refuses another unit with 404", async () => {
    const staff = await h.as('hr-staff', 'staff-of-unit', UNIT);
    expect(await rosterOf(staff, 'asOf=2021-01-01')).toEqual([EMPLOYEE]);
    expect(await rosterOf(staff, `asOf=2021-01-01&unitId=${UNIT}`)).toEqual([EMPLOYEE]);
    expect(await rosterOf(staff, 'asOf=2018-01-01')).toEqual([EMPLOYEE]);
    expect((await staff.get(`/v1/roster?asOf=2021-01-01&unitId=${OTHER_UNIT}`)).status).toBe(404);
    const other = await h.as('hr-staff', 'staff-of-other-unit', OTHER_UNIT);
    expect(await rosterOf(other, 'asOf=2021-01-01')).toEqual([OTHER, MOVED]);
    expect(await rosterOf(other, 'asOf=2018-01-01')).toEqual([OTHER]);
    expect(await rosterOf(await h.as('hr-staff'), 'asOf=2018-01-01')).toEqual([EMPLOYEE, MOVED, OTHER]);
  });

  it("does not read another unit's timelines either, when the auditor's token names a unit", async () => {
    const auditor = await h.as('auditor', 'auditor-of-other-unit', OTHER_UNIT);
    expect((await auditor.get(`/v1/employees/${EMPLOYEE}/timeline`)).status).toBe(404);
    await auditor.get(`/v1/employees/${OTHER}/timeline`).expect(200);
  });
});
