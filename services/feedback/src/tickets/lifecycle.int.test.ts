import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { feedbackEventRegistry } from '@asn/contracts';
import type { HttpClient } from '@asn/testing';
import { key, startFeedbackHarness, type FeedbackHarness } from '../testing/feedbackHarness';

// One complaint from the public through its whole life, on the real SQLite store and local bus: submitted
// (Friday 27 Nov 2026, 10:00 WIB), routed to the unit it names, followed with its token, answered, asked for
// information, answered by the submitter, substantiated (published for evaluation), resolved, reopened, resolved.
let h: FeedbackHarness;
let officer: HttpClient;
let unitId: string;
let headId: string | undefined;
const employeeId = '01900000-0000-7000-8000-0000000000e1';

const report = {
  category: 'illegal-levy',
  service: 'Pengurusan KTP',
  employeeId,
  description: 'Petugas loket meminta uang tambahan Rp50.000 untuk mempercepat KTP.\nTidak ada kuitansi.',
  contact: { name: 'Siti Aminah', phone: '+62 812 3456 7890' },
};

beforeAll(async () => {
  h = await startFeedbackHarness({ now: '2026-11-27T03:00:00Z' });
  ({ unitId, headId } = await h.establishUnit('Dinas Kependudukan dan Pencatatan Sipil', { withHead: true }));
  officer = await h.as('feedback-officer', 'officer-1');
});
afterAll(async () => h.close());

describe('a complaint from the public, start to end', () => {
  let ticketNumber: string;
  let token: string;
  let ticketId: string;
  const follow = () => h.api.get(`/v1/public/tickets/${ticketNumber}`).set('Authorization', `Bearer ${token}`);
  const act = (path: string, body: object) => officer.post(`/v1/tickets/${ticketId}/${path}`).set('Idempotency-Key', key()).send(body);

  it('is received with a ticket number, a token and its deadlines (3 and 5 working days: Wednesday and Friday next week)', async () => {
    const res = await h.api.post('/v1/public/tickets').set('Idempotency-Key', key()).send({ ...report, unitId }).expect(201);
    ({ ticketNumber, token } = res.body as { ticketNumber: string; token: string });
    expect(ticketNumber).toMatch(/^LPR-[0-9A-Z]{10}$/);
    expect(token).toMatch(/^lpr_/);
    expect(res.body).toMatchObject({ kind: 'complaint', receivedAt: '2026-11-27T03:00:00.000Z', firstResponseDue: '2026-12-02T16:59:59.999Z', resolutionDue: '2026-12-04T16:59:59.999Z' });
    const queue = await officer.get('/v1/tickets').expect(200);
    const items = (queue.body as { items: { ticketId: string; ticketNumber: string; unitId: string }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ticketNumber, unitId });
    ticketId = items[0]?.ticketId ?? '';
  });

  it('keeps every text and the contact sealed in the events', async () => {
    for await (const event of h.store.readStream(`feedback-${ticketId}`)) {
      const json = JSON.stringify(event.data);
      for (const plain of ['Rp50.000', 'Siti', '7890', 'KTP']) expect(json).not.toContain(plain);
    }
  });

  it('is followed by its submitter with the token, who sees the text, contact and deadlines but not the routing', async () => {
    const res = await follow().expect(200);
    expect(res.body).toMatchObject({ ticketNumber, status: 'open', description: report.description, service: 'Pengurusan KTP', contact: report.contact, unit: { unitId } });
    expect((res.body as { steps: { type: string }[] }).steps.map((s) => s.type)).toEqual(['TicketSubmitted']);
    expect(JSON.stringify(res.body)).not.toContain('officer-1');
  });

  it('is worked by the officer: answered, information asked, provided by the submitter, substantiated, resolved', async () => {
    await act('responses', { message: 'Laporan Anda kami terima dan sedang kami periksa.' }).expect(200);
    await act('information-requests', { question: 'Pada tanggal berapa kejadian tersebut?' }).expect(200);
    expect((await follow().expect(200)).body).toMatchObject({ status: 'awaiting-information', firstResponseAt: '2026-11-27T03:00:00.000Z' });
    await h.api.post(`/v1/public/tickets/${ticketNumber}/information`).set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key()).send({ message: 'Tanggal 20 November 2026, sekitar pukul 10 pagi.' }).expect(200);
    await act('substantiation', {}).expect(200);
    const resolved = await act('resolution', { resolution: 'Petugas telah diperiksa dan diberi sanksi; uang dikembalikan.' }).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', substantiated: true, late: false });
    const steps = ((await follow().expect(200)).body as { steps: { type: string; text?: string }[] }).steps;
    expect(steps.map((s) => s.type)).toEqual(['TicketSubmitted', 'TicketResponded', 'InformationRequested', 'InformationProvided', 'TicketResolved']);
    expect(steps[3]?.text).toBe('Tanggal 20 November 2026, sekitar pukul 10 pagi.');
  });

  it('publishes the substantiation for the evaluation service with the unit, employee, category and date, nothing more', async () => {
    const published: unknown[] = [];
    for await (const event of h.store.readStream(`feedback-${ticketId}`)) if (event.type === 'ComplaintSubstantiated') published.push(event.data);
    expect(published).toEqual([{ unitId, employeeId, category: 'illegal-levy', substantiatedOn: '2026-11-27', substantiatedBy: 'officer-1' }]);
    expect(() => feedbackEventRegistry.parse('ComplaintSubstantiated', 1, published[0])).not.toThrow();
  });

  it('is reopened, with the resolution deadline counted again from the reopening', async () => {
    h.setNow('2026-12-07T02:00:00Z'); // Monday 09:00 WIB
    const reopened = await act('reopening', { reason: 'Uang belum dikembalikan.' }).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', resolutionDue: '2026-12-14T16:59:59.999Z', nextDue: '2026-12-14T16:59:59.999Z' });
    await act('resolution', { resolution: 'Uang telah dikembalikan, bukti terlampir.' }).expect(200);
    const detail = await officer.get(`/v1/tickets/${ticketId}`).expect(200);
    expect(detail.body).toMatchObject({ status: 'resolved', contact: report.contact });
    expect((detail.body as { steps: { by?: string }[] }).steps.every((s) => s.by !== undefined)).toBe(true);
    expect(headId).toBeDefined();
  });
});
