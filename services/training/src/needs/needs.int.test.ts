import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { newId } from '@asn/event-store';
import { createLogger } from '@asn/service-kit';
import { type HttpClient } from '@asn/testing';
import { createApp } from '../app';
import { DEFAULT_RULES } from '../rules/rules';
import { appointEmployee, establishUnit, identifyNeed, key, programmeBody, startTrainingHarness, type TrainingHarness } from '../testing/trainingHarness';
import { needEnrollmentId } from './placement';

describe('enrolment from training needs', () => {
  let h: TrainingHarness;
  let officer: HttpClient;
  let unitId: string;

  beforeEach(async () => {
    h = await startTrainingHarness({ today: '2026-02-01' });
    officer = await h.as('training-officer', 'officer-1');
    unitId = await establishUnit(h.store);
  });
  afterEach(async () => h.close());

  const schedule = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const res = await officer.post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody(overrides)).expect(201);
    return (res.body as { programmeId: string }).programmeId;
  };
  /** Every enrolment-type event in the store, by programme. */
  const enrolmentEvents = async () => {
    const found: { stream: string; type: string; enrollmentId: string }[] = [];
    for await (const e of h.store.readAll({ categories: ['programme'] })) {
      if (e.type === 'ParticipantEnrolled' || e.type === 'ParticipantWaitlisted') found.push({ stream: e.stream, type: e.type, enrollmentId: (e.data as { enrollmentId: string }).enrollmentId });
    }
    return found;
  };

  it('enrols a need into the earliest matching programme with a free seat, else the earliest waitlist', async () => {
    const later = await schedule({ startsOn: '2026-05-04', endsOn: '2026-05-06', capacity: 1 });
    const earlier = await schedule({ startsOn: '2026-03-02', endsOn: '2026-03-04', capacity: 1 });
    await schedule({ startsOn: '2026-02-16', endsOn: '2026-02-18', competencyArea: 'managerial' });
    const [a, b, c] = [await appointEmployee(h.store, unitId), await appointEmployee(h.store, unitId), await appointEmployee(h.store, unitId)];
    const needA = await identifyNeed(h.store, { employeeId: a, unitId });
    const needB = await identifyNeed(h.store, { employeeId: b, unitId });
    const needC = await identifyNeed(h.store, { employeeId: c, unitId });
    await h.settle();

    const placed = await enrolmentEvents();
    expect(placed).toEqual([
      { stream: `programme-${earlier}`, type: 'ParticipantEnrolled', enrollmentId: needEnrollmentId(needA.needId) },
      { stream: `programme-${later}`, type: 'ParticipantEnrolled', enrollmentId: needEnrollmentId(needB.needId) },
      { stream: `programme-${earlier}`, type: 'ParticipantWaitlisted', enrollmentId: needEnrollmentId(needC.needId) },
    ]);

    // The employee sees why: the need, its appraisal, period, source and predicate.
    const self = await h.as('employee', a);
    const record = await self.get(`/v1/employees/${a}/training?year=2026`).expect(200);
    expect((record.body as { enrollments: { basis: unknown; programmeId: string }[] }).enrollments).toEqual([
      expect.objectContaining({
        programmeId: earlier,
        basis: { kind: 'training-need', needId: needA.needId, appraisalId: needA.appraisalId, period: { kind: 'annual', year: 2025 }, source: 'predicate', predicate: 'butuh-perbaikan' },
      }),
    ]);
    const needs = await officer.get('/v1/training-needs?status=enrolled&area=technical').expect(200);
    expect((needs.body as { items: { needId: string; status: string }[] }).items.map((n) => [n.needId, n.status])).toEqual([
      [needA.needId, 'enrolled'],
      [needB.needId, 'enrolled'],
      [needC.needId, 'waitlisted'],
    ]);
  });

  it('keeps a need without a matching programme open, and enrols it when one is scheduled', async () => {
    await schedule({ competencyArea: 'managerial' });
    const employeeId = await appointEmployee(h.store, unitId);
    const need = await identifyNeed(h.store, { employeeId, unitId, competencyArea: 'socio-cultural' });
    await h.settle();
    const open = await officer.get('/v1/training-needs?status=open&area=socio-cultural').expect(200);
    expect((open.body as { items: { needId: string; status: string }[] }).items).toEqual([expect.objectContaining({ needId: need.needId, status: 'open', employeeId })]);
    expect(await enrolmentEvents()).toEqual([]);

    const programmeId = await schedule({ competencyArea: 'socio-cultural' });
    await h.settle();
    // Both the scheduling request and the consumer's reaction to it place the need: one enrolment.
    expect(await enrolmentEvents()).toEqual([{ stream: `programme-${programmeId}`, type: 'ParticipantEnrolled', enrollmentId: needEnrollmentId(need.needId) }]);
    const after = await officer.get('/v1/training-needs?status=open').expect(200);
    expect((after.body as { items: unknown[] }).items).toEqual([]);
  });

  it('never enrols the same need twice when everything is delivered again (read model rebuilt from position 0)', async () => {
    await schedule({ capacity: 1, startsOn: '2026-03-02', endsOn: '2026-03-03' });
    await schedule({ capacity: 5, startsOn: '2026-04-06', endsOn: '2026-04-07' });
    const employeeId = await appointEmployee(h.store, unitId);
    const need = await identifyNeed(h.store, { employeeId, unitId });
    await h.settle();
    const before = await enrolmentEvents();
    expect(before).toHaveLength(1);
    const head = await h.store.headPosition();

    // A crash that lost the read model and the bus checkpoint: every event is delivered again, the need too.
    await h.training.stop();
    rmSync(join(h.dataDir, 'training.readmodel.db'));
    await h.store.checkpoints('bus:training').save(0);
    h.training = await createApp({
      store: h.store,
      bus: h.bus,
      idempotency: (await import('@asn/service-kit')).createMemoryIdempotencyStore(),
      rules: DEFAULT_RULES,
      readModelPath: join(h.dataDir, 'training.readmodel.db'),
      logger: createLogger({ service: 'training', level: 'silent' }),
      auth: async () => {
        throw new Error('no calls');
      },
      now: () => new Date(`${h.clock.today}T03:00:00Z`),
    });
    await h.training.consumer.consumer.caughtUp;
    await h.training.consumer.settled();

    expect(await h.store.headPosition()).toBe(head);
    expect(await enrolmentEvents()).toEqual(before);
    expect(h.training.readModel.need(need.needId)).toMatchObject({ status: 'enrolled', enrollmentId: needEnrollmentId(need.needId) });
  });

  it('does not enrol a need into a programme that already holds the employee', async () => {
    const first = await schedule({ startsOn: '2026-03-02', endsOn: '2026-03-03' });
    const second = await schedule({ startsOn: '2026-04-06', endsOn: '2026-04-07' });
    const employeeId = await appointEmployee(h.store, unitId);
    await h.settle();
    await officer.post(`/v1/programmes/${first}/enrollments`).set('Idempotency-Key', key()).send({ employeeId }).expect(201);
    await identifyNeed(h.store, { employeeId, unitId });
    await h.settle();
    expect((await enrolmentEvents()).map((e) => e.stream)).toEqual([`programme-${first}`, `programme-${second}`]);
  });

  it('places a need only once the org chart shows its employee in service on the programme\'s first day', async () => {
    const programmeId = await schedule({ startsOn: '2026-03-02', endsOn: '2026-03-03', capacity: 5 });
    // A need whose employee the org chart does not know (yet): personnel's events are behind evaluation's.
    const employeeId = newId();
    const need = await identifyNeed(h.store, { employeeId, unitId });
    await h.settle();
    expect(await enrolmentEvents()).toEqual([]);
    expect(h.training.readModel.need(need.needId)).toMatchObject({ status: 'open' });

    await appointEmployee(h.store, unitId, { employeeId });
    await h.settle();
    // The next programme of the area takes it, and the earliest with a seat is chosen again.
    await schedule({ startsOn: '2026-04-06', endsOn: '2026-04-07' });
    await h.settle();
    expect(await enrolmentEvents()).toEqual([{ stream: `programme-${programmeId}`, type: 'ParticipantEnrolled', enrollmentId: needEnrollmentId(need.needId) }]);
  });
});
