/**
 * The raw limit: better-sqlite3 on one events table, WAL + synchronous=FULL, no engine around it.
 * What no event store on this SQLite build can beat with the same durability.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type BenchConfig, checkFold, databaseBytes, type EngineResult, fold, log, type Measurement, now, type StreamSummary } from './common';
import { batchAppends, loadInterleaved, sequentialAppends, streamLoads } from './drivers';
import type { PlacedEvent, Workload } from './workload';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  id       TEXT    NOT NULL,
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  UNIQUE (stream, revision)
)`;

const open = (path: string): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
};

const inserter = (db: Database.Database): ((p: PlacedEvent) => void) => {
  const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  return (p) => {
    insert.run(p.stream, p.revision, p.event.id, p.event.type, JSON.stringify(p.event.data), JSON.stringify(p.event.metadata));
  };
};

export const runRaw = async (cfg: BenchConfig, main: Workload, batch: Workload): Promise<EngineResult> => {
  const measurements: Measurement[] = [];
  const add = (op: string, label: string, t: { events: number; ms: number; latencies?: number[] }, note?: string): void => {
    measurements.push({ op, label, engine: 'raw', ...t, ...(note === undefined ? {} : { note }) });
  };

  // single appends: one event per transaction (autocommit), durable
  {
    const db = open(join(cfg.dir, 'raw-single.db'));
    const insert = inserter(db);
    log('raw: single appends');
    add('append.single', 'append 1 event/txn (sequential)', await sequentialAppends(cfg, main, insert));
    db.close();
  }

  // 100 events per transaction: one whole stream of the batch workload per transaction
  {
    const db = open(join(cfg.dir, 'raw-batch.db'));
    const insert = inserter(db);
    const txn = db.transaction((events: PlacedEvent[]) => {
      for (const p of events) insert(p);
    });
    log('raw: 100 events/txn');
    add('append.batch100', `append ${String(batch.perStream)} events/txn`, await batchAppends(cfg, batch, (events) => txn(events)));
    db.close();
  }

  // the replay data set: durable 1,000-event transactions, time-boxed like an append measurement (that is
  // the load row); the rest of the set is then written without fsync in bigger transactions (not timed: the
  // rows, their order and so the pages are the same), and the file reopened with the durable settings
  const path = join(cfg.dir, 'raw-replay.db');
  let loadedEvents: number;
  {
    const db = open(path);
    const insert = inserter(db);
    const txn = db.transaction((events: PlacedEvent[]) => {
      for (const p of events) insert(p);
    });
    log('raw: load rate (durable)');
    const durable = await loadInterleaved({ ...cfg, loadMs: cfg.appendMs }, main, (chunk) => txn(chunk));
    add('load', `load replay set (${String(cfg.loadBatch)} events/txn)`, durable, 'first seconds of the load (time-boxed)');
    log(`raw: writing the rest of the ${String(main.total)}-event replay set`);
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const rest = await loadInterleaved({ ...cfg, loadBatch: 10_000 }, main, (chunk) => txn(chunk), undefined, durable.events);
    loadedEvents = durable.events + rest.events;
    db.close();
  }
  const db = open(path);
  const journalMode = db.pragma('journal_mode', { simple: true }) as string;
  const synchronous = db.pragma('synchronous', { simple: true }) as number;

  // full replay: iterate + JSON.parse + fold
  log('raw: full replay');
  {
    const state = new Map<string, StreamSummary>();
    const select = db.prepare('SELECT position, stream, revision, id, type, data, metadata FROM events ORDER BY position');
    const start = now();
    const deadline = start + cfg.readMs;
    let events = 0;
    for (const row of select.iterate() as IterableIterator<{ stream: string; revision: number; type: string; data: string; metadata: string }>) {
      const data: unknown = JSON.parse(row.data);
      JSON.parse(row.metadata);
      fold(state, row.stream, row.revision, row.type, data);
      events++;
      if ((events & 1023) === 0 && now() > deadline) break;
    }
    add('replay', 'full replay (iterate + parse + fold)', { events, ms: now() - start }, checkFold(state, events));
  }

  // one stream, whole
  log('raw: stream loads');
  {
    const select = db.prepare('SELECT position, stream, revision, id, type, data, metadata FROM events WHERE stream = ? ORDER BY revision');
    add(
      'stream.load',
      `load one ${String(main.perStream)}-event stream`,
      await streamLoads(
        cfg,
        main,
        (stream) => {
          const rows = select.all(stream) as { type: string; data: string; metadata: string }[];
          for (const row of rows) {
            JSON.parse(row.data);
            JSON.parse(row.metadata);
          }
          return rows.length;
        },
        1,
      ),
    );
  }
  db.close();
  const bytes = databaseBytes(path);
  return { measurements, storage: { engine: 'raw', events: loadedEvents, bytes, journalMode, synchronous } };
};
