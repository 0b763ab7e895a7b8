import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@asn/event-store';
import { openSqliteEventStore } from '../sqliteEventStore';
import { verifySqliteFile } from '../verify';

// P1 and P2: acknowledged appends survive kill -9, and an append is all or nothing wherever the process dies.
const seed = Number(process.env.DURABILITY_SEED ?? Date.now() % 100_000);
const rounds = 8;

/** mulberry32: a small seeded generator, so that a failing run can be replayed with DURABILITY_SEED. */
const random = (() => {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();


interface Ack {
  stream: string;
  lastRevision: number;
  ids: string[];
}

/** Runs the appender until `killAfterMs` after it is ready, kills it with SIGKILL, returns its acknowledgements. */
const runAndKill = (path: string, round: number, killAfterMs: number): Promise<Ack[]> =>
  new Promise((resolve, reject) => {
    // `--import tsx` runs the fixture in this very process: the tsx command would put a second process between
    // the kill and the appender.
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'appender.fixture.ts'), path, String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const first = out.length === 0;
      out += chunk.toString();
      if (first && out.startsWith('ready')) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`appender exited by itself: ${err}`));
      // The last line may be cut mid-write by the kill: only whole lines count as acknowledged.
      const lines = out.split('\n').slice(0, -1).filter((l) => l.startsWith('ack '));
      resolve(
        lines.map((line) => {
          const [, stream, lastRevision, ids] = line.split(' ') as [string, string, string, string];
          return { stream, lastRevision: Number(lastRevision), ids: ids.split(',') };
        }),
      );
    });
  });

describe('when the process is killed with SIGKILL while appending', () => {
  it(`keeps every acknowledged event and no part of an unacknowledged append (seed ${seed})`, async () => {
    process.stdout.write(`durability seed: ${seed} (replay with DURABILITY_SEED=${seed})\n`);
    const dir = mkdtempSync(join(tmpdir(), 'asn-durability-'));
    const path = join(dir, 'events.db');
    const acked: Ack[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        const roundAcks = await runAndKill(path, round, 50 + Math.floor(random() * 400));
        acked.push(...roundAcks);

        const store = openSqliteEventStore({ path });
        const all: RecordedEvent[] = [];
        for await (const event of store.readAll()) all.push(event);
        await store.close();
        const byId = new Map(all.map((e) => [e.id, e]));

        for (const ack of acked) {
          ack.ids.forEach((id, i) => {
            const event = byId.get(id);
            expect(event?.stream).toBe(ack.stream);
            expect(event?.revision).toBe(ack.lastRevision - ack.ids.length + 1 + i);
          });
        }
        const batches = new Map<string, RecordedEvent[]>();
        for (const event of all) {
          const { batch } = event.data as { batch: string };
          batches.set(batch, [...(batches.get(batch) ?? []), event]);
        }
        for (const events of batches.values()) {
          const { size } = events[0]!.data as { size: number };
          expect(events).toHaveLength(size);
          expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => events[0]!.revision + i));
        }
        const report = await verifySqliteFile(path);
        expect(report.problem).toBeUndefined();
        expect(report.ok).toBe(true);
      }
      expect(acked.length).toBeGreaterThan(rounds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
