import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCAL_ISSUER, openLocalIssuer, type Role } from '@asn/service-kit';
import { expectProblem, type HttpClient } from '@asn/testing';
import type { Response, Test } from 'supertest';
import { key, startPersonnelHarness, type PersonnelHarness } from './testing/personnelHarness';

let h: PersonnelHarness;
let staff: HttpClient;
let approver: HttpClient;
let unitA: string;
let unitB: string;

const ROLES: readonly Role[] = ['hr-staff', 'hr-approver', 'evaluator', 'training-officer', 'feedback-officer', 'auditor', 'operator', 'data-protection-officer', 'employee'];
const READERS: readonly Role[] = ['hr-staff', 'hr-approver', 'auditor'];
const ORG_READERS: readonly Role[] = ['hr-staff', 'hr-approver', 'auditor', 'operator'];

/** Who may call each route: the policy under test, written out by hand rather than read from the code. */
const MATRIX: readonly { route: string; allowed: readonly Role[] }[] = [
  { route: 'POST /v1/units', allowed: ['hr-approver'] },
  { route: 'POST /v1/units/{unitId}/renaming', allowed: ['hr-approver'] },
  { route: 'POST /v1/units/{unitId}/dissolution', allowed: ['hr-approver'] },
  { route: 'POST /v1/units/{unitId}/positions', allowed: ['hr-approver'] },
  { route: 'POST /v1/units/{unitId}/positions/{positionId}/abolition', allowed: ['hr-approver'] },
  { route: 'GET /v1/units', allowed: ORG_READERS },
  { route: 'GET /v1/units/{unitId}', allowed: ORG_READERS },
  { route: 'POST /v1/employees', allowed: ['hr-staff'] },
  { route: 'POST /v1/employees/{employeeId}/proposals', allowed: ['hr-staff'] },
  { route: 'POST /v1/employees/{employeeId}/proposals/{decisionId}/approval', allowed: ['hr-approver'] },
  { route: 'POST /v1/employees/{employeeId}/proposals/{decisionId}/rejection', allowed: ['hr-approver'] },
  { route: 'POST /v1/employees/{employeeId}/erasure', allowed: ['data-protection-officer'] },
  { route: 'GET /v1/employees/{employeeId}', allowed: READERS },
  { route: 'GET /v1/employees/{employeeId}/history', allowed: READERS },
  { route: 'POST /v1/employees/lookup', allowed: READERS },
  { route: 'GET /v1/employees', allowed: READERS },
  { route: 'GET /v1/proposals', allowed: READERS },
  { route: 'GET /v1/eligibility/promotions', allowed: READERS },
  { route: 'GET /v1/eligibility/transfers', allowed: READERS },
  { route: 'GET /v1/retirements', allowed: READERS },
  { route: 'GET /v1/reports/duk', allowed: READERS },
  { route: 'GET /v1/audit/personal-data-access', allowed: ['auditor', 'data-protection-officer'] },
  { route: 'GET /v1/rules', allowed: ROLES },
  { route: 'GET /v1/store/head', allowed: ['auditor', 'operator'] },
];

const UNKNOWN = '0190a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091';

/** The route with every path id unknown and an empty body: an allowed caller gets a 400 or 404, never a write. */
const call = (client: HttpClient, route: string): Test => {
  const [method, template] = route.split(' ') as [string, string];
  const path = template.replace(/\{[A-Za-z]+\}/g, UNKNOWN);
  return method === 'GET' ? client.get(path) : client.post(path).set('Idempotency-Key', key()).send({});
};

const decree = (tmt: string) => ({ skNumber: `800/${tmt}/BKPSDM`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023 tentang ASN' });
let sequence = 0;
const nipFor = (birthDate: string, start: string) => `${birthDate.replace(/-/g, '')}${start}2${String(++sequence).padStart(3, '0')}`;
const appointment = (unitId: string, tmt = '2015-03-01') => ({
  decision: { kind: 'appointment', employeeType: 'PNS', golongan: 'III/a', unitId, position: { kind: 'pelaksana', title: 'Analis Kepegawaian' } },
  decree: decree(tmt),
  personal: { name: 'Ni Luh Putu Ayu', nip: nipFor('1990-03-15', tmt.slice(0, 7).replace('-', '')), birthDate: '1990-03-15', gender: 'female', education: 'S1' },
});
const warning = { decision: { kind: 'sanction', severity: 'light', sanction: 'oral-warning' }, decree: decree('2020-01-01') };
const propose = (client: HttpClient, employeeId: string, body: object = warning) => client.post(`/v1/employees/${employeeId}/proposals`).set('Idempotency-Key', key()).send(body);
const approve = (client: HttpClient, employeeId: string, decisionId: string) => client.post(`/v1/employees/${employeeId}/proposals/${decisionId}/approval`).set('Idempotency-Key', key());

const establish = async (name: string, code: string): Promise<string> =>
  (await approver.post('/v1/units').set('Idempotency-Key', key()).send({ name, code, tmt: '2010-01-01', legalBasis: 'Perwali Tanjungbalai 1/2010' }).expect(201)).body.unitId as string;

/** An active employee of the unit, with their NIP. */
const hire = async (unitId: string, tmt?: string): Promise<{ employeeId: string; nip: string }> => {
  const body = appointment(unitId, tmt);
  const proposed = await staff.post('/v1/employees').set('Idempotency-Key', key()).send(body).expect(201);
  await approve(approver, proposed.body.employeeId, proposed.body.decisionId).expect(200);
  return { employeeId: proposed.body.employeeId as string, nip: body.personal.nip };
};

/** Sends, expects the problem, and that the store's head did not move. */
const refused = async (send: () => PromiseLike<Response>, status: number): Promise<void> => {
  const before = await h.store.headPosition();
  expectProblem(await send(), status);
  expect(await h.store.headPosition()).toBe(before);
};

beforeAll(async () => {
  h = await startPersonnelHarness();
  staff = await h.as('hr-staff', 'staff-1');
  approver = await h.as('hr-approver', 'approver-1');
  unitA = await establish('Badan Kepegawaian dan Pengembangan SDM', 'BKPSDM');
  unitB = await establish('Dinas Pendidikan', 'DISDIK');
});

afterAll(async () => {
  await h.close();
});

describe('the role × endpoint matrix', () => {
  const clients = new Map<Role, HttpClient>();
  let head: number;
  beforeAll(async () => {
    for (const role of ROLES) clients.set(role, await h.as(role));
    head = await h.store.headPosition();
  });

  it('covers every route of the OpenAPI document, and no other', async () => {
    const doc = await h.api.get('/openapi.json').expect(200);
    const routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(MATRIX.map((m) => m.route).sort());
  });

  describe.each(MATRIX)('$route', ({ route, allowed }) => {
    it('answers 401 without a token', async () => {
      const res = await call(h.api, route);
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    const denied = ROLES.filter((role) => !allowed.includes(role));
    if (denied.length > 0) {
      it.each(denied)('answers 403 to %s', async (role) => {
        expectProblem(await call(clients.get(role)!, route), 403);
      });
    } else {
      it('lets a verified caller without any role through', async () => {
        const issuer = await openLocalIssuer({ dataDir: h.dataDir });
        const res = await call(h.api.withToken(await issuer.issue({ subject: 'nobody', roles: [], audience: 'personnel', ttl: '5m' })), route);
        expect(res.status).toBe(200);
      });
    }

    it.each([...allowed])('lets %s through (neither 401 nor 403)', async (role) => {
      const res = await call(clients.get(role)!, route);
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    });
  });

  it('wrote nothing while probing the matrix', async () => {
    expect(await h.store.headPosition()).toBe(head);
  });

  it('takes roles only from the token: a role header or body member changes nothing', async () => {
    const evaluator = clients.get('evaluator')!.withHeaders({ 'X-Roles': 'hr-approver', 'X-Role': 'hr-approver' });
    expectProblem(await evaluator.get('/v1/employees'), 403);
  });
});

describe('a token that is not for this service', () => {
  it('answers 401 to a token for another audience', async () => {
    const issuer = await openLocalIssuer({ dataDir: h.dataDir });
    const token = await issuer.issue({ subject: 'staff-1', roles: ['hr-staff'], audience: 'training', ttl: '5m' });
    expectProblem(await h.api.withToken(token).get('/v1/employees'), 401);
  });

  it('answers 401 to an unsigned token (alg none)', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { sub: 'staff-1', roles: ['hr-staff'], iss: LOCAL_ISSUER, aud: 'personnel', exp: Math.floor(Date.now() / 1000) + 300 };
    expectProblem(await h.api.withToken(`${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`).get('/v1/employees'), 401);
  });
});

describe('an official scoped to unit A', () => {
  let scopedStaff: HttpClient;
  let scopedApprover: HttpClient;
  let ofA: { employeeId: string; nip: string };
  let ofB: { employeeId: string; nip: string };
  let pendingA: string;
  let pendingB: string;
  beforeAll(async () => {
    scopedStaff = await h.as('hr-staff', 'staff-a', unitA);
    scopedApprover = await h.as('hr-approver', 'approver-a', unitA);
    ofA = await hire(unitA);
    ofB = await hire(unitB);
    pendingA = (await propose(staff, ofA.employeeId).expect(201)).body.decisionId as string;
    pendingB = (await propose(staff, ofB.employeeId).expect(201)).body.decisionId as string;
  });

  describe('about an employee of unit B', () => {
    it('cannot read the employee or their history (404, as if there were none)', async () => {
      expectProblem(await scopedStaff.get(`/v1/employees/${ofB.employeeId}`), 404);
      expectProblem(await scopedStaff.get(`/v1/employees/${ofB.employeeId}/history`), 404);
    });

    it('cannot list unit B or its proposals, and does not see its employees in their own list', async () => {
      expectProblem(await scopedStaff.get(`/v1/employees?unitId=${unitB}`), 404);
      expectProblem(await scopedStaff.get(`/v1/proposals?unitId=${unitB}`), 404);
      expectProblem(await scopedStaff.get(`/v1/eligibility/promotions?period=2025-10&unitId=${unitB}`), 404);
      expectProblem(await scopedStaff.get(`/v1/retirements?unitId=${unitB}`), 404);
      const list = await scopedStaff.get('/v1/employees?limit=200').expect(200);
      expect(list.body.items.map((i: { employeeId: string }) => i.employeeId)).not.toContain(ofB.employeeId);
      const proposals = await scopedStaff.get('/v1/proposals').expect(200);
      expect(proposals.body.items.map((p: { decisionId: string }) => p.decisionId)).not.toContain(pendingB);
    });

    it('cannot propose for the employee, nor appoint into unit B', async () => {
      await refused(() => propose(scopedStaff, ofB.employeeId), 404);
      await refused(() => scopedStaff.post('/v1/employees').set('Idempotency-Key', key()).send(appointment(unitB)), 404);
    });

    it("cannot approve or reject the employee's proposal", async () => {
      await refused(() => approve(scopedApprover, ofB.employeeId, pendingB), 404);
      await refused(() => scopedApprover.post(`/v1/employees/${ofB.employeeId}/proposals/${pendingB}/rejection`).set('Idempotency-Key', key()).send({ reason: 'Bukan unit saya' }), 404);
    });

    it('cannot look the employee up by NIP', async () => {
      expectProblem(await scopedStaff.post('/v1/employees/lookup').send({ nip: ofB.nip }), 404);
    });
  });

  describe('about an employee of unit A', () => {
    it('reads the employee and their history', async () => {
      await scopedStaff.get(`/v1/employees/${ofA.employeeId}`).expect(200);
      await scopedStaff.get(`/v1/employees/${ofA.employeeId}/history`).expect(200);
    });

    it('lists unit A with the employee and the pending proposal', async () => {
      const list = await scopedStaff.get(`/v1/employees?limit=200&unitId=${unitA}`).expect(200);
      expect(list.body.items.map((i: { employeeId: string }) => i.employeeId)).toContain(ofA.employeeId);
      const proposals = await scopedStaff.get('/v1/proposals').expect(200);
      expect(proposals.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ decisionId: pendingA, unitId: unitA })]));
      expect(proposals.body.items.every((p: { unitId: string }) => p.unitId === unitA)).toBe(true);
    });

    it('proposes for the employee, appoints into unit A and approves a proposal of the unit', async () => {
      await propose(scopedStaff, ofA.employeeId).expect(201);
      await scopedStaff.post('/v1/employees').set('Idempotency-Key', key()).send(appointment(unitA)).expect(201);
      await approve(scopedApprover, ofA.employeeId, pendingA).expect(200);
    });

    it('looks the employee up by NIP', async () => {
      const found = await scopedStaff.post('/v1/employees/lookup').send({ nip: ofA.nip }).expect(200);
      expect(found.body).toEqual({ employeeId: ofA.employeeId });
    });
  });

  describe('fixed bugs', () => {
    it('records a lookup refused for scope as denied in the audit trail', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      await scopedStaff.post('/v1/employees/lookup').send({ nip: ofB.nip }).expect(404);
      const to = new Date(Date.now() + 60_000).toISOString();
      const audit = await (await h.as('auditor')).get(`/v1/audit/personal-data-access?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&employeeId=${ofB.employeeId}`).expect(200);
      const lookups = (audit.body.items as { subject: string; action: string; allowed: boolean }[]).filter((i) => i.subject === 'staff-a' && i.action === 'lookup-by-nip');
      expect(lookups.length).toBeGreaterThan(0);
      expect(lookups.every((i) => !i.allowed)).toBe(true);
    });

    it('records a read refused for the role (403) as denied in the audit trail, with whose record was asked for', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      const refused = await (await h.as('evaluator', 'evaluator-9')).get(`/v1/employees/${ofB.employeeId}`).expect(403);
      const to = new Date(Date.now() + 60_000).toISOString();
      const audit = await (await h.as('auditor')).get(`/v1/audit/personal-data-access?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&employeeId=${ofB.employeeId}`).expect(200);
      const reads = (audit.body.items as { subject: string; role: string; action: string; allowed: boolean; correlationId: string }[]).filter((i) => i.subject === 'evaluator-9');
      expect(reads).toEqual([expect.objectContaining({ role: 'evaluator', action: 'read-employee', allowed: false, correlationId: refused.headers['x-request-id'] })]);
    });

    it('loses sight of an employee transferred from unit A to unit B', async () => {
      const moved = await hire(unitA, '2010-01-01');
      const transfer = await propose(staff, moved.employeeId, { decision: { kind: 'transfer', transferKind: 'within-city', toUnitId: unitB }, decree: decree('2014-01-01') }).expect(201);
      await approve(approver, moved.employeeId, transfer.body.decisionId).expect(200);
      expectProblem(await scopedStaff.get(`/v1/employees/${moved.employeeId}`), 404);
      await refused(() => propose(scopedStaff, moved.employeeId), 404);
    });
  });
});
