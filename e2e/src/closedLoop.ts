import { expect } from '@jest/globals';
import { waitUntil } from '@asn/testing';
import { decree, type City, type Reply } from './city';

// The closed loop of issue 5, through the three services' HTTP APIs only: a staffing officer appoints,
// an evaluator appraises, the loop closes by itself (a poor predicate → a training need → an enrolment;
// two baik years → promotion-eligible in personnel), and a training officer records the completion that
// updates the JP tally. The services' clocks start on 10 February 2027 (CLOCK_START), then training is
// restarted on 8 March 2027 to record the completion of a programme held 1–5 March.

export const CLOCK_PHASE_1 = '2027-02-10T08:00:00+07:00';
const CLOCK_PHASE_2 = '2027-03-08T08:00:00+07:00';

const STAFF = { role: 'hr-staff', sub: 'staff-1' } as const;
const APPROVER = { role: 'hr-approver', sub: 'approver-1' } as const;
const OFFICER = { role: 'training-officer', sub: 'officer-1' } as const;
const evaluatorAs = (employeeId: string) => ({ role: 'evaluator', sub: employeeId }) as const;

const ok = (reply: Reply, status: number, what: string): Record<string, unknown> => {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

interface Person {
  nip: string;
  name: string;
  birthDate: string;
  gender: 'male' | 'female';
  education: 'S1' | 'S2';
  golongan: 'III/a' | 'III/b';
  tmt: string;
}

export const runClosedLoop = async (city: City, timeoutMs: number): Promise<void> => {
  const appoint = async (unitId: string, person: Person, position: Record<string, unknown>): Promise<string> => {
    const { nip, name, birthDate, gender, education, golongan, tmt } = person;
    const proposed = ok(
      await city.call('personnel', 'POST', '/v1/employees', STAFF, {
        decision: { kind: 'appointment', employeeType: 'PNS', golongan, unitId, position },
        decree: decree(tmt, nip.slice(-3)),
        personal: { name, nip, birthDate, gender, education },
      }),
      201,
      `propose the appointment of ${name}`,
    );
    const employeeId = proposed['employeeId'] as string;
    ok(await city.call('personnel', 'POST', `/v1/employees/${employeeId}/proposals/${proposed['decisionId'] as string}/approval`, APPROVER), 200, `approve ${name}`);
    return employeeId;
  };

  // The training officer plans a technical programme for March before any need exists.
  const programme = ok(
    await city.call('training', 'POST', '/v1/programmes', OFFICER, {
      title: 'Penyusunan Laporan Kinerja',
      competencyArea: 'technical',
      jp: 24,
      capacity: 20,
      startsOn: '2027-03-01',
      endsOn: '2027-03-05',
      deliveryMode: 'classroom',
      organiser: 'BKPSDM Kota Tanjungbalai',
    }),
    201,
    'schedule a programme',
  );
  const programmeId = programme['programmeId'] as string;

  // The staffing officer's org chart: a secretariat headed by S, a division under it headed by H, two staff.
  const secretariat = ok(
    await city.call('personnel', 'POST', '/v1/units', APPROVER, { name: 'Sekretariat Daerah', code: 'SETDA', tmt: '2000-01-01', legalBasis: 'Perda 1/2000' }),
    201,
    'establish the secretariat',
  )['unitId'] as string;
  const division = ok(
    await city.call('personnel', 'POST', '/v1/units', APPROVER, { name: 'Bagian Organisasi', code: 'ORG', parentUnitId: secretariat, tmt: '2000-01-01', legalBasis: 'Perda 1/2000' }),
    201,
    'establish the division',
  )['unitId'] as string;
  const head = await appoint(
    secretariat,
    { nip: '197501012000011001', name: 'Rahmat Siregar', birthDate: '1975-01-01', gender: 'male', education: 'S2', golongan: 'III/b', tmt: '2000-01-01' },
    { kind: 'managerial', level: 'jpt-pratama', title: 'Sekretaris Daerah' },
  );
  const chief = await appoint(
    division,
    { nip: '198002022005022002', name: 'Dewi Lubis', birthDate: '1980-02-02', gender: 'female', education: 'S2', golongan: 'III/b', tmt: '2005-02-01' },
    { kind: 'managerial', level: 'administrator', title: 'Kepala Bagian Organisasi' },
  );
  const steady = await appoint(
    division,
    { nip: '199003032018031003', name: 'Budi Nasution', birthDate: '1990-03-03', gender: 'male', education: 'S1', golongan: 'III/a', tmt: '2018-03-01' },
    { kind: 'pelaksana', title: 'Analis Tata Laksana' },
  );
  const struggling = await appoint(
    division,
    { nip: '199104042018032004', name: 'Sri Pane', birthDate: '1991-04-04', gender: 'female', education: 'S1', golongan: 'III/a', tmt: '2018-03-01' },
    { kind: 'pelaksana', title: 'Pengelola Kepegawaian' },
  );

  // HR opens the appraisals once the evaluation service's org chart has the appointments (through the bus).
  const openAppraisal = async (employeeId: string, year: number): Promise<Record<string, unknown>> => {
    let reply: Reply | undefined;
    await waitUntil(
      `evaluation sees ${employeeId} for ${year}`,
      async () => {
        reply = await city.call('evaluation', 'POST', '/v1/appraisals', STAFF, { employeeId, period: { kind: 'annual', year } });
        return reply.status === 201 || reply.status === 200;
      },
      timeoutMs,
      200,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last reply ${JSON.stringify(reply)}`);
    });
    return reply!.body;
  };
  const appraise = async (employeeId: string, year: number, results: string, behaviour: string): Promise<Record<string, unknown>> => {
    const opened = await openAppraisal(employeeId, year);
    // The evaluator is the direct supervisor from the org chart: the head of the division.
    expect(opened).toMatchObject({ employeeId, evaluatorId: chief, status: 'draft' });
    const id = opened['appraisalId'] as string;
    const aspect = { rating: 'meets', note: 'Hadir tepat waktu, bekerja sesuai SOP.' };
    ok(
      await city.call('evaluation', 'POST', `/v1/appraisals/${id}/ratings`, evaluatorAs(chief), {
        results,
        behaviour,
        aspects: { competence: aspect, discipline: aspect, integrity: aspect },
      }),
      200,
      `rate ${year}`,
    );
    ok(await city.call('evaluation', 'POST', `/v1/appraisals/${id}/submission`, evaluatorAs(chief)), 200, `submit ${year}`);
    // The evaluator's own superior, the head of the secretariat, reviews.
    ok(await city.call('evaluation', 'POST', `/v1/appraisals/${id}/review`, evaluatorAs(head)), 200, `review ${year}`);
    return ok(await city.call('evaluation', 'POST', `/v1/appraisals/${id}/finalisation`, evaluatorAs(chief)), 200, `finalise ${year}`);
  };

  expect(await appraise(steady, 2025, 'meets', 'meets')).toMatchObject({ status: 'final', predicate: 'baik' });
  expect(await appraise(steady, 2026, 'above', 'meets')).toMatchObject({ status: 'final', predicate: 'baik' });
  const poor = await appraise(struggling, 2026, 'below', 'meets');
  expect(poor).toMatchObject({ status: 'final', predicate: 'butuh-perbaikan', trainingNeedAreas: ['technical'] });

  // The loop closes by itself: the training need enrols the employee into the March programme...
  let record: Record<string, unknown> = {};
  await waitUntil(
    'training enrols the employee from the training need',
    async () => {
      const reply = await city.call('training', 'GET', `/v1/employees/${struggling}/training?year=2027`, OFFICER);
      record = reply.body;
      return reply.status === 200 && Array.isArray(record['enrollments']) && record['enrollments'].length > 0;
    },
    timeoutMs,
    200,
  );
  const enrollment = (record['enrollments'] as Record<string, unknown>[])[0] ?? {};
  expect(enrollment).toMatchObject({
    programmeId,
    status: 'enrolled',
    basis: { kind: 'training-need', appraisalId: poor['appraisalId'], source: 'predicate', predicate: 'butuh-perbaikan', period: { kind: 'annual', year: 2026 } },
  });
  // ...and the employee sees why.
  const own = ok(await city.call('training', 'GET', `/v1/employees/${struggling}/training?year=2027`, { role: 'employee', sub: struggling }), 200, 'the employee reads their record');
  expect((own['enrollments'] as unknown[])[0]).toMatchObject({ basis: { kind: 'training-need' } });

  // ...and personnel's promotion eligibility uses the predicates: two baik years for one, a poor one for the other.
  let eligibility: Record<string, unknown>[] = [];
  await waitUntil(
    'personnel sees the final predicates',
    async () => {
      const reply = await city.call('personnel', 'GET', `/v1/eligibility/promotions?period=2027-04&unitId=${division}&includeIneligible=true`, APPROVER);
      eligibility = (reply.body['items'] ?? []) as Record<string, unknown>[];
      const ofStruggling = eligibility.find((row) => row['employeeId'] === struggling);
      return ofStruggling !== undefined && Array.isArray(ofStruggling['appraisals']) && ofStruggling['appraisals'].length > 0 &&
        (eligibility.find((row) => row['employeeId'] === steady)?.['appraisals'] as unknown[] | undefined)?.length === 2;
    },
    timeoutMs,
    200,
  );
  expect(eligibility.find((row) => row['employeeId'] === steady)).toMatchObject({
    eligible: true,
    appraisals: [
      { year: 2025, predicate: 'baik' },
      { year: 2026, predicate: 'baik' },
    ],
  });
  const strugglingRow = eligibility.find((row) => row['employeeId'] === struggling);
  expect(strugglingRow).toMatchObject({ eligible: false });
  expect(strugglingRow?.['reasons']).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'promotion.appraisal' })]));

  // After the programme (restart training on 8 March): attendance and completion with a certificate.
  await city.stop('training');
  await city.start('training', { CLOCK_START: CLOCK_PHASE_2 });
  const enrollmentId = enrollment['enrollmentId'] as string;
  const base = `/v1/programmes/${programmeId}/enrollments/${enrollmentId}`;
  for (const date of ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05']) {
    ok(await city.call('training', 'POST', `${base}/attendance`, OFFICER, { date, present: true }), 200, `attendance ${date}`);
  }
  ok(await city.call('training', 'POST', `${base}/completion`, OFFICER, { certificateNumber: 'BKPSDM/2027/III/0042', completedOn: '2027-03-05' }), 200, 'completion');
  // The read models follow the events (on Kafka, the service's own events come back through the topic).
  let after: Record<string, unknown> = {};
  await waitUntil(
    'the JP tally counts the completion',
    async () => {
      after = ok(await city.call('training', 'GET', `/v1/employees/${struggling}/training?year=2027`, OFFICER), 200, 'the record after completion');
      return (after['tally'] as { jpDone?: number } | null)?.jpDone === 24;
    },
    timeoutMs,
    100,
  );
  expect(after['tally']).toMatchObject({ year: 2027, jpDone: 24, entitlement: 20, shortfall: 0 });
  expect(after['competencyRecord']).toEqual([{ competencyArea: 'technical', jp: 24, completions: 1, lastCompletedOn: '2027-03-05' }]);
  expect((after['enrollments'] as unknown[])[0]).toMatchObject({ status: 'completed', completion: { certificateNumber: 'BKPSDM/2027/III/0042' } });
  // The steady employee trained nothing in 2027: below entitlement on the unit's list for the officer.
  const shortfall = ok(await city.call('training', 'GET', `/v1/units/${division}/jp-shortfall?year=2027`, OFFICER), 200, 'the unit shortfall list');
  const short = (shortfall['items'] as Record<string, unknown>[]).map((row) => row['employeeId']);
  expect(short).toContain(steady);
  expect(short).not.toContain(struggling);
};
