import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { streamId } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { waitUntil, type HttpClient } from '@asn/testing';
import { needEnrollmentId } from '../needs/placement';
import { aProgramme } from '../programmes/programme.fixtures';
import { appointEmployee, establishUnit, identifyNeed, key, programmeBody, startTrainingHarness, type TrainingHarness } from '../testing/trainingHarness';

// The read model takes the service's own events (programme streams) from its own store and only the other
// contexts' topics from the bus: on Kafka, no round trip through the broker before a write shows.
describe("the service's own events", () => {
  let h: TrainingHarness;
  let officer: HttpClient;
  let unitId: string;
  let employeeId: string;

  beforeEach(async () => {
    h = await startTrainingHarness({ today: '2026-02-01' });
    officer = await h.as('training-officer', 'officer-1');
    unitId = await establishUnit(h.store);
    employeeId = await appointEmployee(h.store, unitId);
    await h.settle();
  });
  afterEach(async () => h.close());

  const schedule = async (overrides: Record<string, unknown> = {}): Promise<string> =>
    ((await officer.post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody(overrides)).expect(201)).body as { programmeId: string }).programmeId;
  const enroll = async (programmeId: string): Promise<string> =>
    ((await officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', key()).send({ employeeId }).expect(201)).body as { enrollmentId: string })
      .enrollmentId;
  const complete = (programmeId: string, enrollmentId: string) =>
    officer
      .post(`/v1/programmes/${programmeId}/enrollments/${enrollmentId}/completion`)
      .set('Idempotency-Key', key())
      .send({ certificateNumber: 'BKPSDM/2026/0042', completedOn: '2026-03-05' });
  const tally = async () =>
    ((await officer.get(`/v1/employees/${employeeId}/training?year=2026`).expect(200)).body as { tally: { jpDone: number; shortfall: number } }).tally;

  it('reach the read model from the store while the bus part is held back', async () => {
    h.training.consumer.others.pause();
    const programmeId = await schedule();
    await enroll(programmeId);
    await waitUntil(
      'the programme list shows the enrolment',
      async () => {
        const list = (await officer.get('/v1/programmes').expect(200)).body as { items: { programmeId: string; participants: number }[] };
        return list.items.some((p) => p.programmeId === programmeId && p.participants === 1);
      },
      5_000,
      10,
    );
    h.training.consumer.others.resume();
  });

  it('a completion answers once the JP tally shows it: a GET right after reads it', async () => {
    const programmeId = await schedule({ jp: 16 });
    const enrollmentId = await enroll(programmeId);
    h.clock.today = '2026-03-05';
    await h.settle();
    expect(await tally()).toMatchObject({ jpDone: 0, shortfall: 20 });

    const res = await complete(programmeId, enrollmentId).expect(200);
    expect(res.body).toMatchObject({ programmeId, enrollmentId, status: 'completed', tallyUpdated: true });
    expect(await tally()).toMatchObject({ jpDone: 16, shortfall: 4 });
  });

  it('a completion waits for a read model that is behind, then answers', async () => {
    const programmeId = await schedule({ jp: 16 });
    const enrollmentId = await enroll(programmeId);
    h.clock.today = '2026-03-05';
    await h.settle();

    h.training.consumer.own.pause();
    let answered = false;
    const completing = complete(programmeId, enrollmentId).then((r) => {
      answered = true;
      return r;
    });
    // The completion is committed, but the read model is held back: no answer yet.
    await waitUntil(
      'the completion is committed',
      async () => {
        for await (const e of h.store.readStream(`programme-${programmeId}`)) if (e.type === 'ParticipantCompleted') return true;
        return false;
      },
      5_000,
      5,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    h.training.consumer.own.resume();
    const res = await completing;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tallyUpdated: true });
    expect(await tally()).toMatchObject({ jpDone: 16, shortfall: 4 });
  });

  // A programme committed without its request placing the open needs (the request died right after the
  // append) and a need identified at the same moment: the consumer's two parts deliver them in either order,
  // or together; one handler at a time, the later of the two sees the earlier.
  it.each([
    ['the programme first', ['own', 'others']],
    ['the need first', ['others', 'own']],
    ['both at once', []],
  ] as const)('places a need and a programme that arrive together: %s', async (_, order) => {
    h.training.consumer.consumer.pause();
    const programmeId = newId();
    await h.store.appendToStream(streamId('programme', programmeId), [
      { id: newId(), type: 'ProgrammeScheduled', data: { ...aProgramme({ startsOn: '2026-03-02', endsOn: '2026-03-04' }), scheduledBy: 'officer-1' } },
    ]);
    const need = await identifyNeed(h.store, { employeeId, unitId });
    const applied = (stream: string) => () => h.training.readModel.inbox.revisionOf(stream) !== undefined;
    const streamOf = { own: `programme-${programmeId}`, others: `evaluation-${need.appraisalId}` };
    for (const part of order) {
      h.training.consumer[part].resume();
      await waitUntil(`${part} applied`, applied(streamOf[part]), 5_000, 5);
    }
    if (order.length === 0) h.training.consumer.consumer.resume();
    await h.settle();
    const enrolments: { stream: string; type: string; enrollmentId: string }[] = [];
    for await (const e of h.store.readAll({ categories: ['programme'] })) {
      if (e.type === 'ParticipantEnrolled') enrolments.push({ stream: e.stream, type: e.type, enrollmentId: (e.data as { enrollmentId: string }).enrollmentId });
    }
    expect(enrolments).toEqual([{ stream: `programme-${programmeId}`, type: 'ParticipantEnrolled', enrollmentId: needEnrollmentId(need.needId) }]);
    expect(h.training.readModel.need(need.needId)).toMatchObject({ status: 'enrolled', programmeId });
  });
});
