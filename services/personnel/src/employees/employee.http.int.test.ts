import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem, type HttpClient, type Problem } from '@asn/testing';
import type { Response } from 'supertest';
import { key, startPersonnelHarness, type PersonnelHarness } from '../testing/personnelHarness';

let h: PersonnelHarness;
let staff: HttpClient;
let approver: HttpClient;
let unitA: string;
let unitB: string;
/** An appointed PNS of unit A, the subject of the proposal tests. */
let subject: string;

type Body = Record<string, unknown>;
const BODY_LIMIT = 64 * 1024; // the kit's default (createServiceApp); the personnel app keeps it

const decree = (tmt: string, overrides: Body = {}) => ({ skNumber: `800/${tmt}/BKPSDM`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023 tentang ASN', ...overrides });

let sequence = 0;
/** A plausible NIP: birth date, CPNS start month, gender digit, and a sequence unique in this file. */
const nipFor = (birthDate: string, start: string, gender: 'male' | 'female' = 'female') =>
  `${birthDate.replace(/-/g, '')}${start}${gender === 'male' ? 1 : 2}${String(++sequence).padStart(3, '0')}`;

const person = (overrides: Body = {}) => ({ name: 'Siti Rahmawati', nip: nipFor('1990-03-15', '201503'), birthDate: '1990-03-15', gender: 'female', education: 'S1', ...overrides });

const appointment = (o: { decision?: Body; decree?: Body; personal?: Body } = {}) => ({
  decision: { kind: 'appointment', employeeType: 'CPNS', golongan: 'III/a', unitId: unitA, position: { kind: 'pelaksana', title: 'Analis Kepegawaian' }, ...o.decision },
  decree: decree('2015-03-01', o.decree),
  personal: person(o.personal),
});

const appoint = (body: unknown, client = staff) => client.post('/v1/employees').set('Idempotency-Key', key()).send(body as object);
const propose = (employeeId: string, body: unknown, client = staff) => client.post(`/v1/employees/${employeeId}/proposals`).set('Idempotency-Key', key()).send(body as object);
const approve = (employeeId: string, decisionId: string, client = approver) => client.post(`/v1/employees/${employeeId}/proposals/${decisionId}/approval`).set('Idempotency-Key', key());
const reject = (employeeId: string, decisionId: string, body: unknown) => approver.post(`/v1/employees/${employeeId}/proposals/${decisionId}/rejection`).set('Idempotency-Key', key()).send(body as object);
const raw = (path: string, text: string, type = 'application/json') => staff.post(path).set('Idempotency-Key', key()).set('Content-Type', type).send(text);

const appointAndApprove = async (body: ReturnType<typeof appointment>): Promise<string> => {
  const proposed = await appoint(body);
  expect(proposed.status).toBe(201);
  await approve(proposed.body.employeeId, proposed.body.decisionId).expect(200);
  return proposed.body.employeeId as string;
};

/** The personal values of a body that a problem must never echo (short ones would match by accident). */
const secretsOf = (body: unknown): string[] => {
  const personal = (body as { personal?: { nip?: unknown; name?: unknown } }).personal ?? {};
  return [personal.nip, typeof personal.nip === 'string' ? personal.nip.replace(/\s+/g, '') : undefined, personal.name].filter((v): v is string => typeof v === 'string' && v.trim().length >= 4);
};

/** Sends, expects the problem, and that nothing was written and no personal value came back. */
const refused = async (send: () => PromiseLike<Response>, status: number, expected: Partial<Problem> = {}, secrets: readonly string[] = []): Promise<Problem> => {
  const before = await h.store.headPosition();
  const res = await send();
  const problem = expectProblem(res, status, expected);
  for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret);
  expect(await h.store.headPosition()).toBe(before);
  return problem;
};
const refusedAppointment = (body: unknown, status: number, expected: Partial<Problem> = {}) => refused(() => appoint(body), status, expected, secretsOf(body));
const issueAt = (path: string, code?: string) => ({ issues: expect.arrayContaining([expect.objectContaining({ path, ...(code ? { code } : {}) })]) as unknown });
const nipIssue = (rule: string) => ({ code: 'nip-invalid', reasons: expect.arrayContaining([expect.objectContaining({ rule: `nip.${rule}` })]) as unknown });

const establish = async (name: string, code: string): Promise<string> =>
  (await approver.post('/v1/units').set('Idempotency-Key', key()).send({ name, code, tmt: '2010-01-01', legalBasis: 'Perwali Tanjungbalai 1/2010' }).expect(201)).body.unitId as string;

beforeAll(async () => {
  h = await startPersonnelHarness();
  staff = await h.as('hr-staff', 'staff-1');
  approver = await h.as('hr-approver', 'approver-1');
  unitA = await establish('Badan Kepegawaian dan Pengembangan SDM', 'BKPSDM');
  unitB = await establish('Dinas Pendidikan', 'DISDIK');
  subject = await appointAndApprove(appointment({ decision: { employeeType: 'PNS', golongan: 'III/b' }, personal: { name: 'Hotma Sitorus' } }));
});

afterAll(async () => {
  await h.close();
});

describe.each([
  ['an appointment', () => '/v1/employees', () => appointment()],
  ['a proposal', () => `/v1/employees/${subject}/proposals`, () => ({ decision: { kind: 'sanction', severity: 'light', sanction: 'oral-warning' }, decree: decree('2020-01-01') })],
])('%s sent in a malformed request', (_name, path, body) => {
  const json = () => JSON.stringify(body());

  it('answers 413 to a body over the 64 KiB limit', async () => {
    await refused(() => raw(path(), JSON.stringify({ ...body(), padding: 'x'.repeat(BODY_LIMIT) })), 413);
  });

  it('answers 413 to a gzip body that is over the limit once decompressed', async () => {
    const zipped = gzipSync(Buffer.from(JSON.stringify({ ...body(), padding: ' '.repeat(BODY_LIMIT) })));
    expect(zipped.length).toBeLessThan(BODY_LIMIT / 8);
    await refused(() => staff.post(path()).set('Idempotency-Key', key()).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').serialize((b) => b as string).send(zipped), 413);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('answers 415 to a body sent as %s', async (type) => {
    await refused(() => raw(path(), json(), type), 415);
  });

  it('answers 415 to a body without a Content-Type', async () => {
    await refused(() => staff.post(path()).set('Idempotency-Key', key()).send(Buffer.from(json())).unset('Content-Type'), 415);
  });

  it('answers 400 to a body that is not JSON', async () => {
    await refused(() => raw(path(), json().slice(0, -1)), 400);
  });

  it.each([
    ['__proto__ at the top', (t: string) => t.replace(/^\{/, '{"__proto__":{"roles":["hr-approver"]},'), '__proto__'],
    ['__proto__ inside the decree', (t: string) => t.replace('"decree":{', '"decree":{"__proto__":{"isAdmin":true},'), 'decree.__proto__'],
    ['constructor at the top', (t: string) => t.replace(/^\{/, '{"constructor":{"prototype":{"x":1}},'), 'constructor'],
    ['constructor inside the decision', (t: string) => t.replace('"decision":{', '"decision":{"constructor":{},'), 'decision.constructor'],
  ])('answers 400 to %s', async (_case, edit, at) => {
    await refused(() => raw(path(), edit(json())), 400, issueAt(at, 'forbidden_key'));
  });

  it.each([
    ['the top', (b: Body) => ({ ...b, approvedBy: 'approver-1' }), 'approvedBy'],
    ['the decision', (b: Body) => ({ ...b, decision: { ...(b.decision as Body), status: 'approved' } }), 'decision.status'],
    ['the decree', (b: Body) => ({ ...b, decree: { ...(b.decree as Body), signedAt: '2015-03-01' } }), 'decree.signedAt'],
  ])('answers 400 to an unknown key at %s', async (_level, edit, at) => {
    await refused(() => raw(path(), JSON.stringify(edit(body()))), 400, issueAt(at, 'unrecognized_key'));
  });

  it.each([
    ['skDate', '2023-02-30'], ['skDate', '0000-01-01'], ['skDate', '9999-12-31'],
    ['tmt', '2023-02-30'], ['tmt', '0000-01-01'], ['tmt', '9999-12-31'],
  ])('answers 400 to an impossible decree.%s %s', async (field, date) => {
    const b = body();
    await refused(() => raw(path(), JSON.stringify({ ...b, decree: { ...(b.decree as Body), [field]: date } })), 400, issueAt(`decree.${field}`));
  });

  it.each([
    ['skNumber', ''], ['skNumber', '   '], ['skNumber', 'x'.repeat(10_000)], ['skNumber', '800/\u0000/BKPSDM'], ['skNumber', '800/\u001b[2J/BKPSDM'],
    ['legalBasis', ''], ['legalBasis', ' \t '], ['legalBasis', 'UU '.repeat(3_400)], ['legalBasis', 'UU 20/2023\u0007'], ['legalBasis', 'UU\n20/2023'],
  ])('answers 400 to decree.%s = %j', async (field, value) => {
    const b = body();
    await refused(() => raw(path(), JSON.stringify({ ...b, decree: { ...(b.decree as Body), [field]: value } })), 400, issueAt(`decree.${field}`));
  });
});

describe('an appointment whose NIP is not plausible', () => {
  const facts = { birthDate: '1990-03-15', gender: 'female' };
  it.each([
    ['seventeen digits', '19900315201503201', 'length'],
    ['nineteen digits', '1990031520150320011', 'length'],
    ['letters', '19900315 201503 2 0O1', 'not-digits'],
    ['an impossible date in the birth segment', '19900230 201503 2 002', 'birth-date-invalid'],
    ['a birth segment that does not match the date of birth', '19900316 201503 2 003', 'birth-date-mismatch'],
    ['gender digit 0', '19900315 201503 0 004', 'gender-invalid'],
    ['gender digit 3', '19900315 201503 3 005', 'gender-invalid'],
    ['the gender digit of a man for a woman', '19900315 201503 1 006', 'gender-mismatch'],
    ['sequence 000', '19900315 201503 2 000', 'sequence-zero'],
    ['start month 13', '19900315 201513 2 007', 'start-invalid'],
    ['a start before the person turned fifteen', '19900315 200003 2 008', 'start-before-birth'],
    ['a start in the future', '19900315 209901 2 009', 'start-in-future'],
  ])('answers 400 to a NIP with %s, naming the rule and not the number', async (_case, nip, rule) => {
    await refusedAppointment(appointment({ personal: { ...facts, name: 'Rahmat Hidayat', nip } }), 400, nipIssue(rule));
  });

  it('answers 409 nip-registered to a NIP already registered, also when written with spaces', async () => {
    const nip = nipFor('1988-07-01', '201203', 'male');
    const first = appointment({ personal: { nip, birthDate: '1988-07-01', gender: 'male', name: 'Bonar Siregar' } });
    await appoint(first).expect(201);
    const spaced = `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`;
    await refusedAppointment(appointment({ personal: { ...first.personal, nip: spaced, name: 'Togar Siregar' } }), 409, { code: 'nip-registered' });
  });

  const pppk = (nip: string, employeeType = 'PPPK') => ({
    decision: employeeType === 'PPPK' ? { employeeType, golongan: undefined, pppkGrade: 'IX', contractUntil: '2026-03-01' } : { employeeType, golongan: 'III/a' },
    decree: decree('2021-03-01'),
    personal: { nip, name: 'Dewi Lestari' },
  });
  it('accepts a valid NI PPPK whose code after the year is 21 (not a month)', async () => {
    await appoint(appointment(pppk(`19900315 2021 21 2 ${String(++sequence).padStart(3, '0')}`))).expect(201);
  });
  it('checks a PNS number as a PNS: the same shape read as month 21 is refused', async () => {
    await refusedAppointment(appointment(pppk(`19900315 2021 21 2 ${String(++sequence).padStart(3, '0')}`, 'PNS')), 400, nipIssue('start-invalid'));
  });
  it('refuses an NI PPPK whose code is 00', async () => {
    await refusedAppointment(appointment(pppk(`19900315 2021 00 2 ${String(++sequence).padStart(3, '0')}`)), 400, nipIssue('pppk-code-invalid'));
  });
});

describe('an appointment with bad personal data', () => {
  it.each(['2023-02-30', '0000-01-01', '9999-12-31'])('answers 400 to the birth date %s', async (birthDate) => {
    await refusedAppointment(appointment({ personal: { birthDate } }), 400, issueAt('personal.birthDate'));
  });

  it.each([
    ['empty', ''], ['whitespace only', '   '], ['10 000 characters long', 'a'.repeat(10_000)], ['a NUL', 'Siti\u0000Aminah'], ['an escape sequence', 'Siti \u001b[31mAminah'],
    ['a right-to-left override (\\u202e, a format character, refused by the name pattern)', 'Siti \u202eAminah'], ['digits', 'Siti 2'], ['two spaces in a row', 'Siti  Aminah'],
  ])('answers 400 to a name that is %s', async (_case, name) => {
    await refusedAppointment(appointment({ personal: { name } }), 400, issueAt('personal.name'));
  });

  it('answers 400 to an unknown key in the personal data and in the position', async () => {
    await refusedAppointment({ ...appointment(), personal: { ...person(), religion: 'Islam' } }, 400, issueAt('personal.religion', 'unrecognized_key'));
    const body = appointment();
    await refusedAppointment({ ...body, decision: { ...body.decision, position: { kind: 'pelaksana', title: 'Analis', level: 'ahli-muda' } } }, 400, issueAt('decision.position.level', 'unrecognized_key'));
  });

  it('refuses a right-to-left override in an SK number: it would display text other than what is stored', async () => {
    await refusedAppointment(appointment({ decree: { skNumber: '800/\u202eMDSPKB/2015' } }), 400);
  });
});

describe('an appointment with a valid name', () => {
  it.each(['Sukarno', 'Ni Luh Putu Ayu', 'I Gede', 'Muh. Rizky', "Siti Nur'aini", 'Hotma Br. Sitorus', 'Jean-Pierre'])('records %s', async (name) => {
    const proposed = await appoint(appointment({ personal: { name, nip: nipFor('1990-03-15', '201503') } }));
    expect(proposed.status).toBe(201);
    const read = await staff.get(`/v1/employees/${proposed.body.employeeId}`).expect(200);
    expect(read.body.personal.name).toBe(name);
  });
});

describe('a sanction proposal with a bad duration', () => {
  const medium = (months: unknown) => ({ decision: { kind: 'sanction', severity: 'medium', sanction: 'allowance-cut-25-percent', months }, decree: decree('2020-01-01') });
  it.each([0, 37, -6, 6.5, '6', null])('answers 400 to months = %j', async (months) => {
    await refused(() => propose(subject, medium(months)), 400, issueAt('decision.months'));
  });
  it.each(['1e309', '-1e309', '6e0000000000000000001'])('answers 400 to months written as %s in the JSON text', async (text) => {
    await refused(() => raw(`/v1/employees/${subject}/proposals`, JSON.stringify(medium(6)).replace('"months":6', `"months":${text}`)), 400);
  });
  it('answers 400 invalid for 7 months, which the schema allows but PP 94/2021 does not', async () => {
    await refused(() => propose(subject, medium(7)), 400, { code: 'medium-duration' });
  });
});

describe('paths whose ids are not ids', () => {
  it.each(['/v1/employees/123', '/v1/employees/..%2F..', '/v1/employees/%00', `/v1/employees/${'f'.repeat(36)}`, '/v1/employees/123/history'])('answers 400 to GET %s', async (path) => {
    expectProblem(await staff.get(path), 400, issueAt('employeeId'));
  });

  it('answers 404 to an employee that does not exist, on every employee route', async () => {
    const unknown = '0190a6b2-7c1d-7e2f-8a3b-4c5d6e7f8091';
    expectProblem(await staff.get(`/v1/employees/${unknown}`), 404);
    expectProblem(await staff.get(`/v1/employees/${unknown}/history`), 404);
    await refused(() => propose(unknown, { decision: { kind: 'retirement' }, decree: decree('2020-01-01') }), 404);
    await refused(() => approve(unknown, unknown), 404);
    await refused(() => reject(unknown, unknown, { reason: 'Tidak lengkap' }), 404);
  });

  it('accepts an upper-case UUID as the same (lower-case) employee', async () => {
    const res = await staff.get(`/v1/employees/${subject.toUpperCase()}`).expect(200);
    expect(res.body.employeeId).toBe(subject);
  });
});

describe('a list of employees', () => {
  let all: { employeeId: string; status: string; golongan: string | null; unitId: string | null; position: { kind: string } | null }[];
  beforeAll(async () => {
    await appointAndApprove(appointment({ decision: { employeeType: 'PNS', golongan: 'II/c', unitId: unitB, position: { kind: 'functional', level: 'terampil', title: 'Pranata Komputer' } }, personal: { education: 'D-III' } }));
    all = (await staff.get('/v1/employees?limit=200').expect(200)).body.items;
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(['0', '-1', 'abc', '1.5', ''])('answers 400 to limit=%s', async (limit) => {
    expectProblem(await staff.get(`/v1/employees?limit=${limit}`), 400, issueAt('limit'));
  });

  it('clamps a huge limit to the maximum page of 200 instead of refusing it', async () => {
    const res = await staff.get('/v1/employees?limit=1e9').expect(200);
    expect(res.body.items).toEqual(all);
  });

  it.each(['sort=name', 'unitid=x', 'nip=199003152015032001'])('answers 400 to the unknown query key in %s', async (query) => {
    expectProblem(await staff.get(`/v1/employees?${query}`), 400, issueAt(query.split('=')[0]!, 'unrecognized_key'));
  });

  it('pages with `after` into disjoint pages that together are the whole list', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res: Response = await staff.get(`/v1/employees?limit=3${after ? `&after=${after}` : ''}`).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...(res.body.items as { employeeId: string }[]).map((i) => i.employeeId));
      after = res.body.next as string | null;
      if (after === null) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.map((i) => i.employeeId));
  });

  it.each([
    ['status=active', (i: (typeof all)[number]) => i.status === 'active'],
    ['status=proposed', (i: (typeof all)[number]) => i.status === 'proposed'],
    ['golongan=II/c', (i: (typeof all)[number]) => i.golongan === 'II/c'],
    ['positionKind=functional', (i: (typeof all)[number]) => i.position?.kind === 'functional'],
  ])('filters by %s', async (query, matches) => {
    const res = await staff.get(`/v1/employees?limit=200&${query}`).expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items).toEqual(all.filter(matches));
  });

  it('filters by unitId', async () => {
    const res = await staff.get(`/v1/employees?limit=200&unitId=${unitB}`).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ unitId: unitB, golongan: 'II/c' })]);
  });

  it('answers 400 to a filter value outside its vocabulary', async () => {
    expectProblem(await staff.get('/v1/employees?golongan=V/a'), 400, issueAt('golongan'));
    expectProblem(await staff.get('/v1/employees?status=deleted'), 400, issueAt('status'));
  });
});

describe('concurrent and repeated commands', () => {
  const warning = (tmt: string) => ({ decision: { kind: 'sanction', severity: 'light', sanction: 'written-warning' }, decree: decree(tmt) });
  const etag = async () => (await staff.get(`/v1/employees/${subject}`).expect(200)).headers.etag as string;

  it('answers 412 to a stale If-Match and writes nothing', async () => {
    const current = Number(JSON.parse(await etag()));
    await refused(() => propose(subject, warning('2020-02-01')).set('If-Match', `"${current - 1}"`), 412);
    await refused(() => propose(subject, warning('2020-02-01')).set('If-Match', `"${current + 1}"`), 412);
  });

  it('accepts the current If-Match', async () => {
    const res = await propose(subject, warning('2020-02-02')).set('If-Match', await etag());
    expect(res.status).toBe(201);
  });

  it.each(['W/"1"', '1', '"abc"', '"1", "2"', '"-1"', '"99999999999999999"'])('answers 400 to the malformed If-Match %s', async (ifMatch) => {
    await refused(() => propose(subject, warning('2020-02-03')).set('If-Match', ifMatch), 400, issueAt('if-match'));
  });

  it('replays a retry with the same Idempotency-Key and body: same status and body, marked, nothing written', async () => {
    const idempotencyKey = key();
    const body = appointment({ personal: { name: 'Muhammad Yusuf' } });
    const first = await staff.post('/v1/employees').set('Idempotency-Key', idempotencyKey).send(body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await h.store.headPosition();
    const retry = await staff.post('/v1/employees').set('Idempotency-Key', idempotencyKey).send(body);
    expect({ status: retry.status, body: retry.body, replayed: retry.headers['idempotent-replayed'], etag: retry.headers.etag }).toEqual({ status: 201, body: first.body, replayed: 'true', etag: first.headers.etag });
    expect(await h.store.headPosition()).toBe(before);
  });

  it('answers 422 to the same Idempotency-Key with a different body, and writes nothing', async () => {
    const idempotencyKey = key();
    await staff.post(`/v1/employees/${subject}/proposals`).set('Idempotency-Key', idempotencyKey).send(warning('2020-03-01')).expect(201);
    await refused(() => staff.post(`/v1/employees/${subject}/proposals`).set('Idempotency-Key', idempotencyKey).send(warning('2020-03-02')), 422);
  });

  it.each([['missing', undefined], ['empty', ''], ['too long', 'k'.repeat(256)], ['with a space', 'two words']])('answers 400 to an Idempotency-Key that is %s', async (_case, value) => {
    const request = staff.post(`/v1/employees/${subject}/proposals`).send(warning('2020-04-01'));
    await refused(() => (value === undefined ? request : request.set('Idempotency-Key', value)), 400, issueAt('idempotency-key'));
  });
});

describe('the life of a proposal', () => {
  const transfer = () => ({ decision: { kind: 'transfer', transferKind: 'within-city', toUnitId: unitB, tenureOverrideReason: 'Kebutuhan organisasi' } });
  const proposal = async (body: Body = { decision: { kind: 'sanction', severity: 'light', sanction: 'oral-warning' } }) => {
    const res = await propose(subject, { decree: decree('2021-01-01'), ...body });
    expect(res.status).toBe(201);
    return res.body.decisionId as string;
  };

  it('answers 409 to a second approval', async () => {
    const decisionId = await proposal();
    await approve(subject, decisionId).expect(200);
    await refused(() => approve(subject, decisionId), 409, { code: 'proposal-approved' });
  });

  it("answers 403 to an approver approving their own proposal (a token with the proposer's subject)", async () => {
    const decisionId = await proposal();
    await refused(async () => approve(subject, decisionId, await h.as('hr-approver', 'staff-1')), 403, { code: 'own-proposal' });
  });

  it('answers 409 to the approval of a rejected proposal', async () => {
    const decisionId = await proposal();
    await reject(subject, decisionId, { reason: 'SK belum ditandatangani' }).expect(200);
    await refused(() => approve(subject, decisionId), 409, { code: 'proposal-rejected' });
    await refused(() => reject(subject, decisionId, { reason: 'Sekali lagi' }), 409, { code: 'proposal-rejected' });
  });

  it.each([
    ['no body', undefined], ['an empty object', {}], ['an empty reason', { reason: '' }], ['a reason of spaces', { reason: '      ' }], ['a reason under 5 characters', { reason: 'no' }],
    ['a 10 000 character reason', { reason: 'x'.repeat(10_000) }], ['a reason with a NUL', { reason: 'Tidak\u0000lengkap' }], ['a reason with an escape', { reason: 'Tidak \u001b[2Klengkap' }],
  ])('answers 400 to a rejection with %s', async (_case, body) => {
    const decisionId = await proposal();
    await refused(() => (body === undefined ? approver.post(`/v1/employees/${subject}/proposals/${decisionId}/rejection`).set('Idempotency-Key', key()) : reject(subject, decisionId, body)), 400);
  });

  it('answers 400 to an approval that carries a body', async () => {
    const decisionId = await proposal();
    await refused(() => approve(subject, decisionId).send({ approvedBy: 'someone-else' }), 400);
  });

  it('answers 409 employee-dismissed to anything about a dismissed employee, even a proposal made before', async () => {
    const dismissed = await appointAndApprove(appointment({ decision: { employeeType: 'PNS' }, decree: { tmt: '2012-01-01', skDate: '2012-01-01' }, personal: { name: 'Rudi Hartono' } }));
    const pending = (await propose(dismissed, { ...transfer(), decree: decree('2022-06-01') }).expect(201)).body.decisionId as string;
    const dismissal = (await propose(dismissed, { decision: { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, decree: decree('2022-01-01') }).expect(201)).body.decisionId as string;
    await approve(dismissed, dismissal).expect(200);
    await refused(() => approve(dismissed, pending), 409, { code: 'employee-dismissed' });
    await refused(() => propose(dismissed, { decision: { kind: 'sanction', severity: 'light', sanction: 'oral-warning' }, decree: decree('2023-01-01') }), 409, { code: 'employee-dismissed' });
  });
});

describe('a proposal carrying personal data', () => {
  it('answers 400 nip-invalid to a personal-data correction with an implausible NIP, without echoing it', async () => {
    const personal = person({ name: 'Hotma Sitorus', nip: '19900315 201503 1 999' });
    await refused(() => propose(subject, { decision: { kind: 'personal-data-correction' }, decree: decree('2021-01-01'), personal }), 400, nipIssue('gender-mismatch'), secretsOf({ personal }));
  });
  it('answers 400 personal-data-not-expected to personal data on a decision that is not about it (a false birth date on a retirement)', async () => {
    const personal = person({ name: 'Orang Lain', nip: '12345', birthDate: '1950-01-01', gender: 'male' });
    await refused(() => propose(subject, { decision: { kind: 'retirement' }, decree: decree('2021-02-01'), personal }), 400, { code: 'personal-data-not-expected' }, secretsOf({ personal }));
  });

  it('reserves no NIP when a personal-data correction with a new NIP has a stale If-Match', async () => {
    const personal = person({ name: 'Hotma Sitorus', nip: nipFor('1990-03-15', '201503') });
    await refused(() => propose(subject, { decision: { kind: 'personal-data-correction' }, decree: decree('2021-03-01'), personal }).set('If-Match', '"0"'), 412);
  });

  it('frees the NIP of a rejected personal-data correction for its real holder', async () => {
    const nip = nipFor('1990-03-15', '201503');
    const correction = await propose(subject, { decision: { kind: 'personal-data-correction' }, decree: decree('2021-04-01'), personal: person({ name: 'Hotma Sitorus', nip }) });
    expect(correction.status).toBe(201);
    await refused(() => appoint(appointment({ personal: { nip, name: 'Pemilik Asli' } })), 409, { code: 'nip-registered' });
    await reject(subject, correction.body.decisionId, { reason: 'NIP salah ketik' }).expect(200);
    expect((await appoint(appointment({ personal: { nip, name: 'Pemilik Asli' } }))).status).toBe(201);
  });
});
