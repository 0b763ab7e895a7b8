import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '@asn/event-store';
import { openLocalIssuer, type Role } from '@asn/service-kit';
import { expectProblem, type HttpClient } from '@asn/testing';
import type { Response, Test } from 'supertest';
import { key, startFeedbackHarness, type FeedbackHarness } from './testing/feedbackHarness';

// The officers' side of the feedback service, role × object: who may list, read and work which ticket, what
// the audit trail records of the reads of a submitter's contact details, and the refusals of bad ids, stale
// revisions and steps the ticket's state does not allow. Real SQLite store, local bus, tokens of the local issuer.

const NOW = '2026-11-27T03:00:00Z';

interface Summary {
  ticketId: string;
  ticketNumber: string;
  unitId: string;
  contact: unknown;
}
interface AuditRecord {
  subject: string;
  role: string;
  action: string;
  subjects: string[];
  allowed: boolean;
  correlationId: string;
}

let h: FeedbackHarness;
let unitA: string;
let unitB: string;
/** Unit A, with contact details. */
let a1: string;
/** Unit A, anonymous; routed to unit B half-way. */
let a2: string;
/** Unit B, with contact details. */
let b1: string;
/** Unit A, worked through the state refusals. */
let work: string;
let cityOfficer: HttpClient;
let officerA: HttpClient;
let officerB: HttpClient;
let auditor: HttpClient;

const contactA = { name: 'Siti Aminah', phone: '+62 812 3456 7890', email: 'siti.aminah@example.id' };
const contactB = { name: 'Budi Santoso', email: 'budi.santoso@example.id' };
const CONTACT_VALUES = ['Siti', 'Aminah', '3456 7890', 'siti.aminah', 'Budi', 'Santoso', 'budi.santoso'];

let sequence = 0;
const submit = async (body: Record<string, unknown>): Promise<string> => {
  const res = await h.api
    .post('/v1/public/tickets')
    .set('Idempotency-Key', key())
    .send({ category: 'service-quality', description: `Petugas tidak melayani warga di loket pelayanan (nomor ${++sequence}).`, ...body });
  expect(res.status).toBe(201);
  const ticket = h.feedback.readModel.byNumber((res.body as { ticketNumber: string }).ticketNumber);
  if (!ticket) throw new Error('the submitted ticket is not in the read model');
  return ticket.ticketId;
};

/** Every officers' command on a ticket, each with a body it would accept. */
const commands = (ticketId: string): [string, object][] => [
  [`/v1/tickets/${ticketId}/routing`, { unitId: unitB, note: 'Bukan kewenangan kami.' }],
  [`/v1/tickets/${ticketId}/classification`, { kind: 'complaint', category: 'ethics' }],
  [`/v1/tickets/${ticketId}/responses`, { message: 'Laporan Anda sedang kami periksa.' }],
  [`/v1/tickets/${ticketId}/information-requests`, { question: 'Kapan kejadiannya?' }],
  [`/v1/tickets/${ticketId}/substantiation`, {}],
  [`/v1/tickets/${ticketId}/dismissal`, { reason: 'Laporan tidak dapat diverifikasi.' }],
  [`/v1/tickets/${ticketId}/resolution`, { resolution: 'Petugas sudah ditegur.' }],
  [`/v1/tickets/${ticketId}/reopening`, { reason: 'Pelapor belum puas.' }],
];
const reads = (ticketId: string): string[] => ['/v1/tickets', '/v1/deadlines', `/v1/tickets/${ticketId}`];
const auditPath = (): string => {
  const now = Date.now();
  return `/v1/audit/personal-data-access?from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}&limit=1000`;
};
const command = (client: HttpClient, path: string, body: object): Test => client.post(path).set('Idempotency-Key', key()).send(body);

const items = (res: Response): Summary[] => (res.body as { items: Summary[] }).items;
const auditRecords = async (): Promise<AuditRecord[]> => (((await auditor.get(auditPath()).expect(200)).body as { items: AuditRecord[] }).items);

beforeAll(async () => {
  h = await startFeedbackHarness({ now: NOW });
  ({ unitId: unitA } = await h.establishUnit('Dinas Perhubungan'));
  ({ unitId: unitB } = await h.establishUnit('Dinas Sosial'));
  a1 = await submit({ unitId: unitA, contact: contactA });
  a2 = await submit({ unitId: unitA, anonymous: true });
  b1 = await submit({ unitId: unitB, contact: contactB });
  work = await submit({ unitId: unitA, category: 'illegal-levy' });
  cityOfficer = await h.as('feedback-officer', 'off-city');
  officerA = await h.as('feedback-officer', 'off-a', unitA);
  officerB = await h.as('feedback-officer', 'off-b', unitB);
  auditor = await h.as('auditor', 'auditor-1');
});
afterAll(async () => h.close());

describe('given callers without a valid token for this service', () => {
  const invalidTokens = async (): Promise<[string, string][]> => {
    const issuer = await openLocalIssuer({ dataDir: h.dataDir });
    const foreign = await openLocalIssuer({ dataDir: h.dataDir, issuer: 'urn:someone-else' });
    const claims = { subject: 'off-x', roles: ['feedback-officer', 'auditor'] as Role[], ttl: '10m' };
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'off-x', roles: ['feedback-officer'], aud: 'feedback', iss: issuer.issuer, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    return [
      ['a token for another audience (personnel)', await issuer.issue({ ...claims, audience: 'personnel' })],
      ['a token of another issuer', await foreign.issue({ ...claims, audience: 'feedback' })],
      ['an expired token', await issuer.issue({ ...claims, audience: 'feedback', ttl: '-10m' })],
      ['an unsigned token (alg none)', unsigned],
      ['garbage', 'not.a.token'],
    ];
  };

  it('when no token is sent, then every officers’ route answers 401 and nothing is written', async () => {
    const head = await h.store.headPosition();
    for (const path of [...reads(a1), auditPath(), '/v1/store/head']) expectProblem(await h.api.get(path), 401);
    for (const [path, body] of commands(a1)) expectProblem(await command(h.api, path, body), 401);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('when a role is claimed in a header or the body instead of a token, then it answers 401', async () => {
    const claimed = h.api.withHeaders({ 'X-Role': 'feedback-officer', 'X-Roles': 'feedback-officer', 'X-Opd': unitA });
    expectProblem(await claimed.get('/v1/tickets'), 401);
    expectProblem(await command(claimed, `/v1/tickets/${a1}/responses`, { message: 'Halo.', role: 'feedback-officer' }), 401);
  });

  it('when the token is for another audience, of another issuer, expired, unsigned or garbage, then every route answers 401', async () => {
    const head = await h.store.headPosition();
    for (const [name, token] of await invalidTokens()) {
      const client = h.api.withToken(token);
      for (const path of [...reads(a1), auditPath(), '/v1/store/head']) expect([name, path, (await client.get(path)).status]).toEqual([name, path, 401]);
      for (const [path, body] of commands(a1)) expect([name, path, (await command(client, path, body)).status]).toEqual([name, path, 401]);
    }
    expect(await h.store.headPosition()).toBe(head);
  });
});

describe('given roles that do not handle feedback', () => {
  const outsiders: Role[] = ['hr-staff', 'hr-approver', 'evaluator', 'training-officer', 'employee'];

  it.each(outsiders)('when %s calls, then every officers’ route, the audit trail and the store head answer 403 and nothing is written', async (role) => {
    const client = await h.as(role, `${role}-7`);
    const head = await h.store.headPosition();
    for (const path of [...reads(a1), auditPath(), '/v1/store/head']) expectProblem(await client.get(path), 403);
    for (const [path, body] of commands(a1)) expectProblem(await command(client, path, body), 403);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('when an operator or the data protection officer calls, then the tickets are refused, their own route is served', async () => {
    const operator = await h.as('operator');
    const dpo = await h.as('data-protection-officer');
    for (const client of [operator, dpo]) {
      for (const path of reads(a1)) expectProblem(await client.get(path), 403);
      for (const [path, body] of commands(a1)) expectProblem(await command(client, path, body), 403);
    }
    await operator.get('/v1/store/head').expect(200);
    expectProblem(await operator.get(auditPath()), 403);
    await dpo.get(auditPath()).expect(200);
    expectProblem(await dpo.get('/v1/store/head'), 403);
  });

  it('when a feedback officer asks for the audit trail or the store head, then it answers 403', async () => {
    expectProblem(await cityOfficer.get(auditPath()), 403);
    expectProblem(await cityOfficer.get('/v1/store/head'), 403);
  });
});

describe('given an auditor', () => {
  it('when they list and read, then they see every ticket, the contact only as held', async () => {
    const listed = items(await auditor.get('/v1/tickets').expect(200));
    expect(listed.map((t) => t.ticketId).sort()).toEqual([a1, a2, b1, work].sort());
    expect(listed.find((t) => t.ticketId === a1)?.contact).toBe('held');
    const deadlines = (await auditor.get('/v1/deadlines').expect(200)).body as { items: { unitId: string; open: number }[] };
    expect(deadlines.items.map((r) => r.unitId).sort()).toEqual([unitA, unitB].sort());

    const detail = await auditor.get(`/v1/tickets/${a1}`).expect(200);
    expect(detail.body).toMatchObject({ ticketId: a1, contact: 'held' });
    for (const value of CONTACT_VALUES) expect(detail.text).not.toContain(value);
    const position = ((await auditor.get('/v1/store/head').expect(200)).body as { position: number }).position;
    expect(position).toBe(await h.store.headPosition());
  });

  it('when they try any step of the handling, then it answers 403 and nothing is written', async () => {
    const head = await h.store.headPosition();
    for (const [path, body] of commands(a1)) expectProblem(await command(auditor, path, body), 403);
    expect(await h.store.headPosition()).toBe(head);
  });
});

describe('given feedback officers scoped to a unit, and a city-wide one', () => {
  it('when the unit A officer lists, then only unit A’s tickets and deadlines are shown; another unit is not found', async () => {
    const listed = items(await officerA.get('/v1/tickets').expect(200));
    expect(listed.map((t) => t.ticketId).sort()).toEqual([a1, a2, work].sort());
    expect(listed.every((t) => t.unitId === unitA)).toBe(true);
    expect(items(await officerA.get('/v1/tickets?status=all').expect(200)).map((t) => t.unitId)).not.toContain(unitB);
    expect(items(await officerA.get(`/v1/tickets?unitId=${unitA}`).expect(200))).toHaveLength(3);
    expectProblem(await officerA.get(`/v1/tickets?unitId=${unitB}`), 404);
    const deadlines = (await officerA.get('/v1/deadlines').expect(200)).body as { items: { unitId: string; open: number }[] };
    expect(deadlines.items).toEqual([{ unitId: unitA, name: 'Dinas Perhubungan', open: 3, dueSoon: 0, late: 0 }]);
    try {
      h.setNow('2026-12-10T03:00:00Z'); // past every first-response deadline (Wednesday 2 December)
      expect(((await officerA.get('/v1/deadlines').expect(200)).body as { items: unknown[] }).items).toEqual([{ unitId: unitA, name: 'Dinas Perhubungan', open: 3, dueSoon: 0, late: 3 }]);
    } finally {
      h.setNow(NOW);
    }
  });

  it('when the unit A officer reads or works unit B’s ticket, then it answers 404 like an unknown one and nothing is written', async () => {
    const head = await h.store.headPosition();
    const hidden = expectProblem(await officerA.get(`/v1/tickets/${b1}`), 404);
    const unknown = expectProblem(await officerA.get(`/v1/tickets/${newId()}`), 404);
    expect({ type: hidden.type, detail: hidden.detail }).toEqual({ type: unknown.type, detail: unknown.detail });
    for (const [path, body] of commands(b1)) expectProblem(await command(officerA, path, body), 404);
    expect(await h.store.headPosition()).toBe(head);
    const own = await officerA.get(`/v1/tickets/${a1}`).expect(200);
    expect(own.body).toMatchObject({ ticketId: a1, contact: contactA });
  });

  it('when the city-wide officer lists, then every unit’s tickets and deadlines are shown', async () => {
    expect(items(await cityOfficer.get('/v1/tickets').expect(200)).map((t) => t.ticketId).sort()).toEqual([a1, a2, b1, work].sort());
    expect(items(await cityOfficer.get(`/v1/tickets?unitId=${unitB}`).expect(200)).map((t) => t.ticketId)).toEqual([b1]);
    const deadlines = (await cityOfficer.get('/v1/deadlines').expect(200)).body as { items: { unitId: string; open: number }[] };
    expect(Object.fromEntries(deadlines.items.map((r) => [r.unitId, r.open]))).toEqual({ [unitA]: 3, [unitB]: 1 });
    await cityOfficer.get(`/v1/tickets/${b1}`).expect(200);
  });

  it('when the unit A officer routes a ticket to unit B, then they lose it and unit B gains it', async () => {
    const routed = await command(officerA, `/v1/tickets/${a2}/routing`, { unitId: unitB, note: 'Kewenangan Dinas Sosial.' }).expect(200);
    expect(routed.body).toMatchObject({ ticketId: a2, unitId: unitB });
    expectProblem(await officerA.get(`/v1/tickets/${a2}`), 404);
    expect(items(await officerA.get('/v1/tickets').expect(200)).map((t) => t.ticketId)).not.toContain(a2);
    const head = await h.store.headPosition();
    expectProblem(await command(officerA, `/v1/tickets/${a2}/routing`, { unitId: unitA }), 404);
    expect(await h.store.headPosition()).toBe(head);
    expect(items(await officerB.get('/v1/tickets').expect(200)).map((t) => t.ticketId).sort()).toEqual([a2, b1].sort());
    expect((await cityOfficer.get(`/v1/tickets/${a2}`).expect(200)).body).toMatchObject({ unitId: unitB });
  });
});

describe('the audit trail of reads of contact details', () => {
  it('when an officer reads a ticket with its contact, then it is recorded: who, role, read-ticket-contact, which ticket, allowed', async () => {
    const res = await cityOfficer.get(`/v1/tickets/${b1}`).set('X-Request-Id', 'audit-read-b1').expect(200);
    expect(res.body).toMatchObject({ contact: contactB });
    const records = (await auditRecords()).filter((r) => r.correlationId === 'audit-read-b1');
    expect(records).toEqual([{ ...records[0], subject: 'off-city', role: 'feedback-officer', action: 'read-ticket-contact', subjects: [b1], allowed: true, correlationId: 'audit-read-b1' }]);
  });

  it('when an officer is refused a ticket outside their unit, then the refusal is recorded with allowed false', async () => {
    expectProblem(await officerA.get(`/v1/tickets/${b1}`).set('X-Request-Id', 'audit-refused-b1'), 404);
    const records = (await auditRecords()).filter((r) => r.correlationId === 'audit-refused-b1');
    expect(records).toEqual([expect.objectContaining({ subject: 'off-a', role: 'feedback-officer', subjects: [b1], allowed: false })]);
  });

  it('when a role the route does not allow asks for a ticket, then the refusal (403) is recorded with allowed false', async () => {
    expectProblem(await (await h.as('operator', 'op-1')).get(`/v1/tickets/${a1}`).set('X-Request-Id', 'audit-role-refused-a1'), 403);
    const records = (await auditRecords()).filter((r) => r.correlationId === 'audit-role-refused-a1');
    expect(records).toEqual([expect.objectContaining({ subject: 'op-1', role: 'operator', action: 'read-ticket', subjects: [a1], allowed: false })]);
  });

  it('when an auditor reads a ticket, then it is recorded as a read without the contact', async () => {
    await auditor.get(`/v1/tickets/${a1}`).set('X-Request-Id', 'audit-auditor-a1').expect(200);
    const records = (await auditRecords()).filter((r) => r.correlationId === 'audit-auditor-a1');
    expect(records).toEqual([expect.objectContaining({ subject: 'auditor-1', role: 'auditor', action: 'read-ticket', subjects: [a1], allowed: true })]);
  });

  it('then no record holds a contact value', async () => {
    const text = (await auditor.get(auditPath()).expect(200)).text;
    expect(text).toContain('read-ticket-contact');
    for (const value of CONTACT_VALUES) expect(text).not.toContain(value);
  });

  it('when the audit trail is asked with a bad range, then it answers 400', async () => {
    const now = Date.now();
    expectProblem(await auditor.get('/v1/audit/personal-data-access'), 400);
    expectProblem(await auditor.get(`/v1/audit/personal-data-access?from=${new Date(now).toISOString()}&to=${new Date(now - 1000).toISOString()}`), 400);
    expectProblem(await auditor.get('/v1/audit/personal-data-access?from=yesterday&to=today'), 400);
  });
});

describe('given bad ids, bad queries and bad bodies', () => {
  const badIds = ['not-a-uuid', '123', '198609262015051001', '..%2F..%2Fetc%2Fpasswd', `${newId()}x`];

  it.each(badIds)('when the ticket id is "%s", then reads and commands answer 400 and nothing is written', async (id) => {
    const head = await h.store.headPosition();
    expectProblem(await cityOfficer.get(`/v1/tickets/${id}`), 400);
    for (const [path, body] of commands(id)) expectProblem(await command(cityOfficer, path, body), 400);
    expect(await h.store.headPosition()).toBe(head);
  });

  it.each([['limit=-1'], ['limit=0'], ['limit=abc'], ['status=pending'], ['due=tomorrow'], ['unitId=dinas-sosial'], ['sort=unitId'], ['after=%00']])(
    'when the list query is "%s", then it answers 400',
    async (query) => {
      expectProblem(await cityOfficer.get(`/v1/tickets?${query}`), 400);
    },
  );

  it('when the list limit is huge, then it is clamped', async () => {
    const res = await cityOfficer.get('/v1/tickets?limit=100000&status=all').expect(200);
    expect(items(res).length).toBeLessThanOrEqual(200);
  });

  it.each([
    ['routing to a unit that is not a UUID', 'routing', { unitId: 'dinas-sosial' }],
    ['an unknown key', 'responses', { message: 'Laporan diterima.', sendSms: true }],
    ['a prototype-pollution key', 'responses', JSON.parse('{"message":"Laporan diterima.","__proto__":{"isAdmin":true}}') as object],
    ['a whitespace-only message', 'responses', { message: '   \n ' }],
    ['a message with a bidirectional override', 'responses', { message: 'Laporan \u202Editerima.' }],
    ['an unknown kind', 'classification', { kind: 'praise', category: 'ethics' }],
    ['a fieldCheck that is a string', 'classification', { kind: 'dispute', category: 'ethics', fieldCheck: 'yes' }],
    ['a body on the substantiation', 'substantiation', { employeeId: newId() }],
    ['a too-short dismissal reason', 'dismissal', { reason: 'no' }],
  ])('when a command has %s, then it answers 400 and nothing is written', async (_name, path, body) => {
    const head = await h.store.headPosition();
    expectProblem(await command(cityOfficer, `/v1/tickets/${work}/${path}`, body), 400);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('when the ticket is routed to a unit the org chart does not have, then it answers 422 unknown-unit and nothing is written', async () => {
    const head = await h.store.headPosition();
    const res = await command(cityOfficer, `/v1/tickets/${work}/routing`, { unitId: newId() });
    expectProblem(res, 422);
    expect(res.body).toMatchObject({ code: 'unknown-unit' });
    expect(await h.store.headPosition()).toBe(head);
  });
});

describe('given a ticket in the hands of an officer', () => {
  const step = (path: string, body: object, ifMatch?: string): Test => {
    const req = cityOfficer.post(`/v1/tickets/${work}/${path}`).set('Idempotency-Key', key());
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
  };

  it('when a step is sent with a stale If-Match, then it answers 412 and nothing is written; the current one is accepted', async () => {
    const stale = (await cityOfficer.get(`/v1/tickets/${work}`).expect(200)).headers.etag;
    expect(stale).toMatch(/^"\d+"$/);
    const answered = await step('responses', { message: 'Laporan Anda kami terima.' }, stale).expect(200);
    const current = answered.headers.etag;
    expect(current).not.toBe(stale);
    const head = await h.store.headPosition();
    expectProblem(await step('responses', { message: 'Jawaban kedua berdasarkan versi lama.' }, stale), 412);
    expectProblem(await step('responses', { message: 'Jawaban dengan If-Match rusak.' }, 'W/"1"'), 400);
    expect(await h.store.headPosition()).toBe(head);
    await step('responses', { message: 'Jawaban berdasarkan versi terbaru.' }, current).expect(200);
  });

  it('when a complaint is substantiated twice, then the second answers 409 already-substantiated', async () => {
    await step('substantiation', {}).expect(200);
    const head = await h.store.headPosition();
    expectProblem(await step('substantiation', {}), 409, { code: 'already-substantiated' });
    expect(await h.store.headPosition()).toBe(head);
  });

  it('when a substantiated complaint is dismissed, then it answers 409', async () => {
    const head = await h.store.headPosition();
    expectProblem(await step('dismissal', { reason: 'Laporan tidak terbukti.' }), 409, { code: 'ticket-substantiated' });
    expect(await h.store.headPosition()).toBe(head);
  });

  it('when a field check is set on a kind that is not a dispute, then it answers 422', async () => {
    const head = await h.store.headPosition();
    expectProblem(await step('classification', { kind: 'complaint', category: 'illegal-levy', fieldCheck: true }), 422, { code: 'field-check-not-dispute' });
    expect(await h.store.headPosition()).toBe(head);
    await step('classification', { kind: 'dispute', category: 'illegal-levy', fieldCheck: true }).expect(200);
  });

  it('when a closed ticket is worked on, then it answers 409 until it is reopened', async () => {
    await step('resolution', { resolution: 'Uang telah dikembalikan kepada pelapor.' }).expect(200);
    const head = await h.store.headPosition();
    expectProblem(await step('responses', { message: 'Tambahan jawaban.' }), 409, { code: 'ticket-closed' });
    expectProblem(await step('resolution', { resolution: 'Diselesaikan lagi.' }), 409, { code: 'ticket-closed' });
    expect(await h.store.headPosition()).toBe(head);
    await step('reopening', { reason: 'Pelapor belum menerima uangnya.' }).expect(200);
    expectProblem(await step('reopening', { reason: 'Dibuka sekali lagi.' }), 409, { code: 'ticket-open' });
  });
});
