import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type HttpClient } from '@asn/testing';
import { appointEmployee, establishUnit, key, programmeBody, retireEmployee, startTrainingHarness, type TrainingHarness } from '../testing/trainingHarness';

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
});
