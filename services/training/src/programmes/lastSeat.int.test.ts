import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type HttpClient } from '@asn/testing';
import { appointEmployee, establishUnit, key, programmeBody, startTrainingHarness, type TrainingHarness } from '../testing/trainingHarness';

// N officers' enrolments race for k < N seats through HTTP (no If-Match): each request loads the programme,
// decides on its seats and appends expecting that revision; the losers of a race get a revision conflict
// and decide again on fresh state. The store's unique (stream, revision) is what keeps two of them from
// taking the same seat.
describe('concurrent enrolments racing for the last seats', () => {
  const N = 12;
  const k = 3;
  let h: TrainingHarness;
  let officer: HttpClient;
  let employees: string[];

  beforeEach(async () => {
    h = await startTrainingHarness({ today: '2026-02-01' });
    officer = await h.as('training-officer', 'officer-1');
    const unitId = await establishUnit(h.store);
    employees = [];
    for (let i = 0; i < N; i++) employees.push(await appointEmployee(h.store, unitId));
    await h.settle();
  });
  afterEach(async () => h.close());

  it(`fills exactly ${k} seats, waitlists the other ${N - k} in commit order, and writes one enrolment per employee`, async () => {
    const created = await officer.post('/v1/programmes').set('Idempotency-Key', key()).send(programmeBody({ capacity: k })).expect(201);
    const { programmeId } = created.body as { programmeId: string };

    const responses = await Promise.all(
      employees.map((employeeId) => officer.post(`/v1/programmes/${programmeId}/enrollments`).set('Idempotency-Key', key()).send({ employeeId })),
    );

    expect(responses.map((r) => r.status)).toEqual(employees.map(() => 201));
    const statuses = responses.map((r) => (r.body as { status: string }).status);
    expect(statuses.filter((s) => s === 'enrolled')).toHaveLength(k);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(N - k);

    const stream: { type: string; revision: number; employeeId?: string; enrollmentId?: string }[] = [];
    for await (const e of h.store.readStream(`programme-${programmeId}`)) {
      const data = e.data as { employeeId?: string; enrollmentId?: string };
      stream.push({ type: e.type, revision: e.revision, ...(data.employeeId ? { employeeId: data.employeeId, enrollmentId: data.enrollmentId } : {}) });
    }
    const enrolments = stream.filter((e) => e.type === 'ParticipantEnrolled' || e.type === 'ParticipantWaitlisted');
    // One event per request, no duplicate employee or enrolment id, revisions without gaps.
    expect(stream).toHaveLength(1 + N);
    expect(stream.map((e) => e.revision)).toEqual([...Array(N + 1).keys()]);
    expect(new Set(enrolments.map((e) => e.employeeId)).size).toBe(N);
    expect(new Set(enrolments.map((e) => e.enrollmentId)).size).toBe(N);
    expect([...new Set(enrolments.map((e) => e.employeeId))].sort()).toEqual([...employees].sort());
    // The first k appended took the seats; everyone after them waits, in the order they were appended.
    expect(enrolments.map((e) => e.type)).toEqual([...Array(N).keys()].map((i) => (i < k ? 'ParticipantEnrolled' : 'ParticipantWaitlisted')));
    // Each response says what its own event says.
    for (const [i, employeeId] of employees.entries()) {
      const event = enrolments.find((e) => e.employeeId === employeeId);
      expect({ employeeId, status: statuses[i], enrollmentId: (responses[i]!.body as { enrollmentId: string }).enrollmentId }).toEqual({
        employeeId,
        status: event?.type === 'ParticipantEnrolled' ? 'enrolled' : 'waitlisted',
        enrollmentId: event?.enrollmentId,
      });
    }

    const view = (await officer.get(`/v1/programmes/${programmeId}`).expect(200)).body as {
      seatsLeft: number;
      participants: unknown[];
      waitlist: { waitlistPosition: number }[];
    };
    expect({ seatsLeft: view.seatsLeft, participants: view.participants.length, waitlist: view.waitlist.map((w) => w.waitlistPosition) }).toEqual({
      seatsLeft: 0,
      participants: k,
      waitlist: [...Array(N - k).keys()].map((i) => i + 1),
    });
    await h.settle();
    const listed = (await officer.get('/v1/programmes?area=technical').expect(200)).body as { items: { programmeId: string; seatsLeft: number; participants: number; waitlisted: number }[] };
    expect(listed.items.find((p) => p.programmeId === programmeId)).toMatchObject({ seatsLeft: 0, participants: k, waitlisted: N - k });
  });
});
