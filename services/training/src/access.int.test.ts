import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@asn/service-kit';
import { expectProblem, type HttpClient } from '@asn/testing';
import { appointEmployee, establishUnit, key, programmeBody, startTrainingHarness, type TrainingHarness } from './testing/trainingHarness';

describe('bad input and roles', () => {
  let h: TrainingHarness;
  let officer: HttpClient;
  let programmeId: string;
  let enrollmentId: string;
  let employeeId: string;
  let unitId: string;
  let head: number;

  beforeAll(async () => {
    h = await startTrainingHarness({ today: '2026-02-01' });
    officer = await h.as('training-officer', 'officer-1');
    unitId = await establishUnit(h.store);
    employeeId = await appointEmployee(h.store, unitId);
    await h.settle();
    programmeId = ((await officer.post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody()).expect(201)).body as { programmeId: string }).programmeId;
    enrollmentId = ((await officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', key()).send({ employeeId }).expect(201)).body as { enrollmentId: string })
      .enrollmentId;
    head = await h.store.headPosition();
  });
  afterAll(async () => h.close());

  const post = (path: string, body: unknown) => officer.post(path).set('Idempotency-Key', key()).send(body as object);

  describe('a programme body', () => {
    const bad: [string, Record<string, unknown>][] = [
      ['an unknown key', programmeBody({ seats: 3 })],
      ['a prototype-pollution key', { ...programmeBody(), ['__proto__']: { admin: true } }],
      ['capacity 0', programmeBody({ capacity: 0 })],
      ['a negative capacity', programmeBody({ capacity: -1 })],
      ['a fractional JP', programmeBody({ jp: 2.5 })],
      ['JP as a string', programmeBody({ jp: '24' })],
      ['an end before the start', programmeBody({ startsOn: '2026-03-05', endsOn: '2026-03-02' })],
      ['an impossible date', programmeBody({ startsOn: '2026-02-30' })],
      ['year 0000', programmeBody({ endsOn: '0000-01-01' })],
      ['an unknown area', programmeBody({ competencyArea: 'cooking' })],
      ['an unknown delivery mode', programmeBody({ deliveryMode: 'carrier-pigeon' })],
      ['a huge title', programmeBody({ title: 'x'.repeat(10_000) })],
      ['a whitespace-only organiser', programmeBody({ organiser: '   ' })],
      ['control characters', programmeBody({ title: 'Pelatihan\u0000Dasar' })],
      ['a bidirectional override', programmeBody({ organiser: 'BKPSDM \u202Eevil' })],
      ['a missing field', (({ jp: _jp, ...rest }) => rest)(programmeBody())],
    ];
    it.each(bad)('refuses %s with 400 and writes nothing', async (_name, body) => {
      expectProblem(await post('/v1/programmes', body), 400);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('refuses a programme starting in the past with 422 naming the rule', async () => {
      expectProblem(await post('/v1/programmes', programmeBody({ startsOn: '2026-01-05', endsOn: '2026-01-06' })), 422, { code: 'starts-in-past' });
    });

    it('refuses a body that is not JSON, or is too large', async () => {
      expectProblem(await officer.post('/v1/programmes').set('Idempotency-Key', key()).set('Content-Type', 'text/plain').send('title=x'), 415);
      expectProblem(await post('/v1/programmes', programmeBody({ organiser: 'x'.repeat(200_000) })), 413);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('requires an Idempotency-Key', async () => {
      expectProblem(await officer.post('/v1/programmes').send(programmeBody()), 400);
    });
  });

  describe('enrolment, attendance, completion and cancellation bodies', () => {
    const enrollment = () => `/v1/programmes/${programmeId}/enrollments/${enrollmentId}`;
    it.each([
      ['an employee id that is not a UUID', () => `/v1/programmes/${programmeId}/enrollments`, { employeeId: '198609262015051001' }],
      ['an unknown key on enrolment', () => `/v1/programmes/${programmeId}/enrollments`, { employeeId: '01900000-0000-7000-8000-000000000001', basis: { kind: 'officer' } }],
      ['a huge note', () => `/v1/programmes/${programmeId}/enrollments`, { employeeId: '01900000-0000-7000-8000-000000000001', note: 'n'.repeat(501) }],
      ['present as a string', () => `${enrollment()}/attendance`, { date: '2026-03-02', present: 'yes' }],
      ['an impossible attendance date', () => `${enrollment()}/attendance`, { date: '2026-13-01', present: true }],
      ['an empty certificate number', () => `${enrollment()}/completion`, { certificateNumber: '', completedOn: '2026-03-05' }],
      ['a certificate number with control characters', () => `${enrollment()}/completion`, { certificateNumber: 'A\u0007B', completedOn: '2026-03-05' }],
      ['a cancellation without a note', () => `${enrollment()}/cancellation`, {}],
      ['a programme cancellation with a short reason', () => `/v1/programmes/${programmeId}/cancellation`, { reason: 'no' }],
    ])('refuses %s with 400', async (_name, path, body) => {
      expectProblem(await post(path(), body), 400);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('refuses path ids that are not ids', async () => {
      expectProblem(await officer.get('/v1/programmes/not-an-id'), 400);
      expectProblem(await post(`/v1/programmes/${programmeId}/enrollments/..%2F..%2Fetc/attendance`, { date: '2026-03-02', present: true }), 400);
    });

    it('refuses attendance in the future and for an unknown enrolment, naming the rule', async () => {
      expectProblem(await post(`${enrollment()}/attendance`, { date: '2026-03-02', present: true }), 422, { code: 'date-in-future' });
      expectProblem(await post(`/v1/programmes/${programmeId}/enrollments/01900000-0000-7000-8000-000000000777/attendance`, { date: '2026-03-02', present: true }), 404, {
        code: 'enrollment-not-found',
      });
    });

    it('refuses list queries with bad values', async () => {
      expectProblem(await officer.get('/v1/programmes?limit=-1'), 400);
      expectProblem(await officer.get('/v1/programmes?area=cooking'), 400);
      expectProblem(await officer.get('/v1/programmes?from=2026-02-30'), 400);
      expectProblem(await officer.get('/v1/training-needs?status=finished'), 400);
      expectProblem(await officer.get(`/v1/employees/${employeeId}/training?year=abc`), 400);
      expectProblem(await officer.get(`/v1/units/${unitId}/jp-shortfall?year=99999`), 400);
      const clamped = await officer.get('/v1/programmes?limit=100000').expect(200);
      expect((clamped.body as { limit: number }).limit).toBe(200);
    });
  });

  describe('roles', () => {
    const commands = (): [string, string, unknown][] => [
      ['post', '/v1/programmes', programmeBody()],
      ['post', `/v1/programmes/${programmeId}/cancellation`, { reason: 'Trainer unavailable' }],
      ['post', `/v1/programmes/${programmeId}/enrollments`, { employeeId }],
      ['post', `/v1/programmes/${programmeId}/enrollments/${enrollmentId}/attendance`, { date: '2026-03-02', present: true }],
      ['post', `/v1/programmes/${programmeId}/enrollments/${enrollmentId}/completion`, { certificateNumber: 'C-1', completedOn: '2026-03-05' }],
      ['post', `/v1/programmes/${programmeId}/enrollments/${enrollmentId}/cancellation`, { note: 'Not needed' }],
    ];
    const others: Role[] = ['hr-staff', 'hr-approver', 'evaluator', 'auditor', 'operator', 'employee', 'feedback-officer'];

    it.each(others)('refuses every command to %s with 403 and writes nothing', async (role) => {
      const client = await h.as(role, employeeId);
      for (const [, path, body] of commands()) expectProblem(await client.post(path).set('Idempotency-Key', key()).send(body as object), 403);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('refuses a caller without a valid token with 401', async () => {
      expectProblem(await h.api.get('/v1/programmes'), 401);
      expectProblem(await h.api.withToken('not.a.token').post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody()), 401);
    });

    it("shows an employee only their own training record and their own enrolment in a programme", async () => {
      const self = await h.as('employee', employeeId);
      await self.get(`/v1/employees/${employeeId}/training`).expect(200);
      const stranger = await h.as('employee', '01900000-0000-7000-8000-000000000042');
      expectProblem(await stranger.get(`/v1/employees/${employeeId}/training`), 403);
      const seen = (await stranger.get(`/v1/programmes/${programmeId}`).expect(200)).body as Record<string, unknown>;
      expect(seen).not.toHaveProperty('participants');
      expect(seen.yourEnrollments).toEqual([]);
      const own = (await self.get(`/v1/programmes/${programmeId}`).expect(200)).body as { yourEnrollments: { enrollmentId: string }[] };
      expect(own.yourEnrollments.map((e) => e.enrollmentId)).toEqual([enrollmentId]);
      expectProblem(await self.get('/v1/training-needs'), 403);
      expectProblem(await self.get(`/v1/units/${unitId}/jp-shortfall`), 403);
    });

    it('limits an official scoped to another unit', async () => {
      const scoped = await h.as('hr-staff', 'staff-9', '01900000-0000-7000-8000-000000000099');
      expectProblem(await scoped.get(`/v1/units/${unitId}/jp-shortfall`), 403);
      expectProblem(await scoped.get(`/v1/employees/${employeeId}/training`), 403);
      const cityWide = await h.as('auditor');
      await cityWide.get(`/v1/units/${unitId}/jp-shortfall`).expect(200);
    });
  });

  describe("the operator's routes", () => {
    it('answer the store head to auditors and operators only', async () => {
      expectProblem(await h.api.get('/v1/store/head'), 401);
      expectProblem(await officer.get('/v1/store/head'), 403);
      for (const role of ['auditor', 'operator'] as const) {
        const res = await (await h.as(role)).get('/v1/store/head').expect(200);
        expect(res.body).toEqual({ position: await h.store.headPosition() });
      }
    });
  });
});
