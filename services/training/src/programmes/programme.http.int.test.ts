import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { expectProblem, waitUntil, type HttpClient } from '@asn/testing';
import { appointEmployee, establishUnit, key, programmeBody, startTrainingHarness, type TrainingHarness } from '../testing/trainingHarness';

describe('programmes through HTTP', () => {
  let h: TrainingHarness;
  let officer: HttpClient;
  let unitId: string;
  let employees: string[];

  beforeEach(async () => {
    h = await startTrainingHarness({ today: '2026-02-01' });
    officer = await h.as('training-officer', 'officer-1');
    unitId = await establishUnit(h.store);
    employees = [];
    for (let i = 0; i < 4; i++) employees.push(await appointEmployee(h.store, unitId, { employeeType: i === 3 ? 'PPPK' : 'PNS', tmt: '2020-03-01' }));
    await h.settle();
  });
  afterEach(async () => h.close());

  const schedule = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const res = await officer.post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody(overrides)).expect(201);
    return (res.body as { programmeId: string }).programmeId;
  };
  const enroll = (programmeId: string, employeeId: string, note?: string) =>
    officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', key()).send({ employeeId, ...(note ? { note } : {}) });

  it('schedules a programme, enrols up to capacity, then waitlists, and shows seats left', async () => {
    const programmeId = await schedule({ capacity: 2 });
    const first = await enroll(programmeId, employees[0]!, 'Front-desk service standard').expect(201);
    expect(first.body).toMatchObject({ programmeId, status: 'enrolled' });
    await enroll(programmeId, employees[1]!).expect(201);
    const third = await enroll(programmeId, employees[2]!).expect(201);
    expect(third.body).toMatchObject({ status: 'waitlisted' });

    const res = await officer.get(`/v1/programmes/${programmeId}`).expect(200);
    expect(res.headers.etag).toBe('"3"');
    expect(res.body).toMatchObject({ status: 'scheduled', capacity: 2, seatsLeft: 0, waitlisted: 1, jp: 24, competencyArea: 'technical' });
    const body = res.body as { participants: { employeeId: string; basis: unknown }[]; waitlist: { employeeId: string; waitlistPosition: number }[] };
    expect(body.participants.map((p) => p.employeeId)).toEqual([employees[0], employees[1]]);
    expect(body.participants[0]?.basis).toEqual({ kind: 'officer', by: 'officer-1', note: 'Front-desk service standard' });
    expect(body.waitlist).toEqual([expect.objectContaining({ employeeId: employees[2], waitlistPosition: 1 })]);

    await waitUntil('the list shows the programme', async () => {
      const list = await officer.get('/v1/programmes?area=technical&from=2026-03-01').expect(200);
      const items = (list.body as { items: { programmeId: string; seatsLeft: number; waitlisted: number }[] }).items;
      return items.some((p) => p.programmeId === programmeId && p.seatsLeft === 0 && p.waitlisted === 1);
    });
    const other = await officer.get('/v1/programmes?area=managerial').expect(200);
    expect((other.body as { items: unknown[] }).items).toEqual([]);
  });

  it('refuses enrolling twice, an employee unknown to the org chart, and enrolment into a started programme', async () => {
    const programmeId = await schedule();
    await enroll(programmeId, employees[0]!).expect(201);
    expectProblem(await enroll(programmeId, employees[0]!), 422, { code: 'already-enrolled' });
    expectProblem(await enroll(programmeId, '01900000-0000-7000-8000-000000000999'), 422, { code: 'employee-not-active' });
    h.clock.today = '2026-03-02';
    expectProblem(await enroll(programmeId, employees[1]!), 422, { code: 'programme-started' });
    expectProblem(await enroll('01900000-0000-7000-8000-000000000998', employees[1]!), 404, { code: 'programme-not-found' });
  });

  it('a cancellation frees the seat for the first waitlisted in the same append', async () => {
    const programmeId = await schedule({ capacity: 1 });
    const first = (await enroll(programmeId, employees[0]!).expect(201)).body as { enrollmentId: string };
    const waiting = (await enroll(programmeId, employees[1]!).expect(201)).body as { enrollmentId: string };
    const res = await officer
      .post(`/v1/programmes/${programmeId}/enrollments/${first.enrollmentId}/cancellation`)
      .set('Idempotency-Key', key())
      .send({ note: 'Assigned to the vaccination drive' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'cancelled', revision: 4 });
    const events: string[] = [];
    for await (const e of h.store.readStream(`programme-${programmeId}`)) events.push(e.type);
    expect(events.slice(-2)).toEqual(['EnrollmentCancelled', 'ParticipantAdmittedFromWaitlist']);
    const view = (await officer.get(`/v1/programmes/${programmeId}`).expect(200)).body as { participants: { enrollmentId: string }[]; waitlist: unknown[] };
    expect(view.participants.map((p) => p.enrollmentId)).toEqual([waiting.enrollmentId]);
    expect(view.waitlist).toEqual([]);
  });

  it('records attendance and completion, which update the competency record and the JP tally', async () => {
    const programmeId = await schedule({ jp: 16, competencyArea: 'managerial' });
    const { enrollmentId } = (await enroll(programmeId, employees[0]!).expect(201)).body as { enrollmentId: string };
    h.clock.today = '2026-03-05';
    await officer
      .post(`/v1/programmes/${programmeId}/enrollments/${enrollmentId}/attendance`)
      .set('Idempotency-Key', key())
      .send({ date: '2026-03-02', present: true })
      .expect(200);
    await officer
      .post(`/v1/programmes/${programmeId}/enrollments/${enrollmentId}/completion`)
      .set('Idempotency-Key', key())
      .send({ certificateNumber: 'BKPSDM/2026/0001', completedOn: '2026-03-05' })
      .expect(200);
    expectProblem(
      await officer
        .post(`/v1/programmes/${programmeId}/enrollments/${enrollmentId}/completion`)
        .set('Idempotency-Key', key())
        .send({ certificateNumber: 'BKPSDM/2026/0002', completedOn: '2026-03-05' }),
      422,
      { code: 'already-completed' },
    );
    await h.settle();

    const self = await h.as('employee', employees[0]);
    const record = await self.get(`/v1/employees/${employees[0]}/training?year=2026`).expect(200);
    expect(record.body).toMatchObject({
      employeeType: 'PNS',
      tally: { jpDone: 16, entitlement: 20, shortfall: 4, per: 'calendar-year' },
      competencyRecord: [{ competencyArea: 'managerial', jp: 16, completions: 1 }],
      enrollments: [{ enrollmentId, status: 'completed', basis: { kind: 'officer', by: 'officer-1' }, completion: { certificateNumber: 'BKPSDM/2026/0001', jp: 16 } }],
    });
    expect((record.body as { tally: { regulation: string } }).tally.regulation).toContain('PP 11/2017');

    const shortfall = await officer.get(`/v1/units/${unitId}/jp-shortfall?year=2026`).expect(200);
    const items = (shortfall.body as { items: { employeeId: string; shortfall: number; entitlement: number }[] }).items;
    expect(items.map((i) => [i.employeeId, i.shortfall])).toEqual([
      [employees[3], 24],
      ...[employees[1]!, employees[2]!].sort().map((id) => [id, 20]),
      [employees[0], 4],
    ]);
  });

  it('cancelling a programme cancels its enrolments with reason programme-cancelled', async () => {
    const programmeId = await schedule({ capacity: 1 });
    await enroll(programmeId, employees[0]!).expect(201);
    await enroll(programmeId, employees[1]!).expect(201);
    const current = await officer.get(`/v1/programmes/${programmeId}`).expect(200);
    expectProblem(
      await officer.post(`/v1/programmes/${programmeId}/cancellation`).set('Idempotency-Key', key()).set('If-Match', '"0"').send({ reason: 'Trainer unavailable' }),
      412,
    );
    await officer
      .post(`/v1/programmes/${programmeId}/cancellation`)
      .set('Idempotency-Key', key())
      .set('If-Match', current.headers.etag as string)
      .send({ reason: 'Trainer unavailable' })
      .expect(200);
    const view = (await officer.get(`/v1/programmes/${programmeId}`).expect(200)).body as { status: string; cancelled: { cancellation: { reason: string } }[] };
    expect(view.status).toBe('cancelled');
    expect(view.cancelled.map((e) => e.cancellation.reason)).toEqual(['programme-cancelled', 'programme-cancelled']);
    expectProblem(await enroll(programmeId, employees[2]!), 422, { code: 'programme-cancelled' });
  });

  it('replays a retried command with the same Idempotency-Key and writes nothing twice', async () => {
    const programmeId = await schedule();
    const k = key();
    const a = await officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', k).send({ employeeId: employees[0] }).expect(201);
    const b = await officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', k).send({ employeeId: employees[0] }).expect(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body).toEqual(a.body);
    expectProblem(await officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', k).send({ employeeId: employees[1] }), 422);
    let count = 0;
    for await (const _ of h.store.readStream(`programme-${programmeId}`)) count++;
    expect(count).toBe(2);
  });
});
