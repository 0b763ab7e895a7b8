import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { eventHash } from '@asn/event-store';
import { openSqliteEventStore } from './sqliteEventStore';
import { verifySqliteFile } from './verify';

// Three streams of five events, interleaved: positions 1..15, stream k's revision r is at position 3r + k + 1.
const streams = ['employee-a1', 'employee-b2', 'feedback-c3'];
const positionOf = (stream: number, revision: number): number => 3 * revision + stream + 1;

let dir: string;
let path: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asn-verify-'));
  path = join(dir, 'events.db');
  const store = openSqliteEventStore({ path });
  for (let revision = 0; revision < 5; revision++) {
    for (const stream of streams) {
      await store.appendToStream(stream, [{ id: randomUUID(), type: 'Happened', data: { revision }, metadata: { correlationId: 'c' } }]);
    }
  }
  await store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tamper = (sql: string, ...params: unknown[]): void => {
  const db = new Database(path);
  db.prepare(sql).run(...params);
  db.close();
};

describe('verify', () => {
  it('passes an untouched store and counts what it checked', async () => {
    const report = await verifySqliteFile(path);
    expect(report).toMatchObject({ ok: true, events: 15, streams: 3, integrity: 'ok' });
  });

  describe('when a row was tampered with (P11)', () => {
    it('finds an edited payload at its exact place', async () => {
      tamper(`UPDATE events SET data = '{"revision":9}' WHERE position = ?`, positionOf(1, 2));
      expect((await verifySqliteFile(path)).problem).toMatchObject({
        kind: 'hash-mismatch',
        stream: 'employee-b2',
        revision: 2,
        position: positionOf(1, 2),
      });
    });

    it.each([
      ['metadata', '{"correlationId":"forged"}'],
      ['type', 'Forged'],
      ['schema_version', 2],
      ['recorded_at', 0],
      ['id', Buffer.alloc(16, 7)],
    ])('finds an edited %s', async (column, value) => {
      tamper(`UPDATE events SET ${column} = ? WHERE position = ?`, value, positionOf(0, 3));
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'hash-mismatch', position: positionOf(0, 3) });
    });

    it('finds a deleted event where the gap begins', async () => {
      tamper('DELETE FROM events WHERE position = ?', positionOf(2, 1));
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'position-gap', position: positionOf(2, 1) + 1 });
    });

    it('finds the deleted last event of the log through the stream head', async () => {
      tamper('DELETE FROM events WHERE position = 15');
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'head-mismatch', stream: 'feedback-c3', revision: 3 });
    });

    it('finds two events of a stream whose contents were swapped', async () => {
      const db = new Database(path);
      const a = db.prepare('SELECT data, hash FROM events WHERE position = ?').get(positionOf(0, 1)) as { data: string; hash: Buffer };
      const b = db.prepare('SELECT data, hash FROM events WHERE position = ?').get(positionOf(0, 3)) as { data: string; hash: Buffer };
      db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?').run(b.data, b.hash, positionOf(0, 1));
      db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?').run(a.data, a.hash, positionOf(0, 3));
      db.close();
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'hash-mismatch', position: positionOf(0, 1) });
    });

    it('finds events reordered inside a stream', async () => {
      const db = new Database(path);
      db.transaction(() => {
        db.prepare('UPDATE events SET revision = -1 WHERE position = ?').run(positionOf(1, 1));
        db.prepare('UPDATE events SET revision = 1 WHERE position = ?').run(positionOf(1, 2));
        db.prepare('UPDATE events SET revision = 2 WHERE position = ?').run(positionOf(1, 1));
      })();
      db.close();
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'revision-gap', position: positionOf(1, 1) });
    });

    it('finds an inserted event even when its hash was forged correctly', async () => {
      const db = new Database(path);
      const last = db
        .prepare(`SELECT s.id AS streamId, e.hash FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.name = 'employee-a1' ORDER BY e.revision DESC LIMIT 1`)
        .get() as { streamId: number; hash: Buffer };
      const forged = { stream: 'employee-a1', revision: 5, id: randomUUID(), type: 'Happened', schemaVersion: 1, recordedAt: Date.now(), data: '{"revision":5}', metadata: '{}' };
      db.prepare('INSERT INTO events (stream_id, revision, id, type, schema_version, recorded_at, data, metadata, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        last.streamId, 5, Buffer.from(forged.id.replace(/-/g, ''), 'hex'), forged.type, 1, forged.recordedAt, forged.data, forged.metadata, eventHash(last.hash, forged),
      );
      db.close();
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'head-mismatch', stream: 'employee-a1', revision: 5 });
    });

    it('finds an inserted event with a made-up hash at its position', async () => {
      tamper(
        `INSERT INTO events (stream_id, revision, id, type, schema_version, recorded_at, data, metadata, hash) VALUES (1, 5, randomblob(16), 'Happened', 1, 0, '{}', '{}', randomblob(32))`,
      );
      expect((await verifySqliteFile(path)).problem).toMatchObject({ kind: 'hash-mismatch', position: 16 });
    });
  });

  describe('when the file itself is corrupted (P12)', () => {
    it('fails loudly instead of reading wrong data', async () => {
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096);
      closeSync(fd);
      const outcome = await verifySqliteFile(path).then(
        (r) => r.ok,
        (e: Error) => e.message,
      );
      expect(outcome).not.toBe(true);
    });
  });

  describe('the command', () => {
    it('exits 0 on a sound store and 1 naming the bad place', () => {
      const cli = join(__dirname, 'verify.cli.ts');
      const run = (): { status: number; out: string } => {
        try {
          return { status: 0, out: execFileSync('npx', ['tsx', cli, path], { encoding: 'utf8' }) };
        } catch (error) {
          const e = error as { status: number; stdout: string };
          return { status: e.status, out: e.stdout };
        }
      };
      expect(run()).toMatchObject({ status: 0, out: expect.stringContaining('15 events in 3 streams') });
      tamper(`UPDATE events SET data = '{}' WHERE position = 4`);
      const bad = run();
      expect(bad.status).toBe(1);
      expect(bad.out).toContain('hash-mismatch');
      expect(bad.out).toContain('position 4');
    });
  });
});
