import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** What `pnpm bench` is told through the environment. */
export interface BenchConfig {
  scale: number;
  seed: number;
  /** Streams of the main (replay) workload, and events per stream. */
  streams: number;
  perStream: number;
  /** Events per stream of the batched-append workload (one append = one whole stream). */
  batchStreamLength: number;
  /** Wall-clock caps in ms. */
  appendMs: number;
  readMs: number;
  loadMs: number;
  streamLoadMs: number;
  /** Count cap of stream loads (readStream of one stream). */
  streamLoads: number;
  concurrency: number;
  /** Appends issued in one event-loop turn when loading the replay data set (group commit / txn size). */
  loadBatch: number;
  dir: string;
  out: string | undefined;
}

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
};

export const loadConfig = (): BenchConfig => {
  const scale = num('BENCH_SCALE', 1);
  const seedRaw = process.env.BENCH_SEED;
  const seed = seedRaw === undefined || seedRaw === '' ? 20_240_601 : Number.parseInt(seedRaw, 10) >>> 0;
  // time caps shrink with the scale, but not below what still gives a usable number
  const timeFactor = Math.min(1, Math.max(0.15, scale));
  const seconds = num('BENCH_SECONDS', 8);
  const base = process.env.BENCH_TMPDIR ?? tmpdir();
  return {
    scale,
    seed,
    // a multiple of the concurrency (50), so that each appender owns whole streams
    streams: Math.max(50, Math.round((40_000 * scale) / 50) * 50),
    perStream: 25,
    batchStreamLength: 100,
    appendMs: seconds * 1000 * timeFactor,
    readMs: 1.5 * seconds * 1000 * timeFactor,
    loadMs: 15 * seconds * 1000 * timeFactor,
    streamLoadMs: 0.5 * seconds * 1000 * timeFactor,
    streamLoads: Math.max(500, Math.round(20_000 * scale)),
    concurrency: 50,
    loadBatch: 1000,
    dir: mkdtempSync(join(base, 'asn-bench-')),
    out: process.env.BENCH_OUT || undefined,
  };
};

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export type EngineName = 'raw' | 'ours' | 'emmett';

/** One row of the report. */
export interface Measurement {
  /** Stable key used to compute ratios and goals, e.g. `append.single`. */
  op: string;
  label: string;
  engine: EngineName;
  events: number;
  ms: number;
  /** Per-operation latencies (ms), when the operation has a meaningful latency. */
  latencies?: number[];
  note?: string;
}

export interface Storage {
  engine: EngineName;
  events: number;
  bytes: number;
  journalMode: string;
  synchronous: number;
  note?: string;
}

export interface EngineResult {
  measurements: Measurement[];
  storage?: Storage;
}

export const evPerSec = (m: Measurement): number => (m.ms > 0 ? (m.events * 1000) / m.ms : 0);

export const percentile = (values: readonly number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
};

/** Database size after folding the WAL back in: page_count * page_size. */
export const databaseBytes = (path: string): number => {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageCount = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return pageCount * pageSize;
  } finally {
    db.close();
  }
};

export const now = (): number => performance.now();

/** Lets timers and I/O callbacks run: used between measurements and by time caps. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** Random stream indexes for stream loads, from the seed. */
export const sampleIndexes = (next: () => number, count: number, bound: number): number[] =>
  Array.from({ length: count }, () => next() % bound);

/** What every replay folds each event into: per-stream count and last type (plus one payload field). */
export interface StreamSummary {
  count: number;
  lastType: string;
  grade: unknown;
}

/** Events a fold saw out of revision order (each stream must come 0, 1, 2, … in a replay). */
export const foldAnomalies = { count: 0 };

export const fold = (state: Map<string, StreamSummary>, stream: string, revision: number, type: string, data: unknown): void => {
  const grade = (data as { grade?: unknown } | null)?.grade;
  const summary = state.get(stream);
  if (revision !== (summary?.count ?? 0)) foldAnomalies.count++;
  if (summary === undefined) state.set(stream, { count: 1, lastType: type, grade });
  else {
    summary.count++;
    summary.lastType = type;
    summary.grade = grade;
  }
};

/** Sanity check of a replay: the fold saw every event it counted, each stream's events in revision order. */
export const checkFold = (state: Map<string, StreamSummary>, events: number): string | undefined => {
  let total = 0;
  for (const summary of state.values()) total += summary.count;
  const anomalies = foldAnomalies.count;
  foldAnomalies.count = 0;
  if (total !== events) return `CHECK FAILED: folded ${String(total)} events but counted ${String(events)}`;
  if (anomalies > 0) return `CHECK FAILED: ${String(anomalies)} events out of revision order`;
  return undefined;
};
