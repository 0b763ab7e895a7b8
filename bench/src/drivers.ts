/**
 * Timed loops shared by every engine, so that each engine is driven the same way. Event generation happens
 * outside the timed sections wherever the loop shape allows it; every loop has a count cap (the workload)
 * and a wall-clock cap (from the config).
 */
import { type BenchConfig, now, sampleIndexes } from './common';
import { type PlacedEvent, prng, type Workload } from './workload';

export interface Timed {
  events: number;
  ms: number;
  latencies?: number[];
}

type MaybePromise<T> = T | Promise<T>;

/** One event per append, each awaited before the next: events of the interleaved order, from the start. */
export const sequentialAppends = async (
  cfg: BenchConfig,
  workload: Workload,
  append: (placed: PlacedEvent) => MaybePromise<unknown>,
): Promise<Timed> => {
  const latencies: number[] = [];
  const deadline = now() + cfg.appendMs;
  let ms = 0;
  let k = 0;
  while (k < workload.total && now() < deadline) {
    const placed = workload.at(k);
    const t0 = now();
    await append(placed);
    const dt = now() - t0;
    ms += dt;
    latencies.push(dt);
    k++;
  }
  return { events: k, ms, latencies };
};

/**
 * `concurrency` async loops, each appending single events to its own streams (loop j owns the streams whose
 * index is j modulo `concurrency`), until the count or time cap. Measured on the wall clock: generation of
 * the next event (~4 µs) is inside it.
 */
export const concurrentAppends = async (
  cfg: BenchConfig,
  workload: Workload,
  append: (placed: PlacedEvent) => Promise<unknown>,
): Promise<Timed> => {
  const latencies: number[] = [];
  const start = now();
  const deadline = start + cfg.appendMs;
  // a round-robin order over `streams` streams: event k belongs to stream k % streams, so with
  // streams divisible by the concurrency loop j handles events j, j + c, j + 2c, ...
  const c = cfg.concurrency;
  const usable = workload.total - (workload.total % c);
  if (workload.streams % c !== 0) throw new Error(`streams (${workload.streams}) must be a multiple of the concurrency (${c})`);
  let events = 0;
  const loop = async (j: number): Promise<void> => {
    for (let k = j; k < usable && now() < deadline; k += c) {
      const placed = workload.at(k);
      const t0 = now();
      await append(placed);
      latencies.push(now() - t0);
      events++;
    }
  };
  await Promise.all(Array.from({ length: c }, (_, j) => loop(j)));
  return { events, ms: now() - start, latencies };
};

/** Whole streams of the batch workload, one append (one transaction) per stream. */
export const batchAppends = async (
  cfg: BenchConfig,
  batchWorkload: Workload,
  appendBatch: (events: PlacedEvent[]) => MaybePromise<unknown>,
): Promise<Timed> => {
  const latencies: number[] = [];
  const deadline = now() + cfg.appendMs;
  let ms = 0;
  let events = 0;
  for (let s = 0; s < batchWorkload.streams && now() < deadline; s++) {
    const batch = batchWorkload.streamEvents(s);
    const t0 = now();
    await appendBatch(batch);
    const dt = now() - t0;
    ms += dt;
    latencies.push(dt);
    events += batch.length;
  }
  return { events, ms, latencies };
};

/** Loads the interleaved workload from event `from` on, in chunks of `cfg.loadBatch` events; only the writes are timed. */
export const loadInterleaved = async (
  cfg: BenchConfig,
  workload: Workload,
  appendChunk: (chunk: PlacedEvent[]) => MaybePromise<unknown>,
  onProgress?: (loaded: number) => void,
  from = 0,
): Promise<Timed> => {
  const deadline = now() + cfg.loadMs;
  let ms = 0;
  let k = from;
  let lastReport = now();
  while (k < workload.total && now() < deadline) {
    const chunk = workload.range(k, k + cfg.loadBatch);
    const t0 = now();
    await appendChunk(chunk);
    ms += now() - t0;
    k += chunk.length;
    if (onProgress !== undefined && now() - lastReport > 5000) {
      lastReport = now();
      onProgress(k);
    }
  }
  return { events: k - from, ms };
};

/** Loads random streams whole; returns latencies per load and events read. */
export const streamLoads = async (
  cfg: BenchConfig,
  workload: Workload,
  load: (stream: string) => MaybePromise<number>,
  salt: number,
): Promise<Timed> => {
  const indexes = sampleIndexes(prng(cfg.seed, 0x5eed, salt), cfg.streamLoads, workload.streams);
  const latencies: number[] = [];
  const deadline = now() + cfg.streamLoadMs;
  let ms = 0;
  let events = 0;
  for (const index of indexes) {
    if (now() >= deadline) break;
    const stream = workload.streamName(index);
    const t0 = now();
    events += await load(stream);
    const dt = now() - t0;
    ms += dt;
    latencies.push(dt);
  }
  return { events, ms, latencies };
};
