/**
 * The peer: Emmett 0.38.5's SQLite event store (node `sqlite3` driver, bundled SQLite 3.44).
 *
 * How it opens the database (dist/index.js, `sqliteConnection`): `new sqlite3.Database(file)` then
 * `PRAGMA journal_mode = WAL`, nothing else; synchronous stays at the build's default, which for this
 * sqlite3 build is FULL (DEFAULT_SYNCHRONOUS=2, DEFAULT_WAL_SYNCHRONOUS=2) — so its defaults already are
 * WAL + synchronous=FULL, the same durability as the raw limit and ours; the PRAGMAs are read back and
 * printed. Note that `getSQLiteEventStore` on a file opens a new connection per operation (appendToStream,
 * readStream) and closes it afterwards: that cost is part of what is measured, as it is what users get.
 *
 * Reading: 0.38.5 has a consumer/processor API (`store.consumer().processor({ eachMessage })`), which pulls
 * batches by global position and stores the processor checkpoint after every message, in one transaction
 * per batch. It is used for the replay, with pulling batchSize 1000 (as our subscription's page) and
 * pullingFrequencyInMs 0 (its default, 50 ms between batches, would cap it at 2,000 ev/s at the default
 * batch size of 100).
 */
import { join } from 'node:path';
import type { Event } from '@event-driven-io/emmett';
import {
  appendToStream,
  createEventStoreSchema,
  defaultTag,
  getSQLiteEventStore,
  messagesTable,
  type SQLiteConnection,
  sqliteConnection,
  streamsTable,
} from '@event-driven-io/emmett-sqlite';
import Database from 'better-sqlite3';
import { type BenchConfig, checkFold, databaseBytes, type EngineResult, fold, log, type Measurement, now, type StreamSummary } from './common';
import { batchAppends, loadInterleaved, sequentialAppends, streamLoads } from './drivers';
import type { PlacedEvent, Workload } from './workload';

type EmmettEvent = Event<string, Record<string, unknown>, Record<string, unknown>>;

/** The workload event as an Emmett event; our event id becomes its messageId (user metadata wins). */
const toEmmett = (p: PlacedEvent): EmmettEvent => ({
  type: p.event.type,
  data: p.event.data,
  metadata: { messageId: p.event.id, ...p.event.metadata },
});

const streamTypeOf = (stream: string): string => stream.slice(0, stream.indexOf('-'));

const readPragmas = async (fileName: string): Promise<{ journalMode: string; synchronous: number }> => {
  // a connection opened exactly the way Emmett opens its own
  const connection = sqliteConnection({ fileName });
  try {
    const journal = await connection.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
    const sync = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    return { journalMode: journal?.journal_mode ?? '?', synchronous: sync?.synchronous ?? -1 };
  } finally {
    connection.close();
  }
};

const closeConnection = (connection: SQLiteConnection): Promise<void> =>
  // sqlite3 closes asynchronously; let it finish before the file is measured or removed
  new Promise((resolve) => {
    connection.close();
    setTimeout(resolve, 50);
  });

/**
 * Writes events exactly as Emmett 0.38.5's `appendToStream` does with an expected stream version (checked
 * row by row against it: same columns, values and types, `created` aside): the stream row is inserted at
 * the first event and its position bumped after, and the message row carries Emmett's metadata
 * (streamName, messageId, streamPosition = index in the append + 1, then the user metadata) and, as
 * message_schema_version, the expected stream version. The stream row's partition is what Emmett binds
 * (`streamsTable.columns.partition`, an object, stored as '[object Object]').
 */
export const emmettRowWriter = (fileName: string): { write: (chunk: PlacedEvent[]) => void; close: () => void } => {
  const db = new Database(fileName);
  // not a measurement: written as fast as possible (no fsync, big cache, big transactions); the rows, their
  // order and so the pages are the same as with durable appends
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Emmett's column descriptor prints as its default partition
  const partition = String(streamsTable.columns.partition);
  const insertStream = db.prepare(
    `INSERT INTO ${streamsTable.name} (stream_id, stream_position, partition, stream_type, stream_metadata, is_archived) VALUES (?, 1, ?, ?, '[]', 0)`,
  );
  const bumpStream = db.prepare(
    `UPDATE ${streamsTable.name} SET stream_position = stream_position + 1 WHERE stream_id = ? AND partition = ? AND is_archived = 0`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO ${messagesTable.name} (stream_id, stream_position, partition, message_kind, message_data, message_metadata, message_schema_version, message_type, message_id, is_archived) VALUES (?, ?, ?, 'E', ?, ?, ?, ?, ?, 0)`,
  );
  const write = db.transaction((chunk: PlacedEvent[]) => {
    for (const p of chunk) {
      if (p.revision === 0) insertStream.run(p.stream, partition, streamTypeOf(p.stream));
      else bumpStream.run(p.stream, partition);
      const metadata = { streamName: p.stream, messageId: p.event.id, streamPosition: '1', ...p.event.metadata };
      insertMessage.run(
        p.stream,
        p.revision + 1,
        defaultTag,
        JSON.stringify(p.event.data),
        JSON.stringify(metadata),
        String(p.revision),
        p.event.type,
        p.event.id,
      );
    }
  });
  return { write: (chunk) => write(chunk), close: () => db.close() };
};

/**
 * Emmett 0.38.5 on node-sqlite3 now and then fails a COMMIT with "SQLITE_BUSY: cannot commit transaction -
 * SQL statements in progress" (a statement of its own transaction not yet finalized); it rolls back, so the
 * append is retried as is (the retry is inside the timed call) and the retries are counted in the row's note.
 */
const retryingBusy = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, retries: { count: number }) => async (...args: A): Promise<R> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(...args);
    } catch (error) {
      const busy = error instanceof Error && error.message.includes('SQLITE_BUSY');
      if (!busy || attempt >= 5) throw error;
      retries.count++;
    }
  }
};

const retryNote = (retries: { count: number }): string | undefined =>
  retries.count === 0 ? undefined : `${String(retries.count)} SQLITE_BUSY commit failure(s) retried`;

export const runEmmett = async (cfg: BenchConfig, main: Workload, batch: Workload): Promise<EngineResult> => {
  // Emmett console.logs the errors it rethrows: keep stdout for the report
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    return await measureEmmett(cfg, main, batch);
  } finally {
    console.log = consoleLog;
  }
};

const measureEmmett = async (cfg: BenchConfig, main: Workload, batch: Workload): Promise<EngineResult> => {
  const measurements: Measurement[] = [];
  const add = (op: string, label: string, t: { events: number; ms: number; latencies?: number[] }, note?: string): void => {
    measurements.push({ op, label, engine: 'emmett', ...t, ...(note === undefined ? {} : { note }) });
  };

  // single appends through the public store API, expected version checked
  {
    const store = getSQLiteEventStore({ fileName: join(cfg.dir, 'emmett-single.db') });
    const retries = { count: 0 };
    const append = retryingBusy((p: PlacedEvent) => store.appendToStream(p.stream, [toEmmett(p)], { expectedStreamVersion: BigInt(p.revision) }), retries);
    log('emmett: single appends');
    add('append.single', 'append 1 event (sequential)', await sequentialAppends(cfg, main, append), retryNote(retries));
  }

  // 100 events per append: one whole stream of the batch workload
  {
    const store = getSQLiteEventStore({ fileName: join(cfg.dir, 'emmett-batch.db') });
    const retries = { count: 0 };
    const append = retryingBusy(
      (events: PlacedEvent[]) => store.appendToStream((events[0] as PlacedEvent).stream, events.map(toEmmett), { expectedStreamVersion: 0n }),
      retries,
    );
    log('emmett: 100-event appends');
    add('append.batch100', `append ${String(batch.perStream)} events (1 stream)`, await batchAppends(cfg, batch, append), retryNote(retries));
  }

  // Emmett's own load rate: its appendToStream (the function the store calls), one event per append so that
  // the log stays interleaved, `loadBatch` appends per transaction on one kept connection; time-boxed like
  // an append measurement, because at a few thousand ev/s the full set would take minutes
  {
    const connection = sqliteConnection({ fileName: join(cfg.dir, 'emmett-load.db') });
    await createEventStoreSchema(connection);
    log('emmett: load rate through its appendToStream');
    const retries = { count: 0 };
    const loadChunk = retryingBusy(
      (chunk: PlacedEvent[]) =>
        connection.withTransaction(async () => {
        for (const p of chunk) {
          const result = await appendToStream(connection, p.stream, streamTypeOf(p.stream), [toEmmett(p)], {
            expectedStreamVersion: BigInt(p.revision),
          });
          if (!result.success) throw new Error(`emmett: append to ${p.stream} at ${String(p.revision)} failed`);
        }
      }),
      retries,
    );
    const loaded = await loadInterleaved({ ...cfg, loadMs: cfg.appendMs }, main, loadChunk);
    add('load', `load replay set (${String(cfg.loadBatch)} appends/txn)`, loaded, retryNote(retries) ?? 'first seconds of the load (time-boxed)');
    await closeConnection(connection);
  }

  // the replay data set itself: the rows Emmett's appendToStream writes, written with better-sqlite3
  const fileName = join(cfg.dir, 'emmett-replay.db');
  {
    const connection = sqliteConnection({ fileName });
    await createEventStoreSchema(connection);
    await closeConnection(connection);
  }
  log(`emmett: writing the ${String(main.total)}-event replay set in its table format`);
  const writer = emmettRowWriter(fileName);
  const written = await loadInterleaved({ ...cfg, loadBatch: 10_000 }, main, writer.write);
  writer.close();
  const loadedEvents = written.events;
  const pragmas = await readPragmas(fileName);
  const bytes = databaseBytes(fileName);

  // replay through a consumer with one processor, from the beginning
  {
    const store = getSQLiteEventStore({ fileName });
    const consumer = store.consumer({ pulling: { batchSize: 1000, pullingFrequencyInMs: 0 } });
    const state = new Map<string, StreamSummary>();
    const target = loadedEvents;
    let events = 0;
    const start = now();
    const deadline = start + cfg.readMs;
    let end = start;
    consumer.processor({
      processorId: 'bench-replay',
      startFrom: 'BEGINNING',
      eachMessage: (message) => {
        fold(state, message.metadata.streamName, Number(message.metadata.streamPosition) - 1, message.type, message.data);
        events++;
        if (events >= target || ((events & 1023) === 0 && now() > deadline)) {
          end = now();
          return { type: 'STOP', reason: 'bench cap reached' };
        }
        return undefined;
      },
    });
    log('emmett: consumer replay');
    // safety net: if the cap is never reached inside eachMessage (nothing left to read), stop the puller
    const guard = setTimeout(() => void consumer.stop(), cfg.readMs + 5000);
    await consumer.start();
    clearTimeout(guard);
    if (end === start) end = now();
    add('replay.subscribe', 'replay via consumer/processor', { events, ms: end - start }, checkFold(state, events));
    await consumer.close();
  }

  // one stream, whole, through the public store API
  {
    const store = getSQLiteEventStore({ fileName });
    log('emmett: stream loads');
    add(
      'stream.load',
      `load one ${String(main.perStream)}-event stream`,
      await streamLoads(cfg, main, async (stream) => (await store.readStream(stream)).events.length, 1),
    );
  }

  return {
    measurements,
    storage: { engine: 'emmett', events: loadedEvents, bytes, ...pragmas },
  };
};
