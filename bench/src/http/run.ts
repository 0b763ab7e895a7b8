/**
 * The HTTP command line of `pnpm bench` (engine `http`): the personnel service's durable transfer command
 * (load the employee's stream, decide, append at synchronous=FULL, answer after the commit) beside a raw
 * baseline (express + zod + one SQLite INSERT at synchronous=NORMAL), each server a process of its own,
 * loaded in turn by autocannon from this process with the same connections, body size and duration.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchConfig, type EngineResult, log, percentile } from '../common';
import { type CommandRequest, syntheticIds, todayUtc, transferRequest } from './command';
import { load, type LoadResult } from './load';
import { HTTP_OP, type HttpMeasurement } from './measurement';
import {
  activeEmployees,
  establishUnit,
  hasSeeder,
  issueTokens,
  seedThroughApi,
  seedWithSeeder,
  startPersonnel,
} from './personnel';
import { type Server, startListeningProcess } from './processes';

const WARM_UP_SECONDS = 2;

const positive = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
};

interface Target {
  server: Server;
  token?: string;
  request: (n: number) => CommandRequest;
}

const sumCounts = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const sum = { ...a };
  for (const [key, count] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + count;
  return sum;
};

const failuresOf = (r: LoadResult): number => r.responses - r.ok + r.errors + r.timeouts;

const fmt = (r: LoadResult): string =>
  `${String(r.ok)} ok in ${(r.ms / 1000).toFixed(1)} s = ${Math.round((r.ok * 1000) / r.ms).toLocaleString('en-US')} req/s, p50 ${(percentile(r.latencies, 50) ?? 0).toFixed(2)} ms, p99 ${(percentile(r.latencies, 99) ?? 0).toFixed(2)} ms, statuses ${JSON.stringify(r.statuses)}, errors ${String(r.errors)}, timeouts ${String(r.timeouts)}`;

/** Warm-up, then the timed load; the row for the report. */
const measure = async (
  name: string,
  engine: 'raw' | 'ours',
  label: string,
  target: Target,
  connections: number,
  seconds: number,
): Promise<HttpMeasurement> => {
  const common = {
    url: target.server.url,
    connections,
    request: target.request,
    ...(target.token === undefined ? {} : { token: target.token }),
  };
  const warm = await load({ ...common, seconds: WARM_UP_SECONDS, from: 0 });
  log(`${name} warm-up: ${fmt(warm)}`);
  const timed = await load({ ...common, seconds, from: warm.next });
  log(`${name}: ${fmt(timed)}`);
  const failures = failuresOf(warm) + failuresOf(timed);
  const firstFailure = warm.firstFailure ?? timed.firstFailure;
  if (failures > 0)
    log(`${name}: INVALID, ${String(failures)} failed requests; first: ${firstFailure ?? '(no response)'}`);
  return {
    op: HTTP_OP,
    label,
    engine,
    events: timed.ok,
    ms: timed.ms,
    latencies: timed.latencies,
    ...(failures > 0
      ? {
          note: `INVALID: ${String(failures)} failed requests (statuses ${JSON.stringify(sumCounts(warm.statuses, timed.statuses))}, errors ${String(warm.errors + timed.errors)}, timeouts ${String(warm.timeouts + timed.timeouts)}); first: ${firstFailure ?? '(no response)'}`,
        }
      : {}),
    http: {
      connections,
      seconds,
      failures,
      statuses: timed.statuses,
      ...(firstFailure === undefined ? {} : { firstFailure }),
    },
  };
};

export const runHttp = async (cfg: BenchConfig): Promise<EngineResult> => {
  const timeFactor = Math.min(1, Math.max(0.3, cfg.scale));
  const seconds = Math.min(120, positive('BENCH_SECONDS', 10) * timeFactor);
  const connections = Math.round(positive('BENCH_HTTP_CONNECTIONS', 50));
  const employeeCount = Math.round(positive('BENCH_HTTP_EMPLOYEES', 2_000));
  const profileDir = process.env.BENCH_HTTP_PROFILE || undefined;
  const label = `HTTP transfer command, ${String(connections)} connections`;
  const tmt = todayUtc();

  // The personnel service on seeded files.
  const dataDir = join(cfg.dir, 'personnel');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tokens = await issueTokens(dataDir);
  const seedStarted = Date.now();
  let service: Server;
  if (hasSeeder()) {
    log(`personnel: seeding ${employeeCount.toLocaleString('en-US')} employees with the synthetic-city seeder`);
    await seedWithSeeder(dataDir, employeeCount);
    service = await startPersonnel(dataDir);
  } else {
    log(
      `personnel: seeding ${employeeCount.toLocaleString('en-US')} employees through the API (no seeder in this checkout)`,
    );
    service = await startPersonnel(dataDir);
    await seedThroughApi(service, tokens, employeeCount);
  }
  let employees: { employeeId: string; unitId: string | null }[];
  let toUnitId: string;
  try {
    // Every transfer goes to a unit of its own that no employee works in, so each one is a valid command.
    toUnitId = await establishUnit(service, tokens, 'Unit Tujuan Mutasi Benchmark', 'BENCH-TUJUAN');
    employees = (await activeEmployees(service, tokens)).filter((e) => e.unitId !== toUnitId);
  } finally {
    await service.stop();
  }
  if (employees.length === 0) throw new Error('no active employee to transfer');
  const setupSeconds = (Date.now() - seedStarted) / 1000;
  log(`personnel: set up in ${setupSeconds.toFixed(1)} s`);

  // Ours first, on a freshly started process (as after a deploy; its read model rebuilt from the store).
  execFileSync('sync');
  service = await startPersonnel(dataDir, profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]);
  let ours: HttpMeasurement;
  try {
    ours = await measure(
      'personnel',
      'ours',
      label,
      {
        server: service,
        token: tokens.staff,
        request: (n) => transferRequest(employees[n % employees.length]!.employeeId, toUnitId, n, tmt),
      },
      connections,
      seconds,
    );
  } finally {
    await service.stop();
  }

  // The baseline, on a database of its own, after the service's files are written back.
  execFileSync('sync');
  const baselineIds = syntheticIds(employees.length);
  const baselineUnit = syntheticIds(1)[0]!;
  const baseline = await startListeningProcess('baseline', join('bench', 'src', 'http', 'baseline.ts'), {
    BASELINE_DB: join(cfg.dir, 'baseline.db'),
    HOST: '127.0.0.1',
    PORT: '0',
  });
  let raw: HttpMeasurement;
  try {
    raw = await measure(
      'baseline',
      'raw',
      label,
      {
        server: baseline,
        token: tokens.staff,
        request: (n) => transferRequest(baselineIds[n % baselineIds.length]!, baselineUnit, n, tmt),
      },
      connections,
      seconds,
    );
  } finally {
    await baseline.stop();
  }

  const setupNote = `${employees.length.toLocaleString('en-US')} active employees of ${employeeCount.toLocaleString('en-US')} seeded (${hasSeeder() ? 'synthetic-city seeder' : 'appointed through the API'}, set up in ${setupSeconds.toFixed(0)} s), each request the next employee in turn; ${String(connections)} connections, pipelining 1, ${String(WARM_UP_SECONDS)} s warm-up then ${seconds.toFixed(0)} s; ${String(transferRequest(employees[0]!.employeeId, toUnitId, 0, tmt).body.length)}-byte JSON bodies`;
  if (ours.note === undefined) ours.note = setupNote;
  else ours.note = `${ours.note}; ${setupNote}`;
  if (profileDir !== undefined) log(`personnel CPU profile written to ${profileDir}`);
  return { measurements: [raw, ours] };
};
