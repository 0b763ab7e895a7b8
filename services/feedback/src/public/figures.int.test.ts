import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient } from '@asn/testing';
import { key, startFeedbackHarness, type FeedbackHarness } from '../testing/feedbackHarness';

// The public transparency figures of a year (local calendar, WIB): counts per category and unit, the median
// time to a first response, the share answered on time (an unanswered overdue ticket counts as late), and the
// share resolved on time; worked out by hand on tickets answered after known delays.

let h: FeedbackHarness;
let officer: HttpClient;
let unitA: string;
let unitB: string;
let headA: string | undefined;
const employeeId = '01900000-0000-7000-8000-0000000000f1';
const t: Record<string, { ticketId: string; ticketNumber: string; token: string; description: string }> = {};
let sequence = 0;

const submit = async (name: string, at: string, body: { unitId: string; category: string; employeeId?: string }) => {
  h.setNow(at);
  sequence += 1;
  const description = `Keluhan warga ke-${sequence} tentang loket pelayanan terpadu.`;
  const res = await h.api.post('/v1/public/tickets').set('Idempotency-Key', key()).send({ description, contact: { name: 'Budi Santoso Figur' }, ...body }).expect(201);
  const { ticketNumber, token } = res.body as { ticketNumber: string; token: string };
  t[name] = { ticketId: h.feedback.readModel.byNumber(ticketNumber)?.ticketId ?? '', ticketNumber, token, description };
};
const HOUR = 3_600_000;
const at = (instant: string, hours: number) => new Date(Date.parse(instant) + hours * HOUR).toISOString();
const act = async (name: string, when: string, path: string, body: object) => {
  h.setNow(when);
  await officer.post(`/v1/tickets/${t[name]?.ticketId ?? ''}/${path}`).set('Idempotency-Key', key()).send(body).expect(200);
};
const respond = (name: string, when: string) => act(name, when, 'responses', { message: 'Terima kasih, laporan sedang kami tangani.' });
const resolve = (name: string, when: string) => act(name, when, 'resolution', { resolution: 'Sudah ditangani dan diperbaiki.' });
const figures = async (year: number, now: string) => {
  h.setNow(now);
  return (await h.api.get(`/v1/public/figures?year=${year}`).expect(200)).body as Record<string, unknown>;
};

beforeAll(async () => {
  h = await startFeedbackHarness();
  ({ unitId: unitA, headId: headA } = await h.establishUnit('Dinas Penanaman Modal dan PTSP', { withHead: true }));
  ({ unitId: unitB } = await h.establishUnit('Dinas Lingkungan Hidup'));
  officer = await h.as('feedback-officer', 'officer-figures');

  // 00:30 WIB on 1 Jan 2026 (still 2025 in UTC): a ticket of 2026. Answered after 3 h; due Tue 6 Jan (1 Jan a holiday).
  await submit('b0', '2025-12-31T17:30:00Z', { unitId: unitA, category: 'other' });
  await respond('b0', at('2025-12-31T17:30:00Z', 3));
  await resolve('b0', '2026-01-02T02:00:00Z'); // due Thu 8 Jan: on time
  // 23:30 WIB on 31 Dec 2025: a ticket of 2025.
  await submit('x0', '2025-12-31T16:30:00Z', { unitId: unitB, category: 'ethics' });

  // Monday 7 Dec 2026: first responses due Thursday 10 Dec, resolutions Monday 14 Dec (end of day WIB).
  await submit('f1', '2026-12-07T02:00:00Z', { unitId: unitA, category: 'illegal-levy', employeeId });
  await respond('f1', at('2026-12-07T02:00:00Z', 2));
  await resolve('f1', '2026-12-08T02:00:00Z'); // on time
  await submit('f2', '2026-12-07T03:00:00Z', { unitId: unitA, category: 'procedure' });
  await respond('f2', at('2026-12-07T03:00:00Z', 26));
  await submit('f4', '2026-12-07T04:00:00Z', { unitId: unitB, category: 'service-quality' });
  await respond('f4', at('2026-12-07T04:00:00Z', 100)); // Friday 11 Dec 15:00 WIB: late
  await resolve('f4', '2026-12-20T02:00:00Z'); // late
  await submit('f5', '2026-12-07T05:00:00Z', { unitId: unitA, category: 'ethics' }); // never answered
  await submit('f3', '2026-12-08T02:00:00Z', { unitId: unitB, category: 'illegal-levy' }); // due Fri 11 Dec
  await respond('f3', at('2026-12-08T02:00:00Z', 5));
  // Wednesday 30 Dec: due Tuesday 5 Jan 2027; unanswered.
  await submit('f7', '2026-12-30T02:00:00Z', { unitId: unitB, category: 'discrimination' });
  // 01:00 WIB on 1 Jan 2027 (still 2026 in UTC): a ticket of 2027, due Wed 6 Jan.
  await submit('f6', '2026-12-31T18:00:00Z', { unitId: unitA, category: 'other' });
});
afterAll(async () => h.close());

describe('given the tickets of 2026 and around its boundaries', () => {
  it('when the figures of 2026 are asked on 2 Jan 2027, then they count the year in WIB, with the median and the shares worked out by hand', async () => {
    const body = await figures(2026, '2027-01-02T00:00:00Z');
    expect(body).toEqual({
      year: 2026,
      received: 7,
      byCategory: { other: 1, 'illegal-levy': 2, procedure: 1, 'service-quality': 1, ethics: 1, discrimination: 1 },
      // Answered after 3, 2, 26, 100 and 5 hours: the median is 5. Due: the five answered and f5 (overdue);
      // f7 is not due yet. On time: b0, f1, f2, f3.
      firstResponse: { due: 6, answered: 5, answeredOnTime: 4, shareOnTime: 0.667, medianHoursToFirstResponse: 5 },
      // Closed: b0 and f1 on time, f4 late; still open past their resolution deadline: f2, f5 (14 Dec) and
      // f3 (15 Dec); f7 is not due before 7 Jan 2027 (1 Jan is a holiday).
      resolution: { due: 6, closed: 3, closedOnTime: 2, shareOnTime: 0.333 },
      byUnit: [
        { unitId: unitA, name: 'Dinas Penanaman Modal dan PTSP', received: 4, firstResponse: { due: 4, answered: 3, answeredOnTime: 3, shareOnTime: 0.75, medianHoursToFirstResponse: 3 } },
        { unitId: unitB, name: 'Dinas Lingkungan Hidup', received: 3, firstResponse: { due: 2, answered: 2, answeredOnTime: 1, shareOnTime: 0.5, medianHoursToFirstResponse: 52.5 } },
      ],
    });
  });

  it('when the clock passes the first-response deadline of the unanswered December ticket, then it counts as late', async () => {
    const body = await figures(2026, '2027-01-06T00:00:00Z');
    expect(body.firstResponse).toEqual({ due: 7, answered: 5, answeredOnTime: 4, shareOnTime: 0.571, medianHoursToFirstResponse: 5 });
    expect((body.byUnit as { unitId: string; firstResponse: unknown }[]).find((u) => u.unitId === unitB)?.firstResponse).toEqual({
      due: 3,
      answered: 2,
      answeredOnTime: 1,
      shareOnTime: 0.333,
      medianHoursToFirstResponse: 52.5,
    });
  });

  it('when the figures of 2027 are asked, then only the ticket received after local midnight counts, not due at first and late once overdue', async () => {
    const early = await figures(2027, '2027-01-02T00:00:00Z');
    expect(early).toMatchObject({ year: 2027, received: 1, byCategory: { other: 1 }, firstResponse: { due: 0, answered: 0, answeredOnTime: 0, shareOnTime: null, medianHoursToFirstResponse: null } });
    expect(early.resolution).toEqual({ due: 0, closed: 0, closedOnTime: 0, shareOnTime: null });
    const later = await figures(2027, '2027-01-07T00:00:00Z');
    expect(later.firstResponse).toMatchObject({ due: 1, answered: 0, shareOnTime: 0 });
  });

  it('when the figures of 2025 are asked, then only the ticket of 23:30 WIB on 31 Dec 2025 counts', async () => {
    expect(await figures(2025, '2027-01-02T00:00:00Z')).toMatchObject({ year: 2025, received: 1, byCategory: { ethics: 1 } });
  });

  it('then the body carries aggregates only: no ticket number, id, token, text, contact, employee or officer', async () => {
    const json = JSON.stringify(await figures(2026, '2027-01-02T00:00:00Z'));
    const secrets = [employeeId, headA ?? 'no head', 'officer-figures', 'Budi Santoso', 'loket pelayanan', ...Object.values(t).flatMap((x) => [x.ticketId, x.ticketNumber, x.token, x.description])];
    for (const secret of secrets) expect({ secret, found: json.includes(secret) }).toEqual({ secret, found: false });
    expect(json).not.toMatch(/LPR-/);
  });

  it('when the year is not a plausible one, then the request is refused', async () => {
    await h.api.get('/v1/public/figures?year=abc').expect(400);
    await h.api.get('/v1/public/figures').expect(400);
  });
});
