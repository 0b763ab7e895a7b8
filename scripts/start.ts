/**
 * The embedded default: every service present under services/ as its own process, on one SQLite event
 * store file and the local issuer in DATA_DIR (./data by default). No broker, no database server.
 *
 *   pnpm start [--seed]        (what `./ledger start` runs)
 *
 * Each service runs as `node --import tsx services/<name>/src/main.ts` (not the tsx CLI, whose extra
 * process would stand between the signal and the service), with its own port and the shared DATA_DIR.
 * Their log lines are prefixed with the service name. SIGINT/SIGTERM are forwarded; the launcher exits
 * when every service has exited: 0 when all shut down cleanly, 1 otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

/** Fixed ports of the embedded default; a service is started only when its main.ts exists. */
const SERVICES = [
  { name: 'personnel', port: 3001 },
  { name: 'evaluation', port: 3002 },
  { name: 'training', port: 3003 },
  { name: 'feedback', port: 3004 },
  { name: 'reporting', port: 3005 },
] as const;

// A first start on a large store (the seeded city: 165,000 events) has evaluation and training fold the whole
// personnel topic into their org charts before they are ready: about 30-50 s on a 2-core machine.
const READY_TIMEOUT_MS = 120_000;
const ROOT = resolve(__dirname, '..');

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: { seed: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  out('usage: pnpm start [--seed]\n  env: DATA_DIR (default ./data), HOST (default 127.0.0.1), LOG_LEVEL');
  process.exit(0);
}

const dataDir = resolve(process.env['DATA_DIR'] ?? join(ROOT, 'data'));
const host = process.env['HOST'] ?? '127.0.0.1';
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

const present = SERVICES.filter((s) => existsSync(join(ROOT, 'services', s.name, 'src', 'main.ts')));
if (present.length === 0) {
  err('start: no service found under services/*/src/main.ts');
  process.exit(1);
}

interface Running {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number>;
  exitCode: number | undefined;
}

const pipeLines = (stream: NodeJS.ReadableStream | null, prefix: string, to: NodeJS.WriteStream): void => {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => to.write(`${prefix} ${line}\n`));
};

const width = Math.max(...present.map((s) => s.name.length));
const launch = ({ name, port }: (typeof SERVICES)[number]): Running => {
  const child = spawn(process.execPath, ['--import', 'tsx', join('services', name, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: host, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name.padEnd(width)}]`;
  pipeLines(child.stdout, prefix, process.stdout);
  pipeLines(child.stderr, prefix, process.stderr);
  const running: Running = {
    name,
    port,
    child,
    exitCode: undefined,
    exited: new Promise<number>((done) => {
      child.on('exit', (code, signal) => {
        running.exitCode = code ?? (signal ? 128 : 1);
        done(running.exitCode);
      });
      child.on('error', (error) => {
        err(`${prefix} could not start: ${error.message}`);
        running.exitCode = 1;
        done(1);
      });
    }),
  };
  return running;
};

let stopping = false;
const stopAll = (signal: NodeJS.Signals): void => {
  stopping = true;
  for (const r of running) if (r.exitCode === undefined) r.child.kill(signal);
};

// --seed: the synthetic city, written before any service opens the store (the seeder skips a store that
// already holds employees, so a second `start --seed` only starts).
if (values.seed) {
  const masterKey = process.env['PRIVACY_MASTER_KEY_FILE'];
  const seeded = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('services', 'personnel', 'src', 'synthetic', 'seed.cli.ts'), '--data-dir', dataDir, ...(masterKey ? ['--master-key', masterKey] : [])],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (seeded.status !== 0) {
    err('start: seeding the synthetic city failed; nothing was started');
    process.exit(1);
  }
}

const running = present.map(launch);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!stopping)
      out(
        `\nstart: ${signal}, stopping ${running
          .filter((r) => r.exitCode === undefined)
          .map((r) => r.name)
          .join(', ')}`,
      );
    stopAll(signal);
  });
}

const baseUrl = (r: Running): string => `http://${host.includes(':') ? `[${host}]` : host}:${r.port}`;

/** Polls /readyz until 200; false when the service exited first or the bound passed. */
const waitReady = async (r: Running): Promise<boolean> => {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && r.exitCode === undefined && !stopping) {
    try {
      const res = await fetch(`${baseUrl(r)}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((wake) => setTimeout(wake, 200));
  }
  return false;
};

const main = async (): Promise<number> => {
  const ready = await Promise.all(running.map(waitReady));
  if (stopping) return finish();
  const failed = running.filter((_, i) => !ready[i]);
  if (failed.length > 0) {
    for (const r of failed) {
      err(
        `start: ${r.name} ${r.exitCode === undefined ? `did not become ready within ${READY_TIMEOUT_MS / 1000}s` : `exited with code ${r.exitCode}`}`,
      );
    }
    stopAll('SIGTERM');
    await finish();
    return 1;
  }

  const rows = running.map((r) => [r.name, baseUrl(r), `${baseUrl(r)}/openapi.json`]);
  const cols = [0, 1, 2].map((c) => Math.max(...[['service', 'url', 'openapi'], ...rows].map((row) => row[c]!.length)));
  const fmt = (row: readonly string[]) => row.map((cell, c) => cell.padEnd(cols[c]!)).join('  ');
  out('');
  out(`ASN Ledger is running (embedded default: SQLite event store and local issuer in ${dataDir})`);
  out('');
  out(fmt(['service', 'url', 'openapi']));
  for (const row of rows) out(fmt(row));
  out('');
  out('A bearer token for a role and a service (printed by the local issuer, valid 1h; --aud names the service):');
  out('  ./ledger token hr-staff --aud personnel');
  out('  ./ledger token evaluator --aud evaluation --sub <employee id of the evaluator>');
  out(
    `  curl -H "Authorization: Bearer $(./ledger token auditor --aud personnel)" ${baseUrl(running[0]!)}/v1/store/head`,
  );
  out('Stop with Ctrl-C.');
  out('');

  // A service that dies on its own takes the others down: a half-running system is harder to reason about.
  const first = await Promise.race(running.map((r) => r.exited.then((code) => ({ r, code }))));
  if (!stopping) {
    err(`start: ${first.r.name} exited with code ${first.code}; stopping the others`);
    stopAll('SIGTERM');
    await finish();
    return 1;
  }
  return finish();
};

// Longer than a service's own drain and hook timeouts: past it, a service that has not exited is stuck.
const STOP_TIMEOUT_MS = 45_000;

const finish = async (): Promise<number> => {
  const killer = setTimeout(() => {
    for (const r of running) {
      if (r.exitCode !== undefined) continue;
      err(`start: ${r.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
      r.child.kill('SIGKILL');
    }
  }, STOP_TIMEOUT_MS);
  killer.unref();
  const codes = await Promise.all(running.map((r) => r.exited));
  clearTimeout(killer);
  return codes.every((c) => c === 0) ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(`start: ${error instanceof Error ? error.message : String(error)}`);
    stopAll('SIGTERM');
    process.exit(1);
  },
);
