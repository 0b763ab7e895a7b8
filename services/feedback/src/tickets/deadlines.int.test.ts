import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '@asn/event-store';
import { expectProblem, waitUntil, type HttpClient } from '@asn/testing';
import { DEFAULT_RULES, type FeedbackRules } from '../rules/rules';
import { key, startFeedbackHarness, type FeedbackHarness } from '../testing/feedbackHarness';

// The SP4N-LAPOR! deadlines as the service computes them from its events and the injected clock, on the real
// SQLite store: working days in WIB (UTC+7), weekends and the holidays of the rules; the officers' queue by
// next deadline; the late escalation of the deadline watch (swept by hand).

interface Submitted {
  ticketId: string;
  ticketNumber: string;
  token: string;
  receivedAt: string;
  firstResponseDue: string;
  resolutionDue: string;
}

interface Item {
  ticketId: string;
  unitId: string;
  status: string;
  receivedAt: string;
  firstResponseAt?: string;
  firstResponseDue: string;
  resolutionDue: string;
  nextDue?: string;
  late: boolean;
  escalated: boolean;
}

interface Page {
  items: Item[];
  next?: string;
}

interface Escalation {
  deadline: string;
  dueAt: string;
  unitId: string;
  headId?: string;
  escalatedAt: string;
}

let sequence = 0;
/** Submits a report at `at` (every report a different text, so none is refused as a duplicate of the day). */
const submit = async (h: FeedbackHarness, at: string, body: { unitId?: string; category?: string; kind?: string } = {}): Promise<Submitted> => {
  h.setNow(at);
  sequence += 1;
  const res = await h.api
    .post('/v1/public/tickets')
    .set('Idempotency-Key', key())
    .send({ category: 'service-quality', description: `Antrean layanan nomor ${sequence} tidak dilayani sampai sore.`, ...body })
    .expect(201);
  const submitted = res.body as Omit<Submitted, 'ticketId'>;
  const ticketId = h.feedback.readModel.byNumber(submitted.ticketNumber)?.ticketId;
  if (ticketId === undefined) throw new Error('the submitted ticket is not in the read model');
  return { ...submitted, ticketId };
};

const act = (officer: HttpClient, ticketId: string, path: string, body: object) => officer.post(`/v1/tickets/${ticketId}/${path}`).set('Idempotency-Key', key()).send(body);

const list = async (officer: HttpClient, query = ''): Promise<Page> => (await officer.get(`/v1/tickets${query}`).expect(200)).body as Page;

const escalationsOf = async (h: FeedbackHarness, ticketId: string): Promise<Escalation[]> => {
  const found: Escalation[] = [];
  for await (const event of h.store.readStream(`feedback-${ticketId}`)) if (event.type === 'TicketEscalated') found.push(event.data as Escalation);
  return found;
};

const eventCount = async (h: FeedbackHarness): Promise<number> => {
  let n = 0;
  for await (const _event of h.store.readAll({ categories: ['feedback'] })) n += 1;
  return n;
};

/** The end of a local (WIB) day as an instant: 23:59:59.999 WIB = 16:59:59.999Z. */
const endOfWib = (date: string): string => `${date}T16:59:59.999Z`;

describe('given the working calendar of the rules (WIB, weekends, holidays)', () => {
  let h: FeedbackHarness;
  let officer: HttpClient;
  let unitId: string;

  beforeAll(async () => {
    h = await startFeedbackHarness();
    ({ unitId } = await h.establishUnit('Dinas Kependudukan dan Pencatatan Sipil'));
    officer = await h.as('feedback-officer', 'officer-1');
  });
  afterAll(async () => h.close());

  it('when a ticket is received on Friday 27 Nov 2026 10:00 WIB, then the first response is due at the end of Wednesday 2 Dec and the resolution at the end of Friday 4 Dec', async () => {
    const t = await submit(h, '2026-11-27T03:00:00Z', { unitId });
    expect(t).toMatchObject({ receivedAt: '2026-11-27T03:00:00.000Z', firstResponseDue: endOfWib('2026-12-02'), resolutionDue: endOfWib('2026-12-04') });
    expect(h.feedback.readModel.ticket(t.ticketId)).toMatchObject({ firstResponseDue: endOfWib('2026-12-02'), resolutionDue: endOfWib('2026-12-04'), nextDue: endOfWib('2026-12-02') });
  });

  it('when a ticket is received on Saturday 28 Nov, then the weekend does not count: due Wednesday 2 Dec and Friday 4 Dec as well', async () => {
    const t = await submit(h, '2026-11-28T03:00:00Z', { unitId });
    expect(t).toMatchObject({ firstResponseDue: endOfWib('2026-12-02'), resolutionDue: endOfWib('2026-12-04') });
  });

  it('when a ticket is received at 00:30 WIB on Friday (still Thursday in UTC), then it counts from Friday, the local day', async () => {
    const t = await submit(h, '2026-11-26T17:30:00Z', { unitId });
    // From Thursday it would be due on Tuesday 1 Dec and Thursday 3 Dec.
    expect(t).toMatchObject({ firstResponseDue: endOfWib('2026-12-02'), resolutionDue: endOfWib('2026-12-04') });
  });

  it('when a ticket is received at 23:30 WIB on Thursday 24 Dec (25 Dec a holiday), then the first response is due on Wednesday 30 Dec and the resolution on Monday 4 Jan (1 Jan a holiday)', async () => {
    const t = await submit(h, '2026-12-24T16:30:00Z', { unitId });
    expect(t).toMatchObject({ receivedAt: '2026-12-24T16:30:00.000Z', firstResponseDue: endOfWib('2026-12-30'), resolutionDue: endOfWib('2027-01-04') });
  });

  it('when an officer classifies a ticket as a dispute, then the resolution is due after 14 working days, after 60 with a field check, and back to 5 as a complaint; the first response does not move', async () => {
    const t = await submit(h, '2026-11-27T04:00:00Z', { unitId, category: 'procedure' });
    h.setNow('2026-11-30T02:00:00Z');
    const dispute = await act(officer, t.ticketId, 'classification', { kind: 'dispute', category: 'procedure' }).expect(200);
    expect(dispute.body).toMatchObject({ kind: 'dispute', firstResponseDue: endOfWib('2026-12-02'), resolutionDue: endOfWib('2026-12-17'), nextDue: endOfWib('2026-12-02') });
    const fieldCheck = await act(officer, t.ticketId, 'classification', { kind: 'dispute', category: 'procedure', fieldCheck: true }).expect(200);
    // 60 working days from Friday 27 Nov, skipping 25 Dec and 1 Jan: Tuesday 23 Feb 2027.
    expect(fieldCheck.body).toMatchObject({ kind: 'dispute', firstResponseDue: endOfWib('2026-12-02'), resolutionDue: endOfWib('2027-02-23') });
    const complaint = await act(officer, t.ticketId, 'classification', { kind: 'complaint', category: 'procedure' }).expect(200);
    expect(complaint.body).toMatchObject({ kind: 'complaint', resolutionDue: endOfWib('2026-12-04') });
    expect(h.feedback.readModel.ticket(t.ticketId)?.resolutionDue).toBe(endOfWib('2026-12-04'));
  });

  it('when a field check is asked for a complaint, then it is refused and the deadline stays', async () => {
    const t = await submit(h, '2026-11-27T05:00:00Z', { unitId });
    await act(officer, t.ticketId, 'classification', { kind: 'complaint', category: 'procedure', fieldCheck: true }).expect(422);
    expect(h.feedback.readModel.ticket(t.ticketId)?.resolutionDue).toBe(endOfWib('2026-12-04'));
  });
});

describe('given rules with one more holiday (Monday 30 Nov 2026)', () => {
  let h: FeedbackHarness;
  const rules: FeedbackRules = { ...DEFAULT_RULES, version: '2026-11-test-holiday', holidays: { ...DEFAULT_RULES.holidays, dates: [...DEFAULT_RULES.holidays.dates, '2026-11-30'] } };

  beforeAll(async () => {
    h = await startFeedbackHarness({ rules });
  });
  afterAll(async () => h.close());

  it('when a ticket is received on Friday 27 Nov, then both deadlines move one working day later', async () => {
    const { unitId } = await h.establishUnit('Dinas Perhubungan');
    const t = await submit(h, '2026-11-27T03:00:00Z', { unitId });
    expect(t).toMatchObject({ firstResponseDue: endOfWib('2026-12-03'), resolutionDue: endOfWib('2026-12-07') });
  });
});

describe('given open tickets of two units (the queue)', () => {
  let h: FeedbackHarness;
  let officer: HttpClient;
  let unitA: string;
  let unitB: string;
  const t: Record<'q1' | 'q2' | 'q3' | 'q4' | 'q5', Submitted> = {} as never;
  const ids = (page: Page) => page.items.map((i) => i.ticketId);
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  beforeAll(async () => {
    h = await startFeedbackHarness();
    ({ unitId: unitA } = await h.establishUnit('Dinas Kesehatan'));
    ({ unitId: unitB } = await h.establishUnit('Dinas Pendidikan'));
    officer = await h.as('feedback-officer', 'officer-1');
    t.q1 = await submit(h, '2026-11-30T02:00:00Z', { unitId: unitA }); // Mon 09:00 WIB: first response due Thu 3 Dec
    t.q2 = await submit(h, '2026-11-27T03:00:00Z', { unitId: unitB }); // Fri: due Wed 2 Dec
    t.q3 = await submit(h, '2026-12-01T02:00:00Z', { unitId: unitA }); // Tue: due Fri 4 Dec
    t.q4 = await submit(h, '2026-11-30T07:00:00Z', { unitId: unitB }); // Mon 14:00 WIB: due Thu 3 Dec, like q1
    t.q5 = await submit(h, '2026-12-03T02:00:00Z', { unitId: unitA }); // Thu: due Tue 8 Dec
  });
  afterAll(async () => h.close());

  it('when listed, then the open tickets of every unit come by next deadline, earliest first (ties by id)', async () => {
    h.setNow('2026-12-03T03:00:00Z'); // Thursday 10:00 WIB
    const page = await list(officer);
    const tie = [t.q1.ticketId, t.q4.ticketId].sort(byId);
    expect(ids(page)).toEqual([t.q2.ticketId, ...tie, t.q3.ticketId, t.q5.ticketId]);
    expect(page.items.map((i) => i.nextDue)).toEqual([endOfWib('2026-12-02'), endOfWib('2026-12-03'), endOfWib('2026-12-03'), endOfWib('2026-12-04'), endOfWib('2026-12-08')]);
    expect(page.next).toBeUndefined();
    expect(ids(await list(officer, `?unitId=${unitA}`))).toEqual([t.q1.ticketId, t.q3.ticketId, t.q5.ticketId]);
  });

  it('when it is Thursday 3 Dec 10:00 WIB, then due=late gives the ticket due Wednesday and due=soon those due by the end of the next working day (Friday)', async () => {
    h.setNow('2026-12-03T03:00:00Z');
    const late = await list(officer, '?due=late');
    expect(ids(late)).toEqual([t.q2.ticketId]);
    expect(late.items[0]).toMatchObject({ late: true });
    const soon = await list(officer, '?due=soon');
    expect(new Set(ids(soon))).toEqual(new Set([t.q1.ticketId, t.q4.ticketId, t.q3.ticketId]));
    expect(soon.items.every((i) => !i.late)).toBe(true);
  });

  it('when the clock moves to Friday 4 Dec 09:00 WIB, then the tickets due Thursday are late and only the one due Friday is soon (Monday ends the window)', async () => {
    h.setNow('2026-12-04T02:00:00Z');
    const late = await list(officer, '?due=late');
    expect(ids(late)).toEqual([t.q2.ticketId, ...[t.q1.ticketId, t.q4.ticketId].sort(byId)]);
    expect(ids(await list(officer, '?due=soon'))).toEqual([t.q3.ticketId]);
    h.setNow('2026-12-07T02:00:00Z'); // Monday: the soon window runs to the end of Tuesday 8 Dec
    expect(ids(await list(officer, '?due=soon'))).toEqual([t.q5.ticketId]);
    h.setNow('2026-12-04T02:00:00Z');
  });

  it('when the deadlines are asked per unit, then each unit shows its open, due-soon and late tickets, the unit with late ones first', async () => {
    h.setNow('2026-12-03T03:00:00Z');
    const res = await officer.get('/v1/deadlines').expect(200);
    expect((res.body as { items: unknown[] }).items).toEqual([
      { unitId: unitB, name: 'Dinas Pendidikan', open: 2, dueSoon: 1, late: 1 },
      { unitId: unitA, name: 'Dinas Kesehatan', open: 3, dueSoon: 2, late: 0 },
    ]);
    h.setNow('2026-12-04T02:00:00Z');
    const later = await officer.get('/v1/deadlines').expect(200);
    expect((later.body as { items: unknown[] }).items).toEqual([
      { unitId: unitB, name: 'Dinas Pendidikan', open: 2, dueSoon: 0, late: 2 },
      { unitId: unitA, name: 'Dinas Kesehatan', open: 3, dueSoon: 1, late: 1 },
    ]);
  });

  it('when a late ticket is answered, then its next deadline becomes the resolution (Friday 4 Dec) and it is no longer late', async () => {
    h.setNow('2026-12-04T02:00:00Z');
    const res = await act(officer, t.q2.ticketId, 'responses', { message: 'Laporan Anda sedang kami tindak lanjuti.' }).expect(200);
    expect(res.body).toMatchObject({ firstResponseAt: '2026-12-04T02:00:00.000Z', nextDue: endOfWib('2026-12-04'), resolutionDue: endOfWib('2026-12-04'), late: false });
    expect(ids(await list(officer, '?due=late'))).toEqual([t.q1.ticketId, t.q4.ticketId].sort(byId));
    expect(ids(await list(officer, '?due=soon'))).toEqual([t.q2.ticketId, t.q3.ticketId].sort(byId));
  });

  it('when a ticket is resolved, then it leaves the open queue and shows under status=closed, without a next deadline', async () => {
    h.setNow('2026-12-04T03:00:00Z');
    await act(officer, t.q3.ticketId, 'resolution', { resolution: 'Sudah ditangani oleh petugas.' }).expect(200);
    const open = await list(officer);
    expect(ids(open)).not.toContain(t.q3.ticketId);
    expect(open.items).toHaveLength(4);
    const closed = await list(officer, '?status=closed');
    expect(ids(closed)).toEqual([t.q3.ticketId]);
    expect(closed.items[0]).toMatchObject({ status: 'resolved', late: false });
    expect(closed.items[0]?.nextDue).toBeUndefined();
    expect(ids(await list(officer, '?status=closed&due=late'))).toEqual([]);
    expect(ids(await list(officer, '?status=all')).at(-1)).toBe(t.q3.ticketId);
  });

  it('when the queue is paged with limit and the next cursor, then every ticket comes exactly once, in order', async () => {
    h.setNow('2026-12-04T03:00:00Z');
    for (const status of ['open', 'all']) {
      const whole = ids(await list(officer, `?status=${status}`));
      expect(whole.length).toBeGreaterThanOrEqual(4);
      for (const limit of [1, 2, 3]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await list(officer, `?status=${status}&limit=${limit}${cursor ? `&after=${cursor}` : ''}`);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...ids(page));
          cursor = page.next;
          if (!cursor) break;
        }
        expect(seen).toEqual(whole);
      }
    }
  });

  it('when a ticket is read alone, then its late flag follows the service clock, as in the queue', async () => {
    const late = async () => {
      const one = (await officer.get(`/v1/tickets/${t.q5.ticketId}`).expect(200)).body as Item;
      const listed = (await list(officer)).items.find((i) => i.ticketId === t.q5.ticketId);
      return { one: one.late, listed: listed?.late };
    };
    h.setNow('2026-12-04T03:00:00Z'); // due Tuesday 8 Dec
    expect(await late()).toEqual({ one: false, listed: false });
    h.setNow('2027-01-01T03:00:00Z');
    expect(await late()).toEqual({ one: true, listed: true });
  });
});

describe('given tickets whose first response is late (the deadline watch)', () => {
  let h: FeedbackHarness;
  let officer: HttpClient;
  let unitA: string;
  let headA: string | undefined;
  let unitB: string;
  let headB: string | undefined;
  let unitC: string;
  let e1: Submitted;
  let e2: Submitted;
  let e3: Submitted;
  const due = endOfWib('2026-12-02');
  const item = async (ticketId: string): Promise<Item | undefined> => (await list(officer, '?status=all&limit=200')).items.find((i) => i.ticketId === ticketId);

  beforeAll(async () => {
    h = await startFeedbackHarness();
    ({ unitId: unitA, headId: headA } = await h.establishUnit('Dinas Sosial', { withHead: true }));
    ({ unitId: unitB, headId: headB } = await h.establishUnit('Dinas Perumahan', { withHead: true }));
    ({ unitId: unitC } = await h.establishUnit('Kecamatan Datuk Bandar'));
    officer = await h.as('feedback-officer', 'officer-1');
    e1 = await submit(h, '2026-11-27T03:00:00Z', { unitId: unitA });
    e2 = await submit(h, '2026-11-27T03:00:00Z', { unitId: unitC });
    e3 = await submit(h, '2026-11-27T04:00:00Z', { unitId: unitA });
    h.setNow('2026-11-30T02:00:00Z');
    await act(officer, e3.ticketId, 'responses', { message: 'Laporan Anda kami terima.' }).expect(200);
  });
  afterAll(async () => h.close());

  it('when the sweep runs at the very last instant of the deadline, then nothing is escalated', async () => {
    expect(headA).toBeDefined();
    h.setNow(due);
    const before = await eventCount(h);
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 0, erased: 0 });
    expect(await eventCount(h)).toBe(before);
  });

  it('when the first-response deadline has passed, then the sweep appends exactly one TicketEscalated per late ticket, with the unit and its head', async () => {
    h.setNow('2026-12-02T17:00:00.000Z');
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 2, erased: 0 });
    expect(await escalationsOf(h, e1.ticketId)).toEqual([{ deadline: 'first-response', dueAt: due, unitId: unitA, headId: headA, escalatedAt: '2026-12-02T17:00:00.000Z' }]);
    // A unit without a head: escalated all the same, to nobody by name.
    expect(await escalationsOf(h, e2.ticketId)).toEqual([{ deadline: 'first-response', dueAt: due, unitId: unitC, escalatedAt: '2026-12-02T17:00:00.000Z' }]);
    expect(await escalationsOf(h, e3.ticketId)).toEqual([]);
  });

  it('when the sweep runs again, then it appends nothing', async () => {
    h.setNow('2026-12-03T02:00:00.000Z');
    const before = await eventCount(h);
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 0, erased: 0 });
    await Promise.all([h.feedback.watch.sweep(), h.feedback.watch.sweep()]);
    expect(await eventCount(h)).toBe(before);
    expect(await escalationsOf(h, e1.ticketId)).toHaveLength(1);
  });

  it('when the queue is listed, then the escalated tickets show escalated and late, the answered one neither', async () => {
    expect(await item(e1.ticketId)).toMatchObject({ escalated: true, late: true, unitId: unitA });
    expect(await item(e2.ticketId)).toMatchObject({ escalated: true, late: true });
    expect(await item(e3.ticketId)).toMatchObject({ escalated: false, late: false });
  });

  it('when the head of the unit asks for their escalations, then they see their late ticket, and nobody else sees it there', async () => {
    const escalations = async (subject: string) =>
      ((await (await h.as('employee', subject)).get('/v1/escalations').expect(200)).body as { items: Item[] }).items.map((i) => i.ticketId);
    expect(await escalations(headA ?? 'no head')).toEqual([e1.ticketId]);
    expect(await escalations(headB ?? 'no head')).toEqual([]);
    expect(await escalations('01900000-0000-7000-8000-0000000000ff')).toEqual([]);
    expectProblem(await h.api.get('/v1/escalations'), 401);
  });

  it('when a late ticket is rerouted to another unit, then it is not escalated there yet, and the next sweep escalates it once to that unit’s head', async () => {
    await act(officer, e1.ticketId, 'routing', { unitId: unitB, note: 'Wewenang Dinas Perumahan.' }).expect(200);
    expect(await item(e1.ticketId)).toMatchObject({ unitId: unitB, escalated: false, late: true });
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 1, erased: 0 });
    expect(await escalationsOf(h, e1.ticketId)).toEqual([
      { deadline: 'first-response', dueAt: due, unitId: unitA, headId: headA, escalatedAt: '2026-12-02T17:00:00.000Z' },
      { deadline: 'first-response', dueAt: due, unitId: unitB, headId: headB, escalatedAt: '2026-12-03T02:00:00.000Z' },
    ]);
    expect(await item(e1.ticketId)).toMatchObject({ escalated: true });
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 0, erased: 0 });
    // Now with the head of the unit it went to, no longer with the first one.
    const escalations = async (subject: string) =>
      ((await (await h.as('evaluator', subject)).get('/v1/escalations').expect(200)).body as { items: Item[] }).items.map((i) => i.ticketId);
    expect(await escalations(headB ?? 'no head')).toEqual([e1.ticketId]);
    expect(await escalations(headA ?? 'no head')).toEqual([]);
  });

  it('when a ticket answered on time is also resolved on time, then it is never escalated, however late the sweep', async () => {
    h.setNow('2026-12-04T02:00:00.000Z');
    await act(officer, e3.ticketId, 'resolution', { resolution: 'Bantuan sosial sudah disalurkan.' }).expect(200);
    h.setNow('2027-03-01T02:00:00.000Z');
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 0, erased: 0 });
    expect(await escalationsOf(h, e3.ticketId)).toEqual([]);
  });

  it('when a late ticket is answered but not resolved, then its resolution deadline is escalated once, even by two sweeps at once', async () => {
    await act(officer, e2.ticketId, 'responses', { message: 'Mohon maaf atas keterlambatan.' }).expect(200);
    const [a, b] = await Promise.all([h.feedback.watch.sweep(), h.feedback.watch.sweep()]);
    expect(a.escalated + b.escalated).toBeGreaterThanOrEqual(1);
    expect((await escalationsOf(h, e2.ticketId)).map((e) => [e.deadline, e.dueAt, e.unitId])).toEqual([
      ['first-response', due, unitC],
      ['resolution', endOfWib('2026-12-04'), unitC],
    ]);
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 0, erased: 0 });
  });
});

describe('given more late tickets already escalated than one sweep takes (500)', () => {
  let h: FeedbackHarness;
  const BACKLOG = 501;
  const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const numberOf = (i: number) => `LPR-Z${Array.from({ length: 9 }, (_, d) => CROCKFORD[Math.floor(i / 32 ** (8 - d)) % 32]).join('')}`;
  const sealed = { alg: 'A256GCM', iv: Buffer.alloc(12, 1).toString('base64url'), ct: Buffer.from('sealed').toString('base64url'), tag: Buffer.alloc(16, 2).toString('base64url') };

  beforeAll(async () => {
    h = await startFeedbackHarness();
  });
  afterAll(async () => h.close());

  it('when a newer ticket becomes late, then the sweep still escalates it (the escalated backlog does not hide it)', async () => {
    const { unitId } = await h.establishUnit('Dinas Pekerjaan Umum dan Penataan Ruang', { withHead: true });
    const receivedAt = '2026-11-27T03:00:00.000Z';
    const due = endOfWib('2026-12-02');
    const metadata = { actor: { subject: 'system', role: 'system' } };
    // A backlog of late tickets escalated long ago, written straight to the store (texts stand-ins, never opened here).
    await Promise.all(
      Array.from({ length: BACKLOG }, (_, i) =>
        h.store.appendToStream(`feedback-${newId()}`, [
          { id: newId(), type: 'TicketSubmitted', data: { ticketNumber: numberOf(i), kind: 'complaint', category: 'other', unitId, description: sealed, anonymous: true, tokenHash: 'ab'.repeat(32), receivedAt }, metadata },
          { id: newId(), type: 'TicketRouted', data: { unitId, reason: 'named-unit', routedBy: 'system', routedAt: receivedAt }, metadata },
          { id: newId(), type: 'TicketEscalated', data: { deadline: 'first-response', dueAt: due, unitId, escalatedAt: '2026-12-03T02:00:00.000Z' }, metadata },
        ], { expectedRevision: 'no_stream' }),
      ),
    );
    await waitUntil('the read model has the backlog', () => h.feedback.readModel.tickets({ status: 'open', due: 'late', now: new Date('2026-12-03T02:00:00Z'), limit: 1000 }).length === BACKLOG);
    const late = await submit(h, '2026-11-30T02:00:00Z', { unitId }); // due Thursday 3 Dec
    h.setNow('2026-12-04T02:00:00Z');
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 1, erased: 0 });
    expect((await escalationsOf(h, late.ticketId)).map((e) => e.dueAt)).toEqual([endOfWib('2026-12-03')]);
  });
});
