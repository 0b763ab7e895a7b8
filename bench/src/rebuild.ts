/**
 * The rebuild line: the reporting service's read models rebuilt from a synthetic city, beside a raw replay of
 * the same store file. The city (≈ 1,000,000 events × BENCH_SCALE) is written by the personnel service's
 * seeder (`./ledger seed`) in a process of its own, so that the city it generates leaves no heap behind in
 * the measuring process (see engine.ts); it is not timed. Then, on the same file, each bounded by the store's
 * events (count) and the cap below (time):
 * - raw: better-sqlite3 on the store's tables, `SELECT … FROM events JOIN streams … ORDER BY position` over
 *   the categories the reporting service reads, `JSON.parse` of data and metadata, the fold of raw.ts;
 * - ours: what the reporting service does to rebuild (liveReadModels.ts, `build`): `replayInto` with
 *   `openReadModels(db)` on a fresh read-model file (WAL, synchronous=OFF), reading the store through
 *   `SqliteEventStore({ readonly: true })`;
 * - floor: the same `replayInto` with read models that apply nothing, into another fresh file: the part of the
 *   rebuild's time that does not depend on the read models (reading through the store's port, upcasting, the inbox).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@asn/event-store-sqlite';
import Database from 'better-sqlite3';
import { type BenchConfig, checkFold, type EngineResult, fold, log, type Measurement, now, type StreamSummary } from './common';
import { runTs } from './http/processes';

export const REBUILD_OP = 'rebuild';
/** The same replay with read models that apply nothing: what reading, upcasting and the inbox cost alone. */
export const REBUILD_FLOOR_OP = 'rebuild.floor';

/** Events the seeder writes per employee: 164,685 for 5,000 employees (seed 1), 32.9 per employee. */
const EVENTS_PER_EMPLOYEE = 164_685 / 5_000;
const SEEDER = join('services', 'personnel', 'src', 'synthetic', 'seed.cli.ts');
/** The city's date: fixed, so that the same seed and scale give the same city on any day. */
const CITY_TODAY = '2026-11-29';

/** The city's size for the bench's scale: ≈ 1,000,000 events at scale 1. */
export const cityEmployees = (scale: number): number => Math.max(50, Math.round((1_000_000 * scale) / EVENTS_PER_EMPLOYEE));

/** Wraps a store so that its `readAll` ends at `deadline` (checked every 1,024 events, one call per event). */
const timeBoxed = (store: SqliteEventStore, deadline: number, capped: { hit: boolean }): Pick<SqliteEventStore, 'readAll' | 'headPosition'> => ({
  headPosition: () => store.headPosition(),
  readAll: (options) => ({
    [Symbol.asyncIterator]: () => {
      const inner = store.readAll(options)[Symbol.asyncIterator]();
      let n = 0;
      return {
        next: () => {
          if ((++n & 1023) === 0 && now() > deadline) {
            capped.hit = true;
            return Promise.resolve({ done: true as const, value: undefined });
          }
          return inner.next();
        },
      };
    },
  }),
});

export const runRebuild = async (cfg: BenchConfig): Promise<EngineResult> => {
  // The reporting service has no exports map: its rebuild is imported from its files (lint forbids
  // `@asn/*/src`), here and not at the top, so that main.ts (which reads REBUILD_OP) does not load it.
  const { openReadModels } = await import('../../services/reporting/src/readModels');
  const { REPORTED_CATEGORIES, replayInto } = await import('../../services/reporting/src/rebuild/replay');
  const measurements: Measurement[] = [];
  const employees = cityEmployees(cfg.scale);
  const dataDir = join(cfg.dir, 'city');
  const storePath = join(dataDir, 'asn.db');
  // Generous: the rebuild of 1,000,000 events should fit; a slower one is cut and says so.
  const capMs = cfg.loadMs;

  log(`rebuild: seeding a synthetic city of ${employees.toLocaleString('en-US')} employees (not timed)`);
  const seeding = now();
  await runTs(SEEDER, ['--employees', String(employees), '--seed', String(cfg.seed), '--today', CITY_TODAY, '--data-dir', dataDir], Math.max(300_000, 1_200_000 * cfg.scale));
  const seedSeconds = (now() - seeding) / 1000;

  // What the city holds, per category (the seeder also writes NIP reservations, which reporting does not read).
  const { total, reported } = (() => {
    const db = new Database(storePath, { readonly: true });
    try {
      const rows = db.prepare('SELECT s.category AS category, count(*) AS n FROM events e JOIN streams s ON s.id = e.stream_id GROUP BY s.category').all() as { category: string; n: number }[];
      return {
        total: rows.reduce((sum, r) => sum + r.n, 0),
        reported: rows.filter((r) => REPORTED_CATEGORIES.includes(r.category)).reduce((sum, r) => sum + r.n, 0),
      };
    } finally {
      db.close();
    }
  })();
  const storeMiB = statSync(storePath).size / 1024 / 1024;
  log(`rebuild: city of ${total.toLocaleString('en-US')} events (${reported.toLocaleString('en-US')} in the reported categories) in ${seedSeconds.toFixed(0)} s`);

  // raw: iterate + parse + fold, on the store's own tables
  log('rebuild: raw replay of the store file');
  let rawEvents: number;
  {
    const db = new Database(storePath, { readonly: true });
    const state = new Map<string, StreamSummary>();
    const select = db.prepare(
      `SELECT e.position, s.name AS stream, e.revision, e.type, e.data, e.metadata FROM events e JOIN streams s ON s.id = e.stream_id
       WHERE s.category IN (${REPORTED_CATEGORIES.map(() => '?').join(', ')}) ORDER BY e.position`,
    );
    const start = now();
    const deadline = start + capMs;
    let events = 0;
    let capped = false;
    for (const row of select.iterate(...REPORTED_CATEGORIES) as IterableIterator<{ stream: string; revision: number; type: string; data: string; metadata: string }>) {
      const data: unknown = JSON.parse(row.data);
      JSON.parse(row.metadata);
      fold(state, row.stream, row.revision, row.type, data);
      events++;
      if ((events & 1023) === 0 && now() > deadline) {
        capped = true;
        break;
      }
    }
    const ms = now() - start;
    db.close();
    rawEvents = events;
    const check = checkFold(state, events);
    const city = `synthetic city of ${employees.toLocaleString('en-US')} employees (seed ${String(cfg.seed)}, as of ${CITY_TODAY}, seeded in ${seedSeconds.toFixed(0)} s, not timed): ${total.toLocaleString('en-US')} events, ${reported.toLocaleString('en-US')} of them in the categories reporting reads (${REPORTED_CATEGORIES.join(', ')}); store file ${storeMiB.toFixed(0)} MiB`;
    const notes = [city, `${events.toLocaleString('en-US')} events in ${(ms / 1000).toFixed(2)} s`, ...(capped ? ['stopped at the time cap'] : []), ...(check === undefined ? [] : [check])];
    measurements.push({ op: REBUILD_OP, label: 'replay the city (iterate + parse + fold)', engine: 'raw', events, ms, note: notes.join('; ') });
  }

  // ours: the reporting service's rebuild, into a fresh read-model file; then the floor, with read models that apply nothing
  const rebuild = async (op: string, file: string, readModels: (db: Database.Database) => Parameters<typeof replayInto>[0]['readModels']): Promise<void> => {
    const readModelPath = join(cfg.dir, file);
    const store = new SqliteEventStore({ path: storePath, readonly: true });
    const db = new Database(readModelPath);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    // Disposable until it is complete: no durable commit per batch (liveReadModels.ts, build).
    db.pragma('synchronous = OFF');
    const capped = { hit: false };
    let result: Awaited<ReturnType<typeof replayInto>>;
    try {
      result = await replayInto({ store: timeBoxed(store, now() + capMs, capped), db, readModels: readModels(db), group: 'reporting' });
    } finally {
      db.close();
      await store.close();
    }
    // After close: the WAL is checkpointed into the file.
    const readModelMiB = statSync(readModelPath).size / 1024 / 1024;
    const notes = [
      `${result.events.toLocaleString('en-US')} events in ${(result.milliseconds / 1000).toFixed(2)} s (replayInto's own clock: settle and the last commit included), read-model file ${readModelMiB.toFixed(0)} MiB`,
      ...(capped.hit ? ['stopped at the time cap'] : []),
      ...(result.skippedCount > 0 ? [`${String(result.skippedCount)} events not applied (would be dead-lettered), first: ${result.skipped[0]?.type ?? '?'}: ${result.skipped[0]?.reason ?? '?'}`] : []),
      ...(!capped.hit && result.events !== rawEvents ? [`CHECK FAILED: the raw replay read ${String(rawEvents)} events`] : []),
    ];
    const label = op === REBUILD_OP ? 'rebuild the reporting read models (replayInto)' : 'the same, read models applying nothing (floor)';
    measurements.push({ op, label, engine: 'ours', events: result.events, ms: result.milliseconds, note: notes.join('; ') });
  };
  log('rebuild: the reporting read models, rebuilt from the store');
  await rebuild(REBUILD_OP, 'reporting.readmodel.db', (db) => openReadModels(db));
  log('rebuild: the same replay with read models that apply nothing (its floor)');
  await rebuild(REBUILD_FLOOR_OP, 'floor.readmodel.db', () => ({ apply: () => undefined, settle: () => undefined }));
  return { measurements };
};

