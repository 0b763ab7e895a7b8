/**
 * `pnpm bench`: the raw better-sqlite3 limit, our SQLite engine and Emmett's SQLite event store on the same
 * seeded workload, each on fresh database files in a temp dir (removed afterwards), and the personnel
 * service's durable HTTP transfer command beside an express + zod + SQLite baseline (http/run.ts). One
 * table, goals, and the same as markdown in $BENCH_OUT when set. Environment: BENCH_SCALE (default 1),
 * BENCH_SEED, BENCH_SECONDS (append time cap at scale 1; read caps are twice that; the HTTP loads, 10 s by
 * default), BENCH_TMPDIR, BENCH_OUT, BENCH_ENGINES (comma-separated subset of raw,ours,emmett,http,rebuild,kafka),
 * BENCH_HTTP_EMPLOYEES, BENCH_HTTP_CONNECTIONS, BENCH_HTTP_PROFILE, BENCH_HTTP_MAIN (see docs/benchmarks.md).
 * The relay line (kafka.ts) runs when KAFKA_BROKERS names a broker. The rebuild line (rebuild.ts) rebuilds the
 * reporting service's read models from a synthetic city of ≈ 1,000,000 events × BENCH_SCALE, beside a raw replay.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import Database from 'better-sqlite3';
import { type EngineResult, loadConfig, log, type Measurement, removeDir, type Storage } from './common';
import { HTTP_OP } from './http/measurement';
import { RELAY_OP } from './kafka';
import { REBUILD_OP } from './rebuild';
import { buildReport } from './report';
import { PAYLOAD_BYTES, Workload } from './workload';

const cfg = loadConfig();
const cleanup = (): void => removeDir(cfg.dir);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
}

const main = async (): Promise<void> => {
  const workload = new Workload(cfg.seed, 0, cfg.streams, cfg.perStream);
  const batch = new Workload(cfg.seed, 1, Math.max(1, Math.round(workload.total / cfg.batchStreamLength)), cfg.batchStreamLength);
  const started = Date.now();
  log(`seed ${String(cfg.seed)}, scale ${String(cfg.scale)}, ${workload.total.toLocaleString('en-US')} events, dir ${cfg.dir}`);

  const measurements: Measurement[] = [];
  const storage: Storage[] = [];
  const notes: string[] = [];
  const engines = (process.env.BENCH_ENGINES ?? 'raw,ours,emmett,http,rebuild,kafka').split(',').map((e) => e.trim());
  const run = async (name: string, fn: () => Promise<EngineResult>): Promise<void> => {
    if (!engines.includes(name)) {
      notes.push(`${name}: skipped (BENCH_ENGINES)`);
      return;
    }
    // The previous engine wrote its replay set without fsync; let the kernel write those pages back now, or
    // their writeback would compete with this engine's fsyncs and bill it for another engine's work.
    execFileSync('sync');
    try {
      const result = await fn();
      measurements.push(...result.measurements);
      if (result.storage !== undefined) storage.push(result.storage);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${name} failed: ${message}`);
      notes.push(`${name}: not measured (${message.split('\n')[0] ?? ''})`);
    }
  };

  // Each engine in a fresh process: see engine.ts for why.
  const inChild = (name: string): Promise<EngineResult> =>
    new Promise((resolve, reject) => {
      const resultFile = join(cfg.dir, `${name}.json`);
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'engine.ts'), name, resultFile], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`${name} exited with code ${String(code)}`));
        resolve(JSON.parse(readFileSync(resultFile, 'utf8')) as EngineResult);
      });
    });
  for (const name of ['raw', 'ours', 'emmett', 'http', 'rebuild']) await run(name, () => inChild(name));
  // The relay line needs a broker: without KAFKA_BROKERS it is reported as not run, not as failed.
  if (engines.includes('kafka') && !process.env.KAFKA_BROKERS) notes.push('kafka: skipped (no KAFKA_BROKERS; start one with infra/kafka/start.sh)');
  else await run('kafka', () => inChild('kafka'));

  const sqliteVersion = (() => {
    const db = new Database(':memory:');
    try {
      return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    } finally {
      db.close();
    }
  })();
  const cpu = cpus();
  const storeRan = measurements.some((m) => m.op !== HTTP_OP && !m.op.startsWith(REBUILD_OP) && !m.op.startsWith(RELAY_OP));
  const header = [
    `ASN Ledger event-store benchmark — ${new Date().toISOString()}`,
    `seed ${String(cfg.seed)} (BENCH_SEED), scale ${String(cfg.scale)} (BENCH_SCALE), ${String(cpu.length)} × ${cpu[0]?.model.trim() ?? '?'}, Node ${process.version}, SQLite ${sqliteVersion} (better-sqlite3) / 3.44.2 (sqlite3, Emmett)`,
    // The event-store workload says nothing about a run of the HTTP line alone.
    ...(storeRan
      ? [
          `workload: ${workload.streams.toLocaleString('en-US')} streams × ${String(workload.perStream)} events = ${workload.total.toLocaleString('en-US')} events, interleaved; ${String(PAYLOAD_BYTES)}-byte JSON payloads; batched appends: ${batch.streams.toLocaleString('en-US')} streams × ${String(batch.perStream)} events`,
          `caps: appends ${(cfg.appendMs / 1000).toFixed(1)} s, replays ${(cfg.readMs / 1000).toFixed(1)} s, load ${(cfg.loadMs / 1000).toFixed(0)} s, stream loads ${String(cfg.streamLoads)} or ${(cfg.streamLoadMs / 1000).toFixed(1)} s; total run ${((Date.now() - started) / 1000).toFixed(0)} s`,
        ]
      : [`total run ${((Date.now() - started) / 1000).toFixed(0)} s`]),
  ];
  for (const s of storage) {
    if (s.events < workload.total)
      notes.push(`${s.engine}: the replay set stopped at the load cap, ${s.events.toLocaleString('en-US')} of ${workload.total.toLocaleString('en-US')} events; its replays and stream loads ran on that`);
  }
  if (storeRan) {
    notes.push(
      'ev/s is events per second over the timed section (event generation excluded, except in the concurrent-appenders row which is wall clock); p50/p99 are per operation (one append, one batch, one stream load).',
      'Ratios compare ev/s with the counterpart row: appends with the raw/Emmett single or 100-event append, replays with the raw full replay and the Emmett consumer, stream loads with stream loads.',
      "Emmett's defaults already are journal_mode=WAL (set on every connection it opens) and synchronous=FULL (its sqlite3 build's default), so nothing was changed; it opens one connection per appendToStream/readStream call.",
    );
  }
  if (measurements.some((m) => m.op === RELAY_OP)) {
    notes.push(
      'Relay rows: events committed to the store beforehand, then published until the broker acknowledged the last one (ev/s over that time; p50/p99 per 1,000-event request). The raw row sends the same encoded CloudEvents with a bare kafkajs producer configured alike (idempotent, acks=all, one request in flight), awaiting each request. Commit-to-ack: events committed at 80% of the relay row\'s rate for 10 s while the relay runs; p50/p99 from each commit to the ack of its request.',
    );
  }
  if (measurements.some((m) => m.op === HTTP_OP)) {
    notes.push(
      "HTTP rows: events are 2xx responses and ev/s is requests per second over the timed load; p50/p99 are per request (from its write to the end of its response, as autocannon times it); the ratio to raw is to the baseline's requests/s. Each server is a process of its own, loaded by autocannon from the bench's engine process on the same 2 cores.",
    );
  }
  if (measurements.some((m) => m.op === REBUILD_OP)) {
    notes.push(
      "Rebuild rows: the same store file (the synthetic city) read three times, after its seeding: raw is better-sqlite3 iterating the reported categories' events in position order with JSON.parse of data and metadata and a fold into a Map; the rebuild is the reporting service's replayInto into a fresh read-model file (WAL, synchronous=OFF, replayInto's default transaction size, every read model applied); the floor is the same replayInto with read models that apply nothing (reading through the store's port, upcasting and the inbox alone). ev/s over each one's events; the ratio is each one's ev/s to raw's.",
    );
  }
  // A run of some engines only (BENCH_ENGINES) lists only the goals it measured.
  const report = buildReport(header, measurements, storage, notes, { hideUnmeasured: process.env.BENCH_ENGINES !== undefined });
  process.stdout.write(`\n${report.text}\n`);
  if (cfg.out !== undefined) {
    writeFileSync(cfg.out, report.markdown);
    log(`markdown written to ${cfg.out}`);
  }
  // A load that got errors measured something else than the command: the run fails, after the report.
  if (report.goals.some((g) => g.status === 'INVALID')) {
    log('INVALID: the HTTP line had failed requests (see the notes under the table)');
    process.exitCode = 1;
  }
};

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
