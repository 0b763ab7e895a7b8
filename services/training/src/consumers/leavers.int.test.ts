import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { waitUntil, type HttpClient } from '@asn/testing';
import { appointEmployee, establishUnit, identifyNeed, key, programmeBody, retireEmployee, startTrainingHarness, type TrainingHarness } from '../testing/trainingHarness';
import { needEnrollmentId } from '../needs/placement';

describe('when an employee retires or is dismissed', () => {
  let h: TrainingHarness;
  let officer: HttpClient;
  let unitId: string;

  beforeEach(async () => {
    h = await startTrainingHarness({ today: '2026-02-01' });
    officer = await h.as('training-officer', 'officer-1');
    unitId = await establishUnit(h.store);
  });
  afterEach(async () => h.close());

  const schedule = async (overrides: Record<string, unknown>): Promise<string> =>
    ((await officer.post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody(overrides)).expect(201)).body as { programmeId: string }).programmeId;
  const enroll = async (programmeId: string, employeeId: string) =>
    ((await officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', key()).send({ employeeId }).expect(201)).body as { enrollmentId: string; status: string });
  const streamTypes = async (programmeId: string) => {
    const types: { type: string; reason?: string; enrollmentId?: string }[] = [];
    for await (const e of h.store.readStream(`programme-${programmeId}`)) {
      const data = e.data as { reason?: string; enrollmentId?: string };
      types.push({ type: e.type, ...(data.reason ? { reason: data.reason } : {}), ...(data.enrollmentId ? { enrollmentId: data.enrollmentId } : {}) });
    }
    return types;
  };

  it('leaves programmes starting on or after the TMT and waitlists, freeing seats for the waitlisted, once', async () => {
    const before = await schedule({ startsOn: '2026-02-16', endsOn: '2026-02-20', capacity: 1 });
    const after = await schedule({ startsOn: '2026-04-06', endsOn: '2026-04-08', capacity: 1 });
    const full = await schedule({ startsOn: '2026-05-04', endsOn: '2026-05-05', capacity: 1 });
    const [leaver, other, third] = [await appointEmployee(h.store, unitId), await appointEmployee(h.store, unitId), await appointEmployee(h.store, unitId)];
    await h.settle();
    await enroll(before, leaver);
    const leaverAfter = await enroll(after, leaver);
    const waiting = await enroll(after, other);
    await enroll(full, third);
    const leaverWaiting = await enroll(full, leaver);
    expect([waiting.status, leaverWaiting.status]).toEqual(['waitlisted', 'waitlisted']);

    await retireEmployee(h.store, leaver, '2026-03-01');
    await h.settle();

    expect(await streamTypes(before)).toEqual([{ type: 'ProgrammeScheduled' }, expect.objectContaining({ type: 'ParticipantEnrolled' })]);
    expect((await streamTypes(after)).slice(-2)).toEqual([
      { type: 'EnrollmentCancelled', reason: 'employee-left', enrollmentId: leaverAfter.enrollmentId },
      { type: 'ParticipantAdmittedFromWaitlist', enrollmentId: waiting.enrollmentId },
    ]);
    expect((await streamTypes(full)).slice(-1)).toEqual([{ type: 'EnrollmentCancelled', reason: 'employee-left', enrollmentId: leaverWaiting.enrollmentId }]);

    // The org chart says who left: a new enrolment of the leaver is refused.
    const refused = await officer.post(`/v1/programmes/${after}/enrollments`).set('Idempotency-Key', key()).send({ employeeId: leaver });
    h.clock.today = '2026-03-02';
    const refusedLater = await officer.post(`/v1/programmes/${full}/enrollments`).set('Idempotency-Key', key()).send({ employeeId: leaver });
    expect([refused.status, refusedLater.status]).toEqual([422, 422]);
    expect([(refused.body as { code: string }).code, (refusedLater.body as { code: string }).code]).toEqual(['employee-leaves-before-start', 'employee-not-active']);
    // The reaction ran once: the read model's programme shows the admitted participant, nothing more was written.
    const view = (await officer.get(`/v1/programmes/${after}`).expect(200)).body as { participants: { employeeId: string }[] };
    expect(view.participants.map((p) => p.employeeId)).toEqual([other]);
  });

  type NeedItem = { needId: string; employeeId: string; status: string; closure?: { reason: string; leftOn: string; leftBy: string } };
  const needs = async (status: string): Promise<NeedItem[]> => ((await officer.get(`/v1/training-needs?status=${status}`).expect(200)).body as { items: NeedItem[] }).items;
  const enrolmentsOf = async (employeeId: string) => {
    const found: { stream: string; type: string; enrollmentId: string }[] = [];
    for await (const e of h.store.readAll({ categories: ['programme'] })) {
      const data = e.data as { employeeId?: string; enrollmentId: string };
      if (data.employeeId === employeeId) found.push({ stream: e.stream, type: e.type, enrollmentId: data.enrollmentId });
    }
    return found;
  };

  describe('their training needs', () => {
    it('closes the open needs with the reason and TMT, and a programme scheduled later enrols only those still in service', async () => {
      const [leaver, stays] = [await appointEmployee(h.store, unitId), await appointEmployee(h.store, unitId)];
      const leaverNeed = await identifyNeed(h.store, { employeeId: leaver, unitId, competencyArea: 'socio-cultural' });
      const staysNeed = await identifyNeed(h.store, { employeeId: stays, unitId, competencyArea: 'socio-cultural' });
      await h.settle();
      expect((await needs('open')).map((n) => n.needId)).toEqual([leaverNeed.needId, staysNeed.needId]);

      // Recorded ahead of its TMT: the leaving is decided, the need will not be met.
      await retireEmployee(h.store, leaver, '2026-06-01');
      await h.settle();
      expect(await needs('closed')).toEqual([
        expect.objectContaining({ needId: leaverNeed.needId, employeeId: leaver, status: 'closed', closure: { reason: 'employee-left', leftOn: '2026-06-01', leftBy: 'retirement' } }),
      ]);
      expect((await needs('open')).map((n) => n.needId)).toEqual([staysNeed.needId]);

      const programmeId = await schedule({ competencyArea: 'socio-cultural', startsOn: '2026-03-02', endsOn: '2026-03-04' });
      await h.settle();
      expect(await enrolmentsOf(leaver)).toEqual([]);
      expect(await enrolmentsOf(stays)).toEqual([{ stream: `programme-${programmeId}`, type: 'ParticipantEnrolled', enrollmentId: needEnrollmentId(staysNeed.needId) }]);
      expect((await needs('closed')).map((n) => n.needId)).toEqual([leaverNeed.needId]);
      expect((await needs('enrolled')).map((n) => n.needId)).toEqual([staysNeed.needId]);
    });

    it('closes a need identified after the leaving was recorded, and does not place it although a programme has a seat', async () => {
      await schedule({ startsOn: '2026-03-02', endsOn: '2026-03-04', capacity: 5 });
      const leaver = await appointEmployee(h.store, unitId);
      await retireEmployee(h.store, leaver, '2026-03-01');
      await h.settle();
      const need = await identifyNeed(h.store, { employeeId: leaver, unitId });
      await h.settle();
      expect(await enrolmentsOf(leaver)).toEqual([]);
      expect(await needs('closed')).toEqual([expect.objectContaining({ needId: need.needId, closure: { reason: 'employee-left', leftOn: '2026-03-01', leftBy: 'retirement' } })]);
      expect(await needs('open')).toEqual([]);
    });
  });

  // An enrolment committed after the leaving but before the consumer applied it: the org chart the request
  // (or the placement) read was behind. Whichever of the two events the consumer applies first, the
  // enrolment is withdrawn.
  describe('an enrolment made while the org chart is behind a leaving', () => {
    const leavingApplied = (employeeId: string) =>
      waitUntil('the org chart shows the leaving', () => h.training.readModel.orgChart.employeeOn(employeeId, '2199-12-31')?.status === 'left', 5_000, 5);
    const enrolmentApplied = (employeeId: string) =>
      waitUntil('the read model shows the enrolment', () => h.training.readModel.enrollmentsOf(employeeId).length > 0, 5_000, 5);
    const cancellations = async (programmeId: string) => (await streamTypes(programmeId)).filter((e) => e.type === 'EnrollmentCancelled');

    let programmeId: string;
    let leaver: string;
    beforeEach(async () => {
      programmeId = await schedule({ startsOn: '2026-03-02', endsOn: '2026-03-04', capacity: 5 });
      leaver = await appointEmployee(h.store, unitId);
      await h.settle();
    });

    it('is withdrawn (the consumer was held back while both were committed)', async () => {
      h.training.consumer.consumer.pause();
      await retireEmployee(h.store, leaver, '2026-03-01');
      const enrolment = await enroll(programmeId, leaver);
      expect(enrolment.status).toBe('enrolled');
      h.training.consumer.consumer.resume();
      await h.settle();
      expect(await cancellations(programmeId)).toEqual([{ type: 'EnrollmentCancelled', reason: 'employee-left', enrollmentId: enrolment.enrollmentId }]);
    });

    it('is withdrawn when the leaving is applied first', async () => {
      h.training.consumer.consumer.pause();
      await retireEmployee(h.store, leaver, '2026-03-01');
      const enrolment = await enroll(programmeId, leaver);
      h.training.consumer.others.resume();
      await leavingApplied(leaver);
      await h.training.consumer.settled();
      // The leaver reaction has run without seeing the enrolment.
      expect(await cancellations(programmeId)).toEqual([]);
      h.training.consumer.own.resume();
      await h.settle();
      expect(await cancellations(programmeId)).toEqual([{ type: 'EnrollmentCancelled', reason: 'employee-left', enrollmentId: enrolment.enrollmentId }]);
    });

    it('is withdrawn when the enrolment is applied first', async () => {
      h.training.consumer.others.pause();
      await retireEmployee(h.store, leaver, '2026-03-01');
      const enrolment = await enroll(programmeId, leaver);
      await enrolmentApplied(leaver);
      h.training.consumer.others.resume();
      await h.settle();
      expect(await cancellations(programmeId)).toEqual([{ type: 'EnrollmentCancelled', reason: 'employee-left', enrollmentId: enrolment.enrollmentId }]);
    });

    it('keeps a seat in a programme that starts before the TMT', async () => {
      h.training.consumer.consumer.pause();
      await retireEmployee(h.store, leaver, '2026-04-01');
      await enroll(programmeId, leaver);
      h.training.consumer.others.resume();
      await leavingApplied(leaver);
      h.training.consumer.own.resume();
      await h.settle();
      expect(await cancellations(programmeId)).toEqual([]);
      expect(h.training.readModel.enrollmentsOf(leaver).map((e) => e.status)).toEqual(['enrolled']);
    });

    it('made by the placement of an open need (a programme scheduled meanwhile) is withdrawn and the need shows closed', async () => {
      const need = await identifyNeed(h.store, { employeeId: leaver, unitId, competencyArea: 'socio-cultural' });
      await h.settle();
      h.training.consumer.consumer.pause();
      await retireEmployee(h.store, leaver, '2026-03-01');
      // The scheduling request places the open needs itself, reading an org chart that has not seen the leaving.
      const created = await officer
        .post('/v1/programmes')
        .set('Idempotency-Key', key())
        .send(programmeBody({ competencyArea: 'socio-cultural', startsOn: '2026-03-09', endsOn: '2026-03-10' }))
        .expect(201);
      const placed = created.body as { programmeId: string; enrolledFromNeeds: number };
      expect(placed.enrolledFromNeeds).toBe(1);
      // The leaving first: the read model has not seen the enrolment, so the need is closed as open, and the
      // leaver reaction finds nothing to withdraw.
      h.training.consumer.others.resume();
      await leavingApplied(leaver);
      await h.training.consumer.settled();
      expect(await cancellations(placed.programmeId)).toEqual([]);
      expect((await needs('closed')).map((n) => n.needId)).toEqual([need.needId]);
      h.training.consumer.own.resume();
      await h.settle();
      expect(await cancellations(placed.programmeId)).toEqual([{ type: 'EnrollmentCancelled', reason: 'employee-left', enrollmentId: needEnrollmentId(need.needId) }]);
      expect(await needs('closed')).toEqual([expect.objectContaining({ needId: need.needId, status: 'closed', closure: { reason: 'employee-left', leftOn: '2026-03-01', leftBy: 'retirement' } })]);
    });
  });
});
