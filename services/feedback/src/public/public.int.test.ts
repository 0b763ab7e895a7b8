import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId, type RecordedEvent } from '@asn/event-store';
import { appointEmployee, dissolved, establishUnit as recordUnit, record } from '@asn/org-chart/testing';
import { expectProblem, waitUntil, type HttpClient } from '@asn/testing';
import type { Response } from 'supertest';
import { key, startFeedbackHarness, type FeedbackHarness } from '../testing/feedbackHarness';

// The public desk (POST /v1/public/tickets and the token-guarded follow-up routes) on the real SQLite store and
// the local bus: bad input refused with nothing written, texts kept verbatim, the capability token, duplicates,
// the rate limit behind a proxy, "no wrong door" routing, the submitter's erasure and the public figures.
// The service clock stands on Friday 27 Nov 2026, 10:00 WIB.

const NOW = '2026-11-27T03:00:00Z';

interface Submitted {
  ticketNumber: string;
  token: string;
}

let sequence = 0;
/** A report whose text is unique per call, so that no two tests collide on the same-day duplicate rule. */
const aReport = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  category: 'service-quality',
  description: `Antrian di loket pelayanan sangat panjang dan petugas tidak ada (laporan ${++sequence}).`,
  ...extra,
});

const submitTo = (client: HttpClient, body: unknown): Promise<Response> => client.post('/v1/public/tickets').set('Idempotency-Key', key()).send(body as object);

const submitted = (res: Response): Submitted => {
  expect(res.status).toBe(201);
  return res.body as Submitted;
};

const ticketIdIn = (h: FeedbackHarness, ticketNumber: string): string => {
  const ticket = h.feedback.readModel.byNumber(ticketNumber);
  if (!ticket) throw new Error(`ticket ${ticketNumber} is not in the read model`);
  return ticket.ticketId;
};

const eventsOf = async (h: FeedbackHarness, ticketId: string): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of h.store.readStream(`feedback-${ticketId}`)) events.push(event);
  return events;
};

const allEvents = async (h: FeedbackHarness): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of h.store.readAll()) events.push(event);
  return events;
};

const routedOf = async (h: FeedbackHarness, ticketNumber: string): Promise<{ unitId: string; reason: string }> => {
  const routed = (await eventsOf(h, ticketIdIn(h, ticketNumber))).find((e) => e.type === 'TicketRouted');
  if (!routed) throw new Error('no TicketRouted event');
  const { unitId, reason } = routed.data as { unitId: string; reason: string };
  return { unitId, reason };
};

describe('the public desk', () => {
  let h: FeedbackHarness;
  let cityUnitId: string;
  let healthUnitId: string;

  beforeAll(async () => {
    h = await startFeedbackHarness({ now: NOW });
    // The city's top unit (no parent) is the intake desk when none is configured.
    ({ unitId: cityUnitId } = await h.establishUnit('Sekretariat Daerah Kota Tanjungbalai'));
    ({ unitId: healthUnitId } = await h.establishUnit('Dinas Kesehatan', { parentUnitId: cityUnitId }));
  });
  afterAll(async () => h.close());

  const follow = (ticketNumber: string, token?: string) => {
    const req = h.api.get(`/v1/public/tickets/${ticketNumber}`);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };
  /** POSTs as the holder of `token`; the erasure takes no body at all. */
  const postAs = (path: string, token: string, body?: object) => {
    const req = h.api.post(path).set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key());
    return body === undefined ? req : req.send(body);
  };

  describe('given bad input on a submission', () => {
    const contact = { name: 'Siti Aminah', phone: '+62 812 3456 7890', email: 'siti.aminah@example.id' };
    const leaked = ['Siti', '3456', 'siti.aminah', 'loket pelayanan'];
    const bad: [string, () => Record<string, unknown>][] = [
      ['a description over 4000 characters', () => aReport({ description: 'Petugas loket '.padEnd(4001, 'x') })],
      ['a description under 20 characters', () => aReport({ description: 'Loket tutup.' })],
      ['a whitespace-only description', () => aReport({ description: ` ${' \n\t'.repeat(20)} ` })],
      ['a bell control character', () => aReport({ description: 'Petugas loket pelayanan\u0007 meminta uang tambahan.' })],
      ['an escape sequence', () => aReport({ description: '\u001b[31mPetugas loket pelayanan meminta uang tambahan.' })],
      ['a bidirectional override', () => aReport({ description: 'Petugas loket pelayanan \u202Enakhabmat gnau atnimem.' })],
      ['an unknown category', () => aReport({ category: 'bribery' })],
      ['an unknown kind', () => aReport({ kind: 'praise' })],
      ['a unitId that is not a UUID', () => aReport({ unitId: 'dinas-kesehatan' })],
      ['a typed NIP (18 digits) as employeeId', () => aReport({ employeeId: '198609262015051001' })],
      ['an anonymous report with contact details', () => aReport({ anonymous: true, contact })],
      ['anonymous as a string', () => aReport({ anonymous: 'yes' })],
      ['an empty contact', () => aReport({ contact: {} })],
      ['a bad phone number', () => aReport({ contact: { name: 'Siti Aminah', phone: 'call me at 3456' } })],
      ['a bad email address', () => aReport({ contact: { email: 'siti.aminah@' } })],
      ['an unknown key in the contact', () => aReport({ contact: { ...contact, address: 'Jl. Sudirman 1' } })],
      ['an unknown top-level key', () => aReport({ priority: 'urgent' })],
      ['a role in the body', () => aReport({ role: 'feedback-officer' })],
      ['a ticket number in the body', () => aReport({ ticketNumber: 'LPR-0000000000' })],
      ['a description that is a number', () => aReport({ description: 1234567890 })],
      ['a missing category', () => ({ description: 'Antrian di loket pelayanan sangat panjang sekali.' })],
    ];

    it('accepts the well-formed report the bad ones are made from (control)', async () => {
      const res = await submitTo(h.api, aReport({ contact, unitId: healthUnitId }));
      expect(res.status).toBe(201);
    });

    it.each(bad)('when the body has %s, then it answers 400 problem+json, echoes no input and writes nothing', async (_name, body) => {
      const head = await h.store.headPosition();
      const res = await submitTo(h.api, body());
      expectProblem(res, 400);
      for (const value of leaked) expect(res.text).not.toContain(value);
      expect(await h.store.headPosition()).toBe(head);
    });

    const raw = (text: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) => {
      let req = h.api.post('/v1/public/tickets').set('Idempotency-Key', key());
      for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
      return req.send(text);
    };
    const json = (extra: string) => `{"category":"other","description":"Petugas loket pelayanan meminta uang tambahan."${extra}}`;

    it.each([
      ['a __proto__ key', json(',"__proto__":{"isAdmin":true}')],
      ['a constructor key', json(',"constructor":{"prototype":{"isAdmin":true}}')],
      ['a __proto__ key inside the contact', json(',"contact":{"email":"a@example.id","__proto__":{"isAdmin":true}}')],
      ['invalid JSON', '{"category":"other","description":"Petugas loket pelayanan meminta'],
      ['a JSON array', '[1,2,3]'],
      ['JSON null', 'null'],
    ])('when the raw body has %s, then it answers 400 and writes nothing', async (_name, text) => {
      const head = await h.store.headPosition();
      const res = await raw(text);
      expectProblem(res, 400);
      expect(res.text).not.toContain('loket pelayanan');
      expect(await h.store.headPosition()).toBe(head);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('when the body is over 64 KiB, then it answers 413 and writes nothing', async () => {
      const head = await h.store.headPosition();
      expectProblem(await submitTo(h.api, aReport({ description: 'Petugas loket '.padEnd(70 * 1024, 'x') })), 413);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('when the body is text/plain, or has no Content-Type at all, then it answers 415 and writes nothing', async () => {
      const head = await h.store.headPosition();
      expectProblem(await raw(json(''), { 'Content-Type': 'text/plain' }), 415);
      expectProblem(await raw('category=other&description=Petugas+loket+pelayanan+meminta+uang', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415);
      // A Buffer goes out without a Content-Type header.
      const untyped = await h.api.post('/v1/public/tickets').set('Idempotency-Key', key()).send(Buffer.from(json('')));
      expect((untyped as unknown as { req: { getHeader(name: string): unknown } }).req.getHeader('content-type')).toBeUndefined();
      expectProblem(untyped, 415);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('when the Idempotency-Key is missing, then it answers 400 and writes nothing', async () => {
      const head = await h.store.headPosition();
      expectProblem(await h.api.post('/v1/public/tickets').send(aReport()), 400);
      expect(await h.store.headPosition()).toBe(head);
    });
  });

  describe('given markup and layout in the description', () => {
    const description = '<script>alert(1)</script> Petugas <b>loket</b> & "kasir" meminta uang <img src=x onerror=alert(2)>.\nBaris kedua:\tdengan tab.\n\nBaris keempat.';

    it('stores it verbatim and answers it verbatim as JSON with nosniff, to the submitter and the officer, never as HTML', async () => {
      const res = await submitTo(h.api, aReport({ description }));
      const { ticketNumber, token } = submitted(res);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // The answer carries the capability token: no cache may keep it.
      expect(res.headers['cache-control']).toBe('no-store');

      const seen = await follow(ticketNumber, token).expect(200);
      expect(seen.headers['content-type']).toMatch(/^application\/json/);
      expect(seen.headers['x-content-type-options']).toBe('nosniff');
      expect((seen.body as { description: string }).description).toBe(description);

      const officer = await h.as('feedback-officer', 'officer-markup');
      const detail = await officer.get(`/v1/tickets/${ticketIdIn(h, ticketNumber)}`).expect(200);
      expect(detail.headers['content-type']).toMatch(/^application\/json/);
      expect((detail.body as { description: string }).description).toBe(description);
    });

    it('answers errors as problem+json too, never as HTML', async () => {
      const res = await h.api.get('/v1/public/tickets/<script>alert(1)</script>');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('given two tickets and their capability tokens', () => {
    let a: Submitted;
    let b: Submitted;
    const contactB = { name: 'Budi Santoso', email: 'budi.santoso@example.id' };

    beforeAll(async () => {
      a = submitted(await submitTo(h.api, aReport({ contact: { name: 'Ani Lestari', phone: '0812 1111 2222' } })));
      b = submitted(await submitTo(h.api, aReport({ contact: contactB })));
    });

    it('when ticket A is followed with its own token, then it is shown (control)', async () => {
      const res = await follow(a.ticketNumber, a.token).expect(200);
      expect(res.body).toMatchObject({ ticketNumber: a.ticketNumber, status: 'open' });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it("when ticket B is followed with A's token, then it answers 404, exactly as for an unknown number", async () => {
      const wrong = expectProblem(await follow(b.ticketNumber, a.token), 404);
      const unknown = expectProblem(await follow('LPR-0000000000', a.token), 404);
      expect({ type: wrong.type, title: wrong.title, detail: wrong.detail }).toEqual({ type: unknown.type, title: unknown.title, detail: unknown.detail });
      expect(JSON.stringify(wrong)).not.toContain('Budi');
    });

    it('when no token is sent, then it answers 401', async () => {
      expectProblem(await follow(a.ticketNumber), 401);
    });

    it('when a malformed token, another scheme or an officer JWT is sent, then it answers 401 or 404', async () => {
      const officer = await h.as('feedback-officer');
      const attempts = [
        follow(a.ticketNumber, 'lpr_short'),
        follow(a.ticketNumber, `${a.token}x`),
        follow(a.ticketNumber, a.token.slice(4)),
        follow(a.ticketNumber, `${a.token.slice(0, -1)}${a.token.endsWith('A') ? 'B' : 'A'}`),
        h.api.get(`/v1/public/tickets/${a.ticketNumber}`).set('Authorization', `Basic ${a.token}`),
        h.api.get(`/v1/public/tickets/${a.ticketNumber}`).set('Authorization', a.token),
        officer.get(`/v1/public/tickets/${a.ticketNumber}`),
      ];
      for (const res of await Promise.all(attempts)) {
        expect([401, 404]).toContain(res.status);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.text).not.toContain('Ani Lestari');
      }
    });

    it("when A's token posts information or erasure on ticket B, then it answers 404 and writes nothing", async () => {
      const head = await h.store.headPosition();
      expectProblem(await postAs(`/v1/public/tickets/${b.ticketNumber}/information`, a.token, { message: 'Ini informasi tambahan.' }), 404);
      expectProblem(await postAs(`/v1/public/tickets/${b.ticketNumber}/erasure`, a.token), 404);
      expectProblem(await h.api.post(`/v1/public/tickets/${b.ticketNumber}/erasure`).set('Idempotency-Key', key()), 401);
      expect(await h.store.headPosition()).toBe(head);
      const idB = ticketIdIn(h, b.ticketNumber);
      expect(h.keys.existingKey(`contact:${idB}`)).toBeDefined();
      expect((await follow(b.ticketNumber, b.token).expect(200)).body).toMatchObject({ contact: contactB });
    });

    it('when the holder posts information nobody asked for, then it answers 409 and writes nothing', async () => {
      const head = await h.store.headPosition();
      expectProblem(await postAs(`/v1/public/tickets/${a.ticketNumber}/information`, a.token, { message: 'Ini informasi tambahan.' }), 409, { code: 'no-information-requested' });
      expectProblem(await postAs(`/v1/public/tickets/${a.ticketNumber}/information`, a.token, { message: 'Ini\u202E informasi.' }), 400);
      expectProblem(await postAs(`/v1/public/tickets/${a.ticketNumber}/information`, a.token, { message: 'Ini informasi.', extra: true }), 400);
      expect(await h.store.headPosition()).toBe(head);
    });

    it("keeps the token out of every event's data and metadata, storing only its SHA-256", async () => {
      const events = await allEvents(h);
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        const text = JSON.stringify({ data: event.data, metadata: event.metadata });
        for (const token of [a.token, b.token]) {
          expect(text).not.toContain(token);
          expect(text).not.toContain(token.slice(4));
        }
      }
      for (const ticket of [a, b]) {
        const first = (await eventsOf(h, ticketIdIn(h, ticket.ticketNumber)))[0];
        expect(first?.type).toBe('TicketSubmitted');
        expect((first?.data as { tokenHash: string }).tokenHash).toBe(createHash('sha256').update(ticket.token, 'utf8').digest('hex'));
      }
    });
  });

  describe('given a report already received today', () => {
    const original = aReport({ service: 'Pembuatan KTP Elektronik' });
    let first: Submitted;

    beforeAll(async () => {
      first = submitted(await submitTo(h.api, original));
    });

    it('when the same report comes again with another Idempotency-Key, then it answers 409 duplicate-submission and writes nothing', async () => {
      const head = await h.store.headPosition();
      const res = await submitTo(h.api, original);
      expectProblem(res, 409, { type: 'urn:asn:problem:duplicate-submission' });
      expect(res.text).not.toContain(first.token);
      expect(res.text).not.toContain(first.ticketNumber);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('when five copies of a new report arrive at once, then exactly one is received and the rest are duplicates', async () => {
      const head = await h.store.headPosition();
      const copy = aReport();
      const answers = await Promise.all(Array.from({ length: 5 }, () => submitTo(h.api, copy)));
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const res of answers.filter((r) => r.status === 409)) expectProblem(res, 409, { type: 'urn:asn:problem:duplicate-submission' });
      const written = (await allEvents(h)).filter((e) => e.position > head);
      expect(written.map((e) => e.type)).toEqual(['TicketSubmitted', 'TicketRouted']);
    });

    it('when it differs only in case and white space, then it is still a duplicate', async () => {
      const head = await h.store.headPosition();
      const description = `  ${String(original.description).toUpperCase().replace(/ /g, '   ')}\n `;
      expectProblem(await submitTo(h.api, { ...original, description, service: ' pembuatan  ktp elektronik ' }), 409, { type: 'urn:asn:problem:duplicate-submission' });
      expectProblem(await submitTo(h.api, { ...original, contact: { email: 'lain@example.id' } }), 409, { type: 'urn:asn:problem:duplicate-submission' });
      expect(await h.store.headPosition()).toBe(head);
    });

    it('when the submission is retried with the same Idempotency-Key, then it replays the same ticket number and token', async () => {
      const retryKey = key();
      const once = submitted(await h.api.post('/v1/public/tickets').set('Idempotency-Key', retryKey).send(aReport({ description: 'Lampu jalan di depan kantor kelurahan mati sejak sebulan.' })));
      const head = await h.store.headPosition();
      const again = await h.api.post('/v1/public/tickets').set('Idempotency-Key', retryKey).send(aReport({ description: 'Lampu jalan di depan kantor kelurahan mati sejak sebulan.' }));
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toMatchObject({ ticketNumber: once.ticketNumber, token: once.token });
      expect(await h.store.headPosition()).toBe(head);
      // The answer kept for replays holds the ticket number (the control) but no token: the replay derived it again.
      const kept = ['', '-wal'].map((suffix) => join(h.dataDir, `feedback.idempotency.db${suffix}`)).filter((file) => existsSync(file)).map((file) => readFileSync(file));
      expect(kept.some((bytes) => bytes.includes(Buffer.from(once.ticketNumber)))).toBe(true);
      expect(kept.some((bytes) => bytes.includes(Buffer.from(once.token)))).toBe(false);
      // The same key with another body is refused.
      expectProblem(await h.api.post('/v1/public/tickets').set('Idempotency-Key', retryKey).send(aReport()), 422);
      expect(await h.store.headPosition()).toBe(head);
    });

    it('when the same report comes on the next local day, then it is a new ticket (the day turns at 17:00 UTC)', async () => {
      try {
        h.setNow('2026-11-27T16:59:00Z'); // 23:59 WIB, still Friday
        expectProblem(await submitTo(h.api, original), 409, { type: 'urn:asn:problem:duplicate-submission' });
        h.setNow('2026-11-27T17:00:00Z'); // 00:00 WIB, Saturday
        const next = submitted(await submitTo(h.api, original));
        expect(next.ticketNumber).not.toBe(first.ticketNumber);
        expect(next.token).not.toBe(first.token);
        expect((await follow(next.ticketNumber, next.token).expect(200)).body).toMatchObject({ receivedAt: '2026-11-27T17:00:00.000Z' });
      } finally {
        h.setNow(NOW);
      }
    });
  });

  describe('"no wrong door" routing', () => {
    it('when a unit the city has is named, then the ticket goes there (named-unit)', async () => {
      const { ticketNumber } = submitted(await submitTo(h.api, aReport({ unitId: healthUnitId })));
      expect(await routedOf(h, ticketNumber)).toEqual({ unitId: healthUnitId, reason: 'named-unit' });
    });

    it('when an unknown unit is named, then the ticket goes to the intake desk, the top unit (intake-desk)', async () => {
      const { ticketNumber } = submitted(await submitTo(h.api, aReport({ unitId: newId() })));
      expect(await routedOf(h, ticketNumber)).toEqual({ unitId: cityUnitId, reason: 'intake-desk' });
    });

    it('when a dissolved unit is named, then the ticket goes to the intake desk', async () => {
      const { unitId: oldUnitId } = await h.establishUnit('Dinas Pasar (lama)', { parentUnitId: cityUnitId });
      await record(h.store, dissolved(oldUnitId, '2026-01-01'));
      await waitUntil('the org chart has the dissolution', () => h.feedback.readModel.orgChart.unit(oldUnitId)?.dissolvedOn !== undefined);
      const { ticketNumber } = submitted(await submitTo(h.api, aReport({ unitId: oldUnitId })));
      expect(await routedOf(h, ticketNumber)).toEqual({ unitId: cityUnitId, reason: 'intake-desk' });
    });

    it("when only an employee is named, then the ticket goes to the employee's unit (employee-unit)", async () => {
      const employeeId = await appointEmployee(h.store, healthUnitId);
      await waitUntil('the org chart has the employee', () => h.feedback.readModel.orgChart.employeeOn(employeeId, '2026-11-27') !== undefined);
      const { ticketNumber } = submitted(await submitTo(h.api, aReport({ employeeId })));
      expect(await routedOf(h, ticketNumber)).toEqual({ unitId: healthUnitId, reason: 'employee-unit' });
    });

    it('when an unknown employee is named, then the ticket goes to the intake desk', async () => {
      const { ticketNumber } = submitted(await submitTo(h.api, aReport({ employeeId: newId() })));
      expect(await routedOf(h, ticketNumber)).toEqual({ unitId: cityUnitId, reason: 'intake-desk' });
    });

    describe('when an intake desk is configured', () => {
      const intakeUnitId = newId();
      let hi: FeedbackHarness;
      beforeAll(async () => {
        hi = await startFeedbackHarness({ now: NOW, intakeUnitId });
        const { unitId: topId } = await hi.establishUnit('Sekretariat Daerah Kota Tanjungbalai');
        await recordUnit(hi.store, intakeUnitId, 'Mal Pelayanan Publik', topId);
        await waitUntil('the org chart has the intake unit', () => hi.feedback.readModel.orgChart.unit(intakeUnitId) !== undefined);
      });
      afterAll(async () => hi.close());

      it('then a report naming no unit, or an unknown one, lands there rather than at the top unit', async () => {
        const plain = submitted(await submitTo(hi.api, aReport()));
        expect(await routedOf(hi, plain.ticketNumber)).toEqual({ unitId: intakeUnitId, reason: 'intake-desk' });
        const unknown = submitted(await submitTo(hi.api, aReport({ unitId: newId() })));
        expect(await routedOf(hi, unknown.ticketNumber)).toEqual({ unitId: intakeUnitId, reason: 'intake-desk' });
      });
    });

    describe('when the org chart is still empty', () => {
      let he: FeedbackHarness;
      beforeAll(async () => {
        he = await startFeedbackHarness({ now: NOW });
      });
      afterAll(async () => he.close());

      it('then a report answers 503 no-intake-unit with Retry-After and writes nothing', async () => {
        const head = await he.store.headPosition();
        for (const body of [aReport(), aReport({ unitId: newId() }), aReport({ employeeId: newId() })]) {
          const res = await submitTo(he.api, body);
          expectProblem(res, 503, { type: 'urn:asn:problem:no-intake-unit' });
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
        expect(await he.store.headPosition()).toBe(head);
      });
    });
  });

  describe("the submitter's erasure of their contact details", () => {
    const contact = { name: 'Rina Wulandari', phone: '+62 813 9876 5432', email: 'rina.w@example.id' };
    let ticket: Submitted;
    let ticketId: string;
    let description: string;

    beforeAll(async () => {
      const body = aReport({ contact, unitId: healthUnitId });
      description = String(body.description);
      ticket = submitted(await submitTo(h.api, body));
      ticketId = ticketIdIn(h, ticket.ticketNumber);
      expect((await follow(ticket.ticketNumber, ticket.token).expect(200)).body).toMatchObject({ contact });
      expect(h.keys.existingKey(`contact:${ticketId}`)).toBeDefined();
    });

    it('when the submitter erases with the token, then the contact reads erased everywhere, the key is gone and the case stays', async () => {
      const res = await postAs(`/v1/public/tickets/${ticket.ticketNumber}/erasure`, ticket.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ticketNumber: ticket.ticketNumber, contact: 'erased' });

      const seen = (await follow(ticket.ticketNumber, ticket.token).expect(200)).body as { contact: unknown; description: string };
      expect(seen.contact).toBe('erased');
      expect(seen.description).toBe(description);

      const officer = await h.as('feedback-officer', 'officer-erasure');
      const detail = await officer.get(`/v1/tickets/${ticketId}`).expect(200);
      expect(detail.body).toMatchObject({ contact: 'erased', description });
      expect(detail.text).not.toContain('Rina');
      expect(detail.text).not.toContain('5432');

      const erased = (await eventsOf(h, ticketId)).filter((e) => e.type === 'ContactErased');
      expect(erased.map((e) => (e.data as { reason: string }).reason)).toEqual(['submitter-request']);
      expect(h.keys.existingKey(`contact:${ticketId}`)).toBeUndefined();
    });

    it('when the submitter of an anonymous report asks for erasure, then it answers contact none and writes nothing', async () => {
      const anonymous = submitted(await submitTo(h.api, aReport({ anonymous: true })));
      const head = await h.store.headPosition();
      const res = await postAs(`/v1/public/tickets/${anonymous.ticketNumber}/erasure`, anonymous.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ticketNumber: anonymous.ticketNumber, contact: 'none' });
      expect(await h.store.headPosition()).toBe(head);
      const seen = (await follow(anonymous.ticketNumber, anonymous.token).expect(200)).body as { contact: unknown; steps: { type: string }[] };
      expect(seen.contact).toBe('none');
      expect(seen.steps.map((s) => s.type)).toEqual(['TicketSubmitted']);
    });

    it('when the submitter erases a second time, then it answers 200 and writes no second event', async () => {
      const head = await h.store.headPosition();
      const res = await postAs(`/v1/public/tickets/${ticket.ticketNumber}/erasure`, ticket.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ contact: 'erased' });
      expect(await h.store.headPosition()).toBe(head);
      expect((await eventsOf(h, ticketId)).filter((e) => e.type === 'ContactErased')).toHaveLength(1);
    });
  });

  describe('the public figures', () => {
    const employeeId = newId();
    const contact = { name: 'Dewi Kartika', email: 'dewi.kartika@example.id' };
    let tickets: Submitted[];

    beforeAll(async () => {
      tickets = [submitted(await submitTo(h.api, aReport({ category: 'illegal-levy', employeeId, contact })))];
    });

    it('when anyone asks for a year, then it answers aggregates without a token', async () => {
      const res = await h.api.get('/v1/public/figures?year=2026').expect(200);
      const body = res.body as { year: number; received: number; byCategory: Record<string, number>; byUnit: { unitId: string; received: number }[] };
      expect(body.year).toBe(2026);
      expect(body.received).toBe(h.feedback.readModel.receivedBetween(new Date('2025-12-31T17:00:00Z'), new Date('2026-12-31T17:00:00Z')).length);
      expect(body.received).toBeGreaterThanOrEqual(tickets.length);
      expect(body.byCategory['illegal-levy']).toBeGreaterThanOrEqual(1);
      expect(body.byUnit.reduce((sum, u) => sum + u.received, 0)).toBe(body.received);
    });

    it('then they name no ticket, text, employee, contact or token', async () => {
      const text = (await h.api.get('/v1/public/figures?year=2026').expect(200)).text;
      const numbers = (h.feedback.readModel.receivedBetween(new Date('2000-01-01'), new Date('2100-01-01'))).map((t) => t.ticketNumber);
      expect(numbers.length).toBeGreaterThan(0);
      for (const n of numbers) expect(text).not.toContain(n);
      for (const ticket of tickets) expect(text).not.toContain(ticket.token);
      for (const plain of [employeeId, 'Dewi', 'dewi.kartika', 'loket', 'laporan', 'ticketId', 'ticketNumber', 'description', 'contact']) expect(text).not.toContain(plain);
    });

    it.each([['year=abc'], ['year=1999'], ['year=2026.5'], ['year='], [''], ['year=2026&unitId=x'], ['year=1e3']])('when the query is "%s", then it answers 400', async (query) => {
      expectProblem(await h.api.get(`/v1/public/figures?${query}`), 400);
    });
  });
});

describe('the rate limit on submissions', () => {
  describe('given one trusted proxy hop', () => {
    let h: FeedbackHarness;
    beforeAll(async () => {
      h = await startFeedbackHarness({ now: NOW, rateLimit: { limit: 3, windowSeconds: 60 }, trustProxyHops: 1 });
      await h.establishUnit('Sekretariat Daerah Kota Tanjungbalai');
    });
    afterAll(async () => h.close());

    it('when one client address sends a 4th report in the window, then it answers 429 with Retry-After and writes nothing; another address is still served', async () => {
      const from = (address: string) => h.api.withHeaders({ 'X-Forwarded-For': address });
      for (let i = 0; i < 3; i++) submitted(await submitTo(from('203.0.113.7'), aReport()));
      const head = await h.store.headPosition();
      const refused = await submitTo(from('203.0.113.7'), aReport());
      expectProblem(refused, 429, { type: 'urn:asn:problem:rate-limited' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await h.store.headPosition()).toBe(head);
      // The address the proxy saw is the client's, whatever the client put before it.
      expectProblem(await submitTo(from('198.51.100.9, 203.0.113.7'), aReport()), 429);
      expect(await h.store.headPosition()).toBe(head);
      submitted(await submitTo(from('203.0.113.8'), aReport()));
    });

    it('when one address guesses tokens, then the lookups are limited too (ten times the reports) with 429', async () => {
      const guesser = h.api.withHeaders({ 'X-Forwarded-For': '192.0.2.44', Authorization: `Bearer lpr_${'A'.repeat(43)}` });
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await guesser.get('/v1/public/tickets/LPR-0000000000')).status);
      expect(statuses.slice(0, 30).every((status) => status === 404)).toBe(true);
      expect(statuses[30]).toBe(429);
      await h.api.withHeaders({ 'X-Forwarded-For': '192.0.2.45' }).get('/v1/public/figures?year=2026').expect(200);
    });
  });

  describe('given no trusted proxy', () => {
    let h: FeedbackHarness;
    beforeAll(async () => {
      h = await startFeedbackHarness({ now: NOW, rateLimit: { limit: 3, windowSeconds: 60 }, trustProxyHops: 0 });
      await h.establishUnit('Sekretariat Daerah Kota Tanjungbalai');
    });
    afterAll(async () => h.close());

    it('when a client spoofs X-Forwarded-For, then it is ignored: every request counts against the socket address', async () => {
      for (let i = 0; i < 3; i++) submitted(await submitTo(h.api.withHeaders({ 'X-Forwarded-For': `198.51.100.${i + 1}` }), aReport()));
      const head = await h.store.headPosition();
      const refused = await submitTo(h.api.withHeaders({ 'X-Forwarded-For': '198.51.100.200' }), aReport());
      expectProblem(refused, 429, { type: 'urn:asn:problem:rate-limited' });
      expect(refused.headers['retry-after']).toBeDefined();
      expectProblem(await submitTo(h.api, aReport()), 429);
      expect(await h.store.headPosition()).toBe(head);
    });
  });
});
