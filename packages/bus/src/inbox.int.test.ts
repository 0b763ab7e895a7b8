import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { CloudEvent } from '@asn/contracts';
import { newId } from '@asn/event-store';
import Database from 'better-sqlite3';
import { ConflictingEventError, openSqliteInbox, OutOfOrderError, withInbox, type Inbox } from './inbox';
import { newStream } from './testing/fixtures';

const cloudEvent = (subject: string, revision: number, id = newId()): CloudEvent => ({
  specversion: '1.0',
  id,
  source: '/asn/personnel',
  type: 'asn.personnel.Noted.v1',
  time: new Date().toISOString(),
  subject,
  datacontenttype: 'application/json',
  schemaversion: 1,
  streamrevision: revision,
  globalposition: revision + 1,
  data: { amount: revision + 1 },
});

describe('the SQLite inbox', () => {
  let dir: string;
  let db: Database.Database;
  let inbox: Inbox;
  const total = (): number => (db.prepare('SELECT coalesce(sum(amount), 0) AS t FROM model').get() as { t: number }).t;
  const project = (event: CloudEvent): void =>
    void db.prepare('INSERT INTO model (stream, amount) VALUES (?, ?)').run(event.subject, (event.data as { amount: number }).amount);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asn-inbox-'));
    db = new Database(join(dir, 'model.db'));
    db.exec('CREATE TABLE model (stream TEXT NOT NULL, amount INTEGER NOT NULL)');
    inbox = openSqliteInbox(db, 'test');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies each revision once however often it is delivered (P8)', () => {
    const stream = newStream();
    const sequence = [0, 1, 2].map((revision) => cloudEvent(stream, revision));
    const handle = withInbox(inbox, project);
    // Every event delivered 1 to 5 times, each redelivery after later events too.
    for (const [index, event] of sequence.entries()) {
      for (let copy = 0; copy <= index + 2; copy += 1) void handle(event, { group: 'g', topic: 't', attempt: 0 });
      for (const earlier of sequence.slice(0, index)) void handle(earlier, { group: 'g', topic: 't', attempt: 0 });
    }
    expect(total()).toBe(1 + 2 + 3);
    expect(inbox.revisionOf(stream)).toBe(2);
  });

  it('refuses revision n+2 before n+1 and writes nothing (P9)', () => {
    const stream = newStream();
    inbox.apply(cloudEvent(stream, 0), () => project(cloudEvent(stream, 0)));
    const skipped = cloudEvent(stream, 2);
    expect(() => inbox.apply(skipped, () => project(skipped))).toThrow(OutOfOrderError);
    expect(() => inbox.apply(cloudEvent(newStream(), 1), () => undefined)).toThrow(OutOfOrderError);
    expect(total()).toBe(1);
    expect(inbox.revisionOf(stream)).toBe(0);
  });

  it('rolls the inbox back with the read model when the update fails', () => {
    const stream = newStream();
    const event = cloudEvent(stream, 0);
    expect(() =>
      inbox.apply(event, () => {
        project(event);
        throw new Error('projection bug');
      }),
    ).toThrow('projection bug');
    expect(total()).toBe(0);
    expect(inbox.revisionOf(stream)).toBeUndefined();
    expect(inbox.apply(event, () => project(event))).toBe('applied');
  });

  it('refuses another event id at an applied revision', () => {
    const stream = newStream();
    inbox.apply(cloudEvent(stream, 0), () => undefined);
    expect(() => inbox.apply(cloudEvent(stream, 0), () => undefined)).toThrow(ConflictingEventError);
  });

  it('applies a batch within the caller\'s transaction with the same checks, each stream\'s row written by flush, and needs one open', () => {
    const stream = newStream();
    const [first, second] = [cloudEvent(stream, 0), cloudEvent(stream, 1)];
    expect(() => inbox.batch()).toThrow('needs an open transaction');
    db.exec('BEGIN');
    const batch = inbox.batch();
    expect(batch.apply(first, () => project(first))).toBe('applied');
    expect(batch.apply(first, () => project(first))).toBe('duplicate');
    expect(() => batch.apply(cloudEvent(stream, 3), () => undefined)).toThrow(OutOfOrderError);
    expect(() => batch.apply(cloudEvent(stream, 0), () => undefined)).toThrow(ConflictingEventError);
    expect(batch.apply(second, () => project(second))).toBe('applied');
    expect(inbox.revisionOf(stream)).toBeUndefined();
    batch.flush();
    expect(inbox.revisionOf(stream)).toBe(1);
    db.exec('COMMIT');
    expect(total()).toBe(1 + 2);
    // A later batch starts from the table: a redelivery is a duplicate, the next revision applies.
    db.exec('BEGIN');
    const later = inbox.batch();
    expect(later.apply(second, () => project(second))).toBe('duplicate');
    const third = cloudEvent(stream, 2);
    expect(later.apply(third, () => project(third))).toBe('applied');
    later.flush();
    // The caller's rollback undoes the model and the inbox together.
    db.exec('ROLLBACK');
    expect(total()).toBe(1 + 2);
    expect(inbox.revisionOf(stream)).toBe(1);
  });

  it('keeps inboxes of different consumers apart in one database', () => {
    const other = openSqliteInbox(db, 'other');
    const event = cloudEvent(newStream(), 0);
    expect(inbox.apply(event, () => undefined)).toBe('applied');
    expect(other.apply(event, () => undefined)).toBe('applied');
    expect(other.apply(event, () => undefined)).toBe('duplicate');
  });
});
