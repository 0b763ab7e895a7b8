// A complaint from the public reaches the appraisal of the employee it names, with the real processes of
// personnel (the org chart), feedback and evaluation: once on the local bus (one DATA_DIR, the store file is
// the bus) and once on the real Kafka broker (a DATA_DIR per service, feedback's relay publishes
// asn.feedback.v1, evaluation consumes it). A substantiated complaint is a note on the open appraisal, never a
// rating: the evaluator's ratings stay as they were.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { describeWithInfra, waitUntil } from '@asn/testing';
import { decree, openCity, type City, type Reply } from './city';

// Wednesday 10 February 2027, 08:00 WIB: a working day, the 2027 appraisal period running.
const CLOCK_START = '2027-02-10T08:00:00+07:00';
const SERVICES = ['personnel', 'feedback', 'evaluation'] as const;

const STAFF = { role: 'hr-staff', sub: 'staff-1' } as const;
const APPROVER = { role: 'hr-approver', sub: 'approver-1' } as const;
const OFFICER = { role: 'feedback-officer', sub: 'officer-1' } as const;
const evaluatorAs = (employeeId: string) => ({ role: 'evaluator', sub: employeeId }) as const;

const ok = (reply: Reply, status: number, what: string): Record<string, unknown> => {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

const runComplaint = async (city: City, timeoutMs: number): Promise<void> => {
  // The staffing officer's org chart: one office, its head and a clerk at the counter.
  const unitId = ok(
    await city.call('personnel', 'POST', '/v1/units', APPROVER, { name: 'Dinas Kependudukan dan Pencatatan Sipil', code: 'DISDUKCAPIL', tmt: '2000-01-01', legalBasis: 'Perda 1/2000' }),
    201,
    'establish the office',
  )['unitId'] as string;
  const appoint = async (nip: string, personal: Record<string, unknown>, golongan: string, tmt: string, position: Record<string, unknown>): Promise<string> => {
    const proposed = ok(
      await city.call('personnel', 'POST', '/v1/employees', STAFF, {
        decision: { kind: 'appointment', employeeType: 'PNS', golongan, unitId, position },
        decree: decree(tmt, nip.slice(-3)),
        personal: { nip, ...personal },
      }),
      201,
      `propose the appointment of ${nip}`,
    );
    const employeeId = proposed['employeeId'] as string;
    ok(await city.call('personnel', 'POST', `/v1/employees/${employeeId}/proposals/${proposed['decisionId'] as string}/approval`, APPROVER), 200, `approve ${nip}`);
    return employeeId;
  };
  const head = await appoint('197806152003121001', { name: 'Hendra Simanjuntak', birthDate: '1978-06-15', gender: 'male', education: 'S2' }, 'III/b', '2003-12-01', {
    kind: 'managerial',
    level: 'jpt-pratama',
    title: 'Kepala Dinas Kependudukan dan Pencatatan Sipil',
  });
  const clerk = await appoint('199207142019032002', { name: 'Maya Hutagalung', birthDate: '1992-07-14', gender: 'female', education: 'S1' }, 'III/a', '2019-03-01', {
    kind: 'pelaksana',
    title: 'Pengadministrasi Kependudukan',
  });

  // HR opens the clerk's 2027 appraisal once evaluation's org chart has her; the head, her evaluator, rates it.
  let opened: Reply | undefined;
  await waitUntil(
    'evaluation sees the clerk',
    async () => {
      opened = await city.call('evaluation', 'POST', '/v1/appraisals', STAFF, { employeeId: clerk, period: { kind: 'annual', year: 2027 } });
      return opened.status === 201 || opened.status === 200;
    },
    timeoutMs,
    200,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last reply ${JSON.stringify(opened)}`);
  });
  expect(opened?.body).toMatchObject({ employeeId: clerk, evaluatorId: head, status: 'draft', complaints: [] });
  const appraisalId = opened?.body['appraisalId'] as string;
  const aspect = { rating: 'meets', note: 'Melayani sesuai SOP.' };
  ok(
    await city.call('evaluation', 'POST', `/v1/appraisals/${appraisalId}/ratings`, evaluatorAs(head), { results: 'meets', behaviour: 'meets', aspects: { competence: aspect, discipline: aspect, integrity: aspect } }),
    200,
    'rate the appraisal',
  );
  const rated = ok(await city.call('evaluation', 'GET', `/v1/appraisals/${appraisalId}`, STAFF), 200, 'read the rated appraisal');
  expect(rated).toMatchObject({ status: 'draft', ratings: expect.objectContaining({ results: 'meets', behaviour: 'meets' }), complaints: [] });

  // A citizen reports the clerk, anonymously and without a token, once feedback's org chart knows the office
  // (before that the desk answers 503 no-intake-unit: there is nowhere to route a report to).
  const report = {
    category: 'illegal-levy',
    unitId,
    employeeId: clerk,
    service: 'Perekaman KTP elektronik',
    description: 'Petugas perekaman meminta Rp100.000 agar KTP selesai hari itu juga, tanpa kuitansi.',
    anonymous: true,
  };
  let submitted: Reply | undefined;
  await waitUntil(
    'feedback knows the office',
    async () => {
      submitted = await city.call('feedback', 'POST', '/v1/public/tickets', null, report);
      return submitted.status !== 503;
    },
    timeoutMs,
    250,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last reply ${JSON.stringify(submitted)}`);
  });
  const receipt = ok(submitted ?? { status: 0, body: {} }, 201, 'submit the complaint');
  const { ticketNumber, token } = receipt as { ticketNumber: string; token: string };
  const followed = ok(await city.call('feedback', 'GET', `/v1/public/tickets/${ticketNumber}`, null, undefined, { authorization: `Bearer ${token}` }), 200, 'follow the ticket');
  expect(followed).toMatchObject({ status: 'open', kind: 'complaint', unit: { unitId }, contact: 'none' });

  // The feedback officer finds it in the queue, answers and substantiates it.
  const queue = ok(await city.call('feedback', 'GET', '/v1/tickets', OFFICER), 200, 'the queue');
  const ticket = (queue['items'] as Record<string, unknown>[]).find((item) => item['ticketNumber'] === ticketNumber);
  expect(ticket).toMatchObject({ unitId, employeeId: clerk, status: 'open', anonymous: true });
  const ticketId = ticket?.['ticketId'] as string;
  ok(await city.call('feedback', 'POST', `/v1/tickets/${ticketId}/responses`, OFFICER, { message: 'Laporan Anda kami terima dan sedang diperiksa.' }), 200, 'first response');
  expect(ok(await city.call('feedback', 'POST', `/v1/tickets/${ticketId}/substantiation`, OFFICER, {}), 200, 'substantiate')).toMatchObject({ substantiated: true });

  // The evaluator sees it as a complaint note on the open appraisal; no rating moved.
  let noted: Record<string, unknown> = {};
  await waitUntil(
    'evaluation notes the complaint on the appraisal',
    async () => {
      noted = ok(await city.call('evaluation', 'GET', `/v1/appraisals/${appraisalId}`, evaluatorAs(head)), 200, 'the evaluator reads the appraisal');
      return Array.isArray(noted['complaints']) && noted['complaints'].length > 0;
    },
    timeoutMs,
    200,
  );
  expect(noted).toMatchObject({ appraisalId, employeeId: clerk, status: 'draft', complaints: [ticketId], predicate: null });
  expect(noted['ratings']).toEqual(rated['ratings']);
  // Nothing of the report's text travelled: the appraisal knows the ticket, not what it says.
  expect(JSON.stringify(noted)).not.toContain('Rp100.000');
};

let city: City | undefined;

const run = async (open: () => City): Promise<void> => {
  city = open();
  try {
    for (const service of SERVICES) await city.start(service, service === 'feedback' ? { PUBLIC_RATE_LIMIT: '10000' } : {});
    await runComplaint(city, 60_000);
  } catch (error) {
    throw new Error(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n--- service logs (last 20,000 characters) ---\n${city.logs().slice(-20_000)}`);
  }
};

afterEach(async () => {
  await city?.close();
  city = undefined;
});

describe('a complaint on the local bus', () => {
  it('public report → substantiated by the feedback officer → a note on the open appraisal, the ratings untouched', async () => {
    await run(() => openCity({ bus: 'local' }, CLOCK_START));
  }, 180_000);
});

describeWithInfra('kafka', (getInfra) => {
  it('reaches the appraisal through the topics of a real Kafka broker', async () => {
    await run(() => openCity({ bus: 'kafka', brokers: getInfra().brokers.join(','), topicPrefix: `complaint-${randomUUID().slice(0, 8)}.` }, CLOCK_START));
  }, 300_000);
});
