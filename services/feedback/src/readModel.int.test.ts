import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@asn/event-store';
import type { HttpClient } from '@asn/testing';
import { deadlinesOf, openFeedbackReadModel, type FeedbackReadModel } from './readModel';
import { DEFAULT_RULES, type FeedbackRules } from './rules/rules';
import { key, startFeedbackHarness, type FeedbackHarness } from './testing/feedbackHarness';

// P8 and P10 for the ticket read model: delivering the service's own events 1–5 times, in overlapping pages,
// leaves the rows as they are; rebuilding from position 0 into a fresh file gives the live rows of the
// service after a mixed workload; a gap in a ticket's revisions is never applied over (P9); a new rules
// version recomputes the stored deadlines when the file is opened.

let h: FeedbackHarness;
let officer: HttpClient;
let dir: string;
let events: RecordedEvent[];
const NOW = new Date('2027-02-01T02:00:00.000Z');
const t: Record<string, { ticketId: string; ticketNumber: string; token: string }> = {};
let sequence = 0;

const submit = async (name: string, at: string, body: Record<string, unknown>) => {
  h.setNow(at);
  sequence += 1;
  const res = await h.api
    .post('/v1/public/tickets')
    .set('Idempotency-Key', key())
    .send({ category: 'service-quality', description: `Laporan warga nomor ${sequence}: pelayanan tidak sesuai prosedur.`, ...body })
    .expect(201);
  const { ticketNumber, token } = res.body as { ticketNumber: string; token: string };
  const ticketId = h.feedback.readModel.byNumber(ticketNumber)?.ticketId ?? '';
  t[name] = { ticketId, ticketNumber, token };
};
const act = (name: string, path: string, body: object) => officer.post(`/v1/tickets/${t[name]?.ticketId ?? ''}/${path}`).set('Idempotency-Key', key()).send(body).expect(200);
const byToken = (name: string, path: string) => h.api.post(`/v1/public/tickets/${t[name]?.ticketNumber ?? ''}/${path}`).set('Authorization', `Bearer ${t[name]?.token ?? ''}`).set('Idempotency-Key', key());

let files = 0;
const fresh = (rules: FeedbackRules = DEFAULT_RULES, path = join(dir, `rm-${++files}.db`)): FeedbackReadModel => openFeedbackReadModel(path, () => rules);
const rowsOf = (model: FeedbackReadModel): unknown[] => model.db.prepare('SELECT * FROM tickets ORDER BY ticket_id').all();
const summaries = (model: FeedbackReadModel) => model.tickets({ status: 'all', now: NOW, limit: 1000 });

/** Delivers `list` in pages of `size` starting every `step` events (overlapping when step < size), each page `times` times. */
const deliver = (model: FeedbackReadModel, list: readonly RecordedEvent[], size: number, step: number, times: number): void => {
  for (let start = 0; start < list.length; start += step) {
    const page = list.slice(start, start + size);
    for (let i = 0; i < times; i++) model.applyOwn(page);
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-readmodel-'));
  h = await startFeedbackHarness({ retentionDays: 30 });
  const { unitId: unitA } = await h.establishUnit('Dinas Kesehatan', { withHead: true });
  const { unitId: unitB } = await h.establishUnit('Dinas Pendidikan', { withHead: true });
  const { unitId: unitC } = await h.establishUnit('Kecamatan Teluk Nibung');
  officer = await h.as('feedback-officer', 'officer-1');

  // Friday 27 Nov 2026, 10:00 WIB onwards.
  await submit('w1', '2026-11-27T03:00:00Z', { unitId: unitA, contact: { name: 'Ahmad Fauzi', phone: '+62 812 1111 2222' } });
  await submit('w2', '2026-11-27T03:05:00Z', { unitId: unitC, anonymous: true, category: 'procedure' });
  await submit('w3', '2026-11-27T03:10:00Z', { unitId: unitB, contact: { email: 'warga3@contoh.id' } });
  await submit('w4', '2026-11-27T03:15:00Z', { unitId: unitA, contact: { name: 'Rina Lubis' }, category: 'ethics' });
  await submit('w5', '2026-11-27T03:20:00Z', { unitId: unitA, kind: 'information-request', category: 'other' });
  // An unknown unit: the intake desk (the city's top unit) takes it.
  await submit('w6', '2026-11-28T03:00:00Z', { unitId: '01900000-0000-7000-8000-00000000dead', category: 'illegal-levy' });

  h.setNow('2026-11-30T02:00:00Z');
  await act('w1', 'responses', { message: 'Laporan diterima.' });
  await act('w1', 'routing', { unitId: unitB, note: 'Wewenang Dinas Pendidikan.' });
  await act('w4', 'dismissal', { reason: 'Tidak cukup keterangan untuk ditindaklanjuti.' });
  await byToken('w3', 'erasure').expect(200);

  h.setNow('2026-12-03T02:00:00Z');
  const sweep = await h.feedback.watch.sweep();
  expect(sweep.escalated).toBeGreaterThanOrEqual(3); // w2, w3, w5, w6 were not answered by Wednesday
  await act('w2', 'classification', { kind: 'dispute', category: 'procedure', fieldCheck: true });
  await act('w2', 'information-requests', { question: 'Kapan kejadiannya?' });
  await byToken('w2', 'information').send({ message: 'Senin pagi.' }).expect(200);
  await act('w2', 'substantiation', {});
  await act('w6', 'routing', { unitId: unitC });

  h.setNow('2026-12-04T02:00:00Z');
  await act('w1', 'resolution', { resolution: 'Sudah ditangani sekolah.' });
  h.setNow('2026-12-07T02:00:00Z');
  await act('w1', 'reopening', { reason: 'Masalah terulang lagi minggu ini.' });
  await h.feedback.watch.sweep();
  h.setNow('2026-12-08T02:00:00Z');
  await act('w1', 'resolution', { resolution: 'Kepala sekolah sudah diberi teguran.' });

  h.setNow('2027-01-05T02:00:00Z');
  expect((await h.feedback.watch.sweep()).erased).toBe(1); // w4, dismissed 30 Nov
  h.setNow(NOW);
  expect((await h.feedback.watch.sweep()).erased).toBe(1); // w1, resolved 8 Dec

  events = [];
  for await (const event of h.store.readAll({ categories: ['feedback'] })) events.push(event);
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('given the events of a mixed workload (reroutes, reopening, escalations, erasures)', () => {
  it('then the workload is what the checks below are about', () => {
    const types = new Set(events.map((e) => e.type));
    for (const type of ['TicketRouted', 'TicketReopened', 'TicketEscalated', 'ContactErased', 'TicketClassified', 'InformationProvided', 'TicketDismissed']) expect(types).toContain(type);
    expect(new Set(events.map((e) => e.stream)).size).toBe(6);
  });

  it('when rebuilt from position 0 into a fresh file, then the rows equal the live read model of the service (P10)', async () => {
    // The live model has applied every event the store holds.
    const heads = new Map(events.map((e) => [e.stream, e.revision]));
    for (const [stream, revision] of heads) expect(await h.feedback.readModel.waitFor(stream.slice('feedback-'.length), revision)).toBe(true);
    const rebuilt = fresh();
    try {
      rebuilt.applyOwn(events);
      expect(rowsOf(rebuilt)).toEqual(rowsOf(h.feedback.readModel));
      expect(summaries(rebuilt)).toEqual(summaries(h.feedback.readModel));
      expect(rowsOf(rebuilt)).toHaveLength(6);
    } finally {
      rebuilt.close();
    }
  });

  it('when rebuilt one event per page, then the rows are the same', () => {
    const model = fresh();
    try {
      deliver(model, events, 1, 1, 1);
      expect(rowsOf(model)).toEqual(rowsOf(h.feedback.readModel));
    } finally {
      model.close();
    }
  });

  it.each([1, 2, 3, 4, 5])('when every page is delivered %i times, and the pages overlap, then the rows are the same (P8)', (times) => {
    const model = fresh();
    try {
      deliver(model, events, 7, 3, times);
      expect(rowsOf(model)).toEqual(rowsOf(h.feedback.readModel));
      // Everything once more, as after a checkpoint lost: nothing changes.
      model.applyOwn(events);
      deliver(model, events.slice(5), 4, 2, times);
      expect(rowsOf(model)).toEqual(rowsOf(h.feedback.readModel));
    } finally {
      model.close();
    }
  });
});

describe('given a ticket’s revision n+2 delivered before n+1 (P9)', () => {
  it('then n+2 is not applied, and delivering n+1 and n+2 in order afterwards gives the same rows as the live model', () => {
    const stream = `feedback-${t.w1?.ticketId ?? ''}`;
    const own = events.filter((e) => e.stream === stream);
    expect(own.length).toBeGreaterThan(6);
    const [r0, r1, r2, r3] = own;
    if (!r0 || !r1 || !r2 || !r3) throw new Error('w1 has fewer events than the workload made');
    // r2: the first response; r3: the rerouting to unit B.
    expect([r2.type, r3.type]).toEqual(['TicketResponded', 'TicketRouted']);
    const model = fresh();
    try {
      model.applyOwn([r0, r1]);
      const before = rowsOf(model);
      model.applyOwn([r3]);
      expect(rowsOf(model)).toEqual(before);
      expect(model.ticket(t.w1?.ticketId ?? '')?.revision).toBe(1);
      model.applyOwn(events);
      expect(rowsOf(model)).toEqual(rowsOf(h.feedback.readModel));
      expect(model.ticket(t.w1?.ticketId ?? '')?.firstResponseAt).toBe('2026-11-30T02:00:00.000Z');
    } finally {
      model.close();
    }
  });

  it('then a ticket’s later event without its submission is not applied either', () => {
    const model = fresh();
    try {
      model.applyOwn(events.filter((e) => e.revision > 0));
      expect(rowsOf(model)).toEqual([]);
    } finally {
      model.close();
    }
  });
});

describe('given a read model opened with the service clock', () => {
  it('then a ticket read alone is late by that clock, not by the wall clock', () => {
    let clock = new Date('2026-12-02T16:59:59.999Z');
    const model = openFeedbackReadModel(join(dir, 'clock.db'), () => DEFAULT_RULES, () => clock);
    try {
      model.applyOwn(events);
      const w5 = t.w5?.ticketId ?? '';
      expect(model.ticket(w5)).toMatchObject({ nextDue: '2026-12-02T16:59:59.999Z', late: false });
      clock = new Date('2026-12-02T17:00:00.000Z');
      expect(model.ticket(w5)?.late).toBe(true);
      expect(model.byNumber(t.w5?.ticketNumber ?? '')?.late).toBe(true);
      clock = new Date('2001-01-01T00:00:00.000Z');
      expect(model.ticket(w5)?.late).toBe(false);
    } finally {
      model.close();
    }
  });
});

describe('given a read model file written under the shipped rules', () => {
  const withHoliday: FeedbackRules = { ...DEFAULT_RULES, version: `${DEFAULT_RULES.version}-holiday-30-nov`, holidays: { ...DEFAULT_RULES.holidays, dates: [...DEFAULT_RULES.holidays.dates, '2026-11-30'] } };

  it('when it is opened again under rules with one more holiday (a new version), then the stored deadlines of the existing tickets move; back under the shipped rules, they return', () => {
    const path = join(dir, 'rules-change.db');
    const first = fresh(DEFAULT_RULES, path);
    first.applyOwn(events);
    const w5 = t.w5?.ticketId ?? '';
    expect(first.ticket(w5)).toMatchObject({ firstResponseDue: '2026-12-02T16:59:59.999Z', resolutionDue: '2026-12-04T16:59:59.999Z', nextDue: '2026-12-02T16:59:59.999Z' });
    const shipped = rowsOf(first);
    first.close();

    const second = fresh(withHoliday, path);
    try {
      // Monday 30 Nov no longer counts: Thursday 3 Dec and Monday 7 Dec.
      expect(second.ticket(w5)).toMatchObject({ firstResponseDue: '2026-12-03T16:59:59.999Z', resolutionDue: '2026-12-07T16:59:59.999Z', nextDue: '2026-12-03T16:59:59.999Z' });
      for (const ticket of summaries(second)) {
        const expected = deadlinesOf(ticket.state, withHoliday);
        expect({ firstResponseDue: ticket.firstResponseDue, resolutionDue: ticket.resolutionDue, ...(ticket.nextDue ? { nextDue: ticket.nextDue } : {}) }).toEqual(expected);
      }
      // The received Friday 27 Nov tickets all moved; w6 (received Saturday) too.
      expect(summaries(second).filter((s) => s.receivedAt < '2026-11-29').every((s) => s.firstResponseDue === '2026-12-03T16:59:59.999Z')).toBe(true);
      expect(second.db.prepare("SELECT value FROM meta WHERE key = 'rules-version'").pluck().get()).toBe(withHoliday.version);
    } finally {
      second.close();
    }

    const third = fresh(DEFAULT_RULES, path);
    try {
      expect(rowsOf(third)).toEqual(shipped);
      expect(rowsOf(third)).toEqual(rowsOf(h.feedback.readModel));
    } finally {
      third.close();
    }
  });
});
