/**
 * Our engine: `@asn/event-store-sqlite` through the `EventStore` port. Group commit: appends issued in the
 * same event-loop turn share one transaction, so concurrent appenders and the replay-set loader (one event
 * per append, `loadBatch` appends issued in one turn) get batched commits without batching in the caller.
 */
import { join } from 'node:path';
import type { ExpectedRevision, NewEvent } from '@asn/event-store';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { type BenchConfig, checkFold, databaseBytes, type EngineResult, fold, log, type Measurement, now, type StreamSummary } from './common';
import { batchAppends, concurrentAppends, loadInterleaved, sequentialAppends, streamLoads } from './drivers';
import { nextUuidV7, type PlacedEvent, type Workload } from './workload';

const toNew = (p: PlacedEvent): NewEvent => ({ id: nextUuidV7(), type: p.event.type, data: p.event.data, metadata: p.event.metadata });

const expected = (revision: number): ExpectedRevision => (revision === 0 ? 'no_stream' : revision - 1);

export const runOurs = async (cfg: BenchConfig, main: Workload, batch: Workload): Promise<EngineResult> => {
  const measurements: Measurement[] = [];
  const add = (op: string, label: string, t: { events: number; ms: number; latencies?: number[] }, note?: string): void => {
    measurements.push({ op, label, engine: 'ours', ...t, ...(note === undefined ? {} : { note }) });
  };

  // sequential single appends: each awaited before the next, so each is its own transaction
  {
    const store = openSqliteEventStore({ path: join(cfg.dir, 'ours-single.db') });
    log('ours: single appends');
    add(
      'append.single',
      'append 1 event (sequential)',
      await sequentialAppends(cfg, main, (p) => store.appendToStream(p.stream, [toNew(p)], { expectedRevision: expected(p.revision) })),
    );
    await store.close();
  }

  // concurrent appenders, each on its own streams
  {
    const store = openSqliteEventStore({ path: join(cfg.dir, 'ours-concurrent.db') });
    log(`ours: ${String(cfg.concurrency)} concurrent appenders`);
    add(
      'append.concurrent',
      `append 1 event × ${String(cfg.concurrency)} concurrent appenders`,
      await concurrentAppends(cfg, main, (p) => store.appendToStream(p.stream, [toNew(p)], { expectedRevision: expected(p.revision) })),
    );
    await store.close();
  }

  // 100 events per append: one whole stream of the batch workload
  {
    const store = openSqliteEventStore({ path: join(cfg.dir, 'ours-batch.db') });
    log('ours: 100-event appends');
    add(
      'append.batch100',
      `append ${String(batch.perStream)} events (1 stream)`,
      await batchAppends(cfg, batch, (events) =>
        store.appendToStream((events[0] as PlacedEvent).stream, events.map(toNew), { expectedRevision: 'no_stream' }),
      ),
    );
    await store.close();
  }

  // the replay data set: one event per append, `loadBatch` appends issued in one turn (group commit)
  const path = join(cfg.dir, 'ours-replay.db');
  const store = openSqliteEventStore({ path });
  const appendChunk = (chunk: PlacedEvent[]): Promise<unknown> =>
    Promise.all(chunk.map((p) => store.appendToStream(p.stream, [toNew(p)], { expectedRevision: expected(p.revision) })));
  // the load row covers the first seconds (as raw's and Emmett's), the rest is loaded the same way
  log('ours: load rate');
  const first = await loadInterleaved({ ...cfg, loadMs: cfg.appendMs }, main, appendChunk);
  log(`ours: loading the rest of the ${String(main.total)}-event replay set`);
  const rest = await loadInterleaved(cfg, main, appendChunk, (n) => log(`ours: loaded ${String(n)}`), first.events);
  const loaded = { events: first.events + rest.events, ms: first.ms + rest.ms };
  add(
    'load',
    `load replay set (${String(cfg.loadBatch)} appends/turn)`,
    first,
    `whole set: ${loaded.events.toLocaleString('en-US')} events at ${Math.round((loaded.events * 1000) / loaded.ms).toLocaleString('en-US')} ev/s`,
  );
  const target = loaded.events;

  // full replay through readAll
  log('ours: readAll replay');
  {
    const state = new Map<string, StreamSummary>();
    const start = now();
    const deadline = start + cfg.readMs;
    let events = 0;
    for await (const event of store.readAll()) {
      fold(state, event.stream, event.revision, event.type, event.data);
      events++;
      if (events >= target || ((events & 1023) === 0 && now() > deadline)) break;
    }
    add('replay', 'full replay via readAll (+ fold)', { events, ms: now() - start }, checkFold(state, events));
  }

  // full replay through a catch-up subscription with a fresh checkpoint, until caughtUp
  log('ours: subscription catch-up');
  {
    const state = new Map<string, StreamSummary>();
    const start = now();
    const deadline = start + cfg.readMs;
    let events = 0;
    let end = 0;
    let capped: () => void = () => undefined;
    const cap = new Promise<void>((resolve) => {
      capped = resolve;
    });
    const subscription = store.subscribe({
      checkpoint: store.checkpoints('bench-replay'),
      batchSize: 1000,
      handle: (event) => {
        if (end !== 0) return;
        fold(state, event.stream, event.revision, event.type, event.data);
        events++;
        if ((events & 1023) === 0 && now() > deadline) {
          end = now();
          capped();
        }
      },
    });
    await Promise.race([subscription.caughtUp, cap, subscription.done]);
    if (end === 0) end = now();
    await subscription.stop();
    add('replay.subscribe', 'catch-up subscription (from 0 until caughtUp)', { events, ms: end - start }, checkFold(state, events));
  }

  // one stream, whole
  log('ours: stream loads');
  add(
    'stream.load',
    `load one ${String(main.perStream)}-event stream`,
    await streamLoads(
      cfg,
      main,
      async (stream) => {
        let n = 0;
        for await (const event of store.readStream(stream)) {
          if (event.revision >= 0) n++;
        }
        return n;
      },
      1,
    ),
  );

  const pragmas = store.pragmas();
  await store.close();
  const bytes = databaseBytes(path);
  return { measurements, storage: { engine: 'ours', events: target, bytes, ...pragmas } };
};
