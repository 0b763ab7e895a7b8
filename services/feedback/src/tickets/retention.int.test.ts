import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { feedbackEventRegistry } from '@asn/contracts';
import type { RecordedEvent } from '@asn/event-store';
import { verifySqliteFile } from '@asn/event-store-sqlite';
import type { HttpClient } from '@asn/testing';
import Database from 'better-sqlite3';
import { openFeedbackReadModel } from '../readModel';
import { DEFAULT_RULES } from '../rules/rules';
import { key, startFeedbackHarness, type FeedbackHarness } from '../testing/feedbackHarness';

// The retention of the submitters' contact details (UU PDP: destroyed when the retention period ends): the
// sweep erases the contact key of a ticket closed more than `retentionDays` ago and records ContactErased; the
// case itself stays on record. P14: afterwards no copy of the contact (nor of its key) is in any file of the
// data dir, and the stream still parses, verifies and replays.

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;

interface Ticket {
  ticketId: string;
  ticketNumber: string;
  token: string;
}

interface Contact {
  name: string;
  phone: string;
  email: string;
}

let h: FeedbackHarness;
let officer: HttpClient;
let unitId: string;
let sequence = 0;

const PHONES: Record<string, string> = { Resolved: '+62 813 6101 4471', Open: '+62 813 6202 4472', Dismissed: '+62 813 6303 4473', Forgotten: '+62 813 6404 4474', Reopened: '+62 813 6505 4475', Concurrent: '+62 813 6606 4476' };
const contactFor = (who: string): Contact => ({ name: `Nurhayati ${who} Siregar`, phone: PHONES[who] ?? '+62 813 6000 0000', email: `nurhayati.${who.toLowerCase()}@contoh.id` });

const submit = async (at: string, extra: { contact?: Contact; anonymous?: boolean }): Promise<Ticket> => {
  h.setNow(at);
  sequence += 1;
  const res = await h.api
    .post('/v1/public/tickets')
    .set('Idempotency-Key', key())
    .send({ category: 'service-quality', unitId, description: `Surat keterangan nomor ${sequence} belum selesai setelah dua minggu.`, ...extra })
    .expect(201);
  const { ticketNumber, token } = res.body as { ticketNumber: string; token: string };
  const ticketId = h.feedback.readModel.byNumber(ticketNumber)?.ticketId;
  if (ticketId === undefined) throw new Error('the submitted ticket is not in the read model');
  return { ticketId, ticketNumber, token };
};

const act = (ticketId: string, path: string, body: object) => officer.post(`/v1/tickets/${ticketId}/${path}`).set('Idempotency-Key', key()).send(body).expect(200);

const eventsOf = async (ticketId: string, type?: string): Promise<RecordedEvent[]> => {
  const found: RecordedEvent[] = [];
  for await (const event of h.store.readStream(`feedback-${ticketId}`)) if (type === undefined || event.type === type) found.push(event);
  return found;
};

const contactKey = (ticketId: string) => `contact:${ticketId}`;
const officerView = async (ticketId: string) => (await officer.get(`/v1/tickets/${ticketId}`).expect(200)).body as { contact: unknown; description: string };
const submitterView = async (t: Ticket) => (await h.api.get(`/v1/public/tickets/${t.ticketNumber}`).set('Authorization', `Bearer ${t.token}`).expect(200)).body as { contact: unknown; description: string };

/** Every byte of every file under the data dir (databases, their -wal and -shm files, keys, the audit log). */
const rawFiles = (dir: string): { file: string; bytes: Buffer }[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? rawFiles(path) : [{ file: name, bytes: readFileSync(path) }];
  });
const filesHolding = (needle: string | Buffer): string[] => rawFiles(h.dataDir).flatMap(({ file, bytes }) => (bytes.includes(needle) ? [file] : []));

/** The wrapped key of a subject as it lies in the key store file (read on a connection closed at once). */
const wrappedKeyOf = (subject: string): Buffer | undefined => {
  const db = new Database(join(h.dataDir, 'feedback.keys.db'), { readonly: true });
  try {
    return (db.prepare('SELECT wrapped FROM subject_keys WHERE subject = ?').get(subject) as { wrapped: Buffer | null } | undefined)?.wrapped ?? undefined;
  } finally {
    db.close();
  }
};

// Closed on Monday 30 Nov 2026, 09:00 WIB.
const CLOSED_AT = '2026-11-30T02:00:00.000Z';
const retentionEnds = new Date(Date.parse(CLOSED_AT) + RETENTION_DAYS * DAY_MS);
const c1 = contactFor('Resolved');
const c4 = contactFor('Dismissed');
let resolved: Ticket;
let open: Ticket;
let anonymous: Ticket;
let dismissed: Ticket;
let erasedBySubmitter: Ticket;
let reclosed: Ticket;

beforeAll(async () => {
  h = await startFeedbackHarness({ retentionDays: RETENTION_DAYS });
  ({ unitId } = await h.establishUnit('Dinas Kependudukan dan Pencatatan Sipil'));
  officer = await h.as('feedback-officer', 'officer-1');
  resolved = await submit('2026-11-27T03:00:00Z', { contact: c1 });
  open = await submit('2026-11-27T03:10:00Z', { contact: contactFor('Open') });
  anonymous = await submit('2026-11-27T03:20:00Z', { anonymous: true });
  dismissed = await submit('2026-11-27T03:30:00Z', { contact: c4 });
  erasedBySubmitter = await submit('2026-11-27T03:40:00Z', { contact: contactFor('Forgotten') });
  reclosed = await submit('2026-11-27T03:50:00Z', { contact: contactFor('Reopened') });
  h.setNow(CLOSED_AT);
  for (const t of [resolved, anonymous, erasedBySubmitter, reclosed]) await act(t.ticketId, 'resolution', { resolution: 'Surat keterangan sudah diterbitkan.' });
  await act(dismissed.ticketId, 'dismissal', { reason: 'Bukan kewenangan pemerintah kota.' });
  await act(open.ticketId, 'responses', { message: 'Sedang kami proses.' });
  await h.api.post(`/v1/public/tickets/${erasedBySubmitter.ticketNumber}/erasure`).set('Authorization', `Bearer ${erasedBySubmitter.token}`).set('Idempotency-Key', key()).expect(200);
  // Reopened ten days later and closed again ten days after that: the retention counts from the last closing.
  h.setNow('2026-12-10T02:00:00.000Z');
  await act(reclosed.ticketId, 'reopening', { reason: 'Surat yang diterbitkan salah nama.' });
  h.setNow('2026-12-20T02:00:00.000Z');
  await act(reclosed.ticketId, 'resolution', { resolution: 'Surat sudah diperbaiki.' });
});
afterAll(async () => h.close());

describe('given closed tickets with contact details and a retention of 30 days', () => {
  it('when the sweep runs exactly 30 days after the closing, then nothing is erased yet', async () => {
    h.setNow(retentionEnds);
    // (The open ticket is late by now: the same sweeps escalate it, which is not the matter here.)
    expect(await h.feedback.watch.sweep()).toMatchObject({ erased: 0 });
    expect(h.keys.existingKey(contactKey(resolved.ticketId))).toBeDefined();
    expect(await eventsOf(resolved.ticketId, 'ContactErased')).toEqual([]);
    expect((await officerView(resolved.ticketId)).contact).toEqual(c1);
  });

  it('when it has passed, then the sweep erases the contact key of the resolved and the dismissed ticket and records ContactErased (retention)', async () => {
    const wrapped = wrappedKeyOf(contactKey(resolved.ticketId));
    expect(wrapped).toBeInstanceOf(Buffer);
    // The check below reads the files where the key lies: the database or its log.
    expect(filesHolding(wrapped ?? Buffer.alloc(0)).some((f) => f.startsWith('feedback.keys.db'))).toBe(true);

    h.setNow(new Date(retentionEnds.getTime() + 1));
    expect(await h.feedback.watch.sweep()).toMatchObject({ erased: 2 });
    for (const t of [resolved, dismissed]) {
      expect(h.keys.existingKey(contactKey(t.ticketId))).toBeUndefined();
      expect(h.keys.isErased(contactKey(t.ticketId))).toBe(true);
      // The case key stays: the case is on record.
      expect(h.keys.existingKey(t.ticketId)).toBeDefined();
      const erasures = await eventsOf(t.ticketId, 'ContactErased');
      expect(erasures.map((e) => e.data)).toEqual([{ reason: 'retention', erasedAt: new Date(retentionEnds.getTime() + 1).toISOString() }]);
      expect(h.feedback.readModel.ticket(t.ticketId)).toMatchObject({ contactErased: true });
    }
    expect(filesHolding(wrapped ?? Buffer.alloc(0))).toEqual([]);
  });

  it('when an officer or the submitter reads the ticket, then the contact reads erased and the description is still there', async () => {
    const byOfficer = await officerView(resolved.ticketId);
    expect(byOfficer).toMatchObject({ contact: 'erased', description: 'Surat keterangan nomor 1 belum selesai setelah dua minggu.' });
    const bySubmitter = await submitterView(resolved);
    expect(bySubmitter).toMatchObject({ contact: 'erased', description: 'Surat keterangan nomor 1 belum selesai setelah dua minggu.' });
    const listed = (await officer.get('/v1/tickets?status=closed&limit=200').expect(200)).body as { items: { ticketId: string; contact: string }[] };
    expect(listed.items.find((i) => i.ticketId === resolved.ticketId)?.contact).toBe('erased');
  });

  it('when the sweep runs, then the open ticket and the anonymous one are not touched, and the one erased by its submitter is not erased twice', async () => {
    h.setNow('2027-06-01T00:00:00.000Z');
    expect(await h.feedback.watch.sweep()).toMatchObject({ erased: 1 }); // only the reclosed one (closed 20 Dec) is due by now
    expect(h.keys.existingKey(contactKey(open.ticketId))).toBeDefined();
    expect(await eventsOf(open.ticketId, 'ContactErased')).toEqual([]);
    expect((await officerView(open.ticketId)).contact).toEqual(contactFor('Open'));
    expect(await eventsOf(anonymous.ticketId, 'ContactErased')).toEqual([]);
    expect(h.keys.existingKey(contactKey(anonymous.ticketId))).toBeUndefined();
    expect((await eventsOf(erasedBySubmitter.ticketId, 'ContactErased')).map((e) => (e.data as { reason: string }).reason)).toEqual(['submitter-request']);
  });

  it('when the sweep runs again, then it writes nothing', async () => {
    const before = (await eventsOf(resolved.ticketId)).length;
    let all = 0;
    for await (const _event of h.store.readAll({ categories: ['feedback'] })) all += 1;
    expect(await h.feedback.watch.sweep()).toEqual({ escalated: 0, erased: 0 });
    let after = 0;
    for await (const _event of h.store.readAll({ categories: ['feedback'] })) after += 1;
    expect(after).toBe(all);
    expect(await eventsOf(resolved.ticketId)).toHaveLength(before);
  });
});

describe('given a ticket reopened and closed again', () => {
  it('when 30 days have passed since the first closing but not since the last, then it is kept; after, it is erased', async () => {
    // Checked on the stream: erased only by the sweep of 1 Jun 2027, not by the one 30 days after 30 Nov.
    const erasures = await eventsOf(reclosed.ticketId, 'ContactErased');
    expect(erasures.map((e) => e.data)).toEqual([{ reason: 'retention', erasedAt: '2027-06-01T00:00:00.000Z' }]);
  });
});

describe('given two sweeps at once', () => {
  it('when both find the same ticket due, then one ContactErased is written', async () => {
    const t = await submit('2027-06-02T03:00:00Z', { contact: contactFor('Concurrent') });
    h.setNow('2027-06-02T04:00:00Z');
    await act(t.ticketId, 'resolution', { resolution: 'Sudah selesai ditangani.' });
    h.setNow('2027-07-03T04:00:00Z');
    const [a, b] = await Promise.all([h.feedback.watch.sweep(), h.feedback.watch.sweep()]);
    // Both may report it: the store answers the second append of the same event ids as the first (P4), and the
    // handler cannot tell the two apart. What counts is the stream.
    expect(a.erased + b.erased).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(t.ticketId, 'ContactErased')).toHaveLength(1);
    expect(h.keys.isErased(contactKey(t.ticketId))).toBe(true);
  });
});

describe('given the erasures done (P14)', () => {
  it('then the erased contacts are in no file of the data dir (databases, logs, keys), in any common spelling', () => {
    // The databases' logs are read as they are (not checkpointed first): a copy there counts as well.
    const files = rawFiles(h.dataDir).map((f) => f.file);
    // A control: what is stored in clear (the ticket number) is found by the same scan.
    expect(filesHolding(resolved.ticketNumber).some((f) => f.startsWith('asn.db'))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['asn.db', 'feedback.keys.db', 'feedback.readmodel.db']));
    for (const contact of [c1, c4]) {
      for (const needle of [contact.name, contact.phone, contact.phone.replace(/[^0-9+]/g, ''), contact.email, JSON.stringify(contact)]) {
        expect({ needle, files: filesHolding(needle) }).toEqual({ needle, files: [] });
        expect({ needle, files: filesHolding(Buffer.from(needle, 'utf16le')) }).toEqual({ needle, files: [] });
      }
    }
  });

  it('then every stored event still parses, the hash chains verify, and a rebuild from position 0 equals the live read model', async () => {
    const events: RecordedEvent[] = [];
    for await (const event of h.store.readAll({ categories: ['feedback'] })) events.push(event);
    expect(events.length).toBeGreaterThan(20);
    for (const event of events) expect(() => feedbackEventRegistry.parseEvent(event)).not.toThrow();
    expect(await verifySqliteFile(join(h.dataDir, 'asn.db'))).toMatchObject({ ok: true, integrity: 'ok' });

    const rebuilt = openFeedbackReadModel(join(h.dataDir, 'rebuilt.readmodel.db'), () => DEFAULT_RULES);
    try {
      rebuilt.applyOwn(events);
      const now = new Date('2027-07-03T04:00:00Z');
      const all = { status: 'all', now, limit: 1000 } as const;
      expect(rebuilt.tickets(all)).toEqual(h.feedback.readModel.tickets(all));
      expect(rebuilt.tickets(all).filter((t) => t.contactErased)).toHaveLength(5);
    } finally {
      rebuilt.close();
    }
  });
});
