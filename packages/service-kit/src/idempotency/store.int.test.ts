import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createMemoryIdempotencyStore } from './memoryStore';
import { createSqliteIdempotencyStore } from './sqliteStore';
import type { IdempotencyStore } from './store';
import { tempDir } from '../testing/fixtures';

const id = { scope: 'alice POST /employees', key: 'k-1' };
const response = { status: 201, headers: { ETag: '"0"', Location: '/employees/1' }, body: { id: '1' } };
const at = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms);

let dir: ReturnType<typeof tempDir>;
let closers: (() => void)[] = [];
beforeEach(() => {
  dir = tempDir();
  closers = [];
});
afterEach(() => {
  closers.forEach((close) => close());
  dir.remove();
});

const engines: [string, () => IdempotencyStore][] = [
  ['memory', () => createMemoryIdempotencyStore({ leaseMs: 1000, retentionMs: 10_000 })],
  ['sqlite', () => {
    const store = createSqliteIdempotencyStore({ database: join(dir.dir, 'idem.db'), leaseMs: 1000, retentionMs: 10_000 });
    closers.push(store.close);
    return store;
  }],
];

describe.each(engines)('the %s idempotency store', (_name, open) => {
  it('grants the first claim and answers in-flight to the second', async () => {
    const store = open();
    expect((await store.claim(id, 'f', at(0))).kind).toBe('claimed');
    expect(await store.claim(id, 'f', at(10))).toEqual({ kind: 'in-flight' });
  });

  it('answers mismatch to a different fingerprint, in flight or done', async () => {
    const store = open();
    const claim = await store.claim(id, 'f', at(0));
    expect(await store.claim(id, 'other', at(1))).toEqual({ kind: 'mismatch' });
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.complete(id, claim.token, response, at(2));
    expect(await store.claim(id, 'other', at(3))).toEqual({ kind: 'mismatch' });
  });

  it('replays the completed response', async () => {
    const store = open();
    const claim = await store.claim(id, 'f', at(0));
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.complete(id, claim.token, response, at(5));
    expect(await store.claim(id, 'f', at(6))).toEqual({ kind: 'replay', response });
  });

  it('lets a stale in-flight claim be taken over, and ignores the late completion of the old owner', async () => {
    const store = open();
    const stale = await store.claim(id, 'f', at(0));
    const fresh = await store.claim(id, 'f', at(1001));
    expect(fresh.kind).toBe('claimed');
    if (stale.kind !== 'claimed' || fresh.kind !== 'claimed') throw new Error('expected claims');
    await store.complete(id, stale.token, { status: 500, headers: {} }, at(1002));
    expect(await store.claim(id, 'f', at(1003))).toEqual({ kind: 'in-flight' });
    await store.complete(id, fresh.token, response, at(1004));
    expect(await store.claim(id, 'f', at(1005))).toEqual({ kind: 'replay', response });
  });

  it('forgets a completed response after the retention', async () => {
    const store = open();
    const claim = await store.claim(id, 'f', at(0));
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.complete(id, claim.token, response, at(0));
    expect((await store.claim(id, 'other', at(10_001))).kind).toBe('claimed');
  });

  it('releases a claim so that a retry can run', async () => {
    const store = open();
    const claim = await store.claim(id, 'f', at(0));
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.release(id, claim.token);
    expect((await store.claim(id, 'f', at(1))).kind).toBe('claimed');
  });

  it('keeps keys of different scopes apart', async () => {
    const store = open();
    await store.claim(id, 'f', at(0));
    expect((await store.claim({ ...id, scope: 'bob POST /employees' }, 'f', at(1))).kind).toBe('claimed');
  });
});

describe('the sqlite idempotency store', () => {
  it('replays a response after a restart', async () => {
    const file = join(dir.dir, 'idem.db');
    const first = createSqliteIdempotencyStore({ database: file });
    const claim = await first.claim(id, 'f', at(0));
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await first.complete(id, claim.token, response, at(1));
    first.close();
    const reopened = createSqliteIdempotencyStore({ database: file });
    closers.push(reopened.close);
    expect(await reopened.claim(id, 'f', at(2))).toEqual({ kind: 'replay', response });
  });

  it('grants exactly one claim across two connections to the same file', async () => {
    const file = join(dir.dir, 'idem.db');
    const a = createSqliteIdempotencyStore({ database: file });
    const b = createSqliteIdempotencyStore({ database: file });
    closers.push(a.close, b.close);
    const outcomes = await Promise.all([a.claim(id, 'f', at(0)), b.claim(id, 'f', at(0)), a.claim(id, 'f', at(0))]);
    expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
  });

  it('waits for another process\'s write lock on a shared handle instead of failing with SQLITE_BUSY', async () => {
    const file = join(dir.dir, 'idem.db');
    // Opened by its owner without better-sqlite3's default busy wait.
    const shared = new Database(file, { timeout: 0 });
    shared.pragma('journal_mode = WAL');
    closers.push(() => shared.close());
    const store = createSqliteIdempotencyStore({ database: shared });
    expect(shared.pragma('busy_timeout', { simple: true })).toBe(5000);
    // Another writer (standing in for another process) holds the write lock for 300 ms.
    const holder = new Worker(
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
       const db = new Database(${JSON.stringify(file)});
       db.exec('BEGIN IMMEDIATE');
       require('node:worker_threads').parentPort.postMessage('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       db.exec('COMMIT');
       db.close();`,
      { eval: true },
    );
    const finished = new Promise((resolve) => holder.once('exit', resolve));
    await new Promise((resolve) => holder.once('message', resolve));
    const started = Date.now();
    await expect(store.claim(id, 'f', at(0))).resolves.toMatchObject({ kind: 'claimed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await finished;
  });

  it('sets the busy timeout it is given on a shared handle', () => {
    const shared = new Database(':memory:', { timeout: 0 });
    closers.push(() => shared.close());
    createSqliteIdempotencyStore({ database: shared, busyTimeoutMs: 250 });
    expect(shared.pragma('busy_timeout', { simple: true })).toBe(250);
    expect(() => createSqliteIdempotencyStore({ database: shared, busyTimeoutMs: -1 })).toThrow(/invalid busy timeout/);
  });

  it('refuses an unsafe table name', () => {
    expect(() => createSqliteIdempotencyStore({ database: ':memory:', table: 'x; DROP TABLE y' })).toThrow(/invalid table name/);
  });
});
