import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { describeEventStoreConformance } from '@asn/event-store/conformance';
import { openSqliteEventStore } from './sqliteEventStore';

describeEventStoreConformance(
  'SQLite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asn-store-'));
    return { store: openSqliteEventStore({ path: join(dir, 'events.db'), pollMs: 20 }), dispose: async () => rmSync(dir, { recursive: true }) };
  },
  { gapFreePositions: true, boundedMemory: true },
);

describe('the SQLite engine', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asn-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const anEvent = () => ({ id: randomUUID(), type: 'Happened', data: { at: 1 } });

  it('refuses to open where durable WAL cannot be had', () => {
    expect(() => openSqliteEventStore({ path: ':memory:' })).toThrow('durability settings did not take');
  });

  it('reads its durability settings back on open', async () => {
    const store = openSqliteEventStore({ path: join(dir, 'events.db') });
    expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2 });
    await store.close();
  });

  it('refuses a file that is not an event store', () => {
    const db = new Database(join(dir, 'other.db'));
    db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');
    db.close();
    expect(() => openSqliteEventStore({ path: join(dir, 'other.db') })).toThrow('not an event store');
  });

  it('commits the appends of one event-loop turn together, answering each', async () => {
    const store = openSqliteEventStore({ path: join(dir, 'events.db') });
    const results = await Promise.allSettled([
      ...Array.from({ length: 49 }, (_, i) => store.appendToStream(`employee-${i}`, [anEvent()], { expectedRevision: 'no_stream' })),
      store.appendToStream('employee-0', [anEvent()], { expectedRevision: 5 }),
    ]);
    expect(store.commitStats()).toEqual({ commits: 1, appends: 50 });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(49);
    expect(results[49]).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedRevisionError' } });
    await store.close();
  });

  it('answers a retry as the first time also after a restart (P4)', async () => {
    const path = join(dir, 'events.db');
    const events = [anEvent(), anEvent()];
    const first = openSqliteEventStore({ path });
    const original = await first.appendToStream('employee-a', events, { expectedRevision: 'no_stream' });
    await first.appendToStream('employee-a', [anEvent()]);
    await first.close();
    const second = openSqliteEventStore({ path });
    expect(await second.appendToStream('employee-a', events, { expectedRevision: 'no_stream' })).toEqual(original);
    expect(await second.headPosition()).toBe(3);
    await second.close();
  });

  it('lets a subscription see what another connection to the file commits', async () => {
    const path = join(dir, 'events.db');
    const reader = openSqliteEventStore({ path, pollMs: 10 });
    const writer = openSqliteEventStore({ path });
    const seen: string[] = [];
    const subscription = reader.subscribe({ checkpoint: reader.checkpoints('test'), handle: (e) => void seen.push(e.stream) });
    await subscription.caughtUp;
    await writer.appendToStream('employee-b', [anEvent()]);
    const until = Date.now() + 5000;
    while (seen.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();
    expect(seen).toEqual(['employee-b']);
    expect(await reader.checkpoints('test').load()).toBe(1);
    await reader.close();
    await writer.close();
  });
});
