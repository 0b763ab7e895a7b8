/**
 * Rebuilds the running reporting service's read models without downtime, with a progress bar, or compares
 * them with a fresh replay of the store (P10):
 *   ./ledger rebuild                       rebuild, following its progress (exit 1 when it fails)
 *   ./ledger rebuild --compare [stream]    replay-and-compare everything or one stream (exit 1 when they differ)
 * It talks to the service over HTTP (--url, default http://127.0.0.1:$REPORTING_PORT or 3005) with a token
 * from --token, $ASN_TOKEN, or else the local issuer in --data-dir (default $DATA_DIR or ./data), as an operator.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openLocalIssuer } from '@asn/service-kit';
import type { Comparison } from './rebuild/compare';
import type { RebuildStatus } from './rebuild/liveReadModels';

export interface CliOptions {
  url: string;
  token: string;
  /** Where progress and results go. */
  out: { write(text: string): unknown; isTTY?: boolean };
  pollMs?: number;
  /** Gives up waiting after this long (the rebuild goes on in the service). */
  timeoutMs?: number;
}

const number = (n: number): string => n.toLocaleString('en-US');
const WIDTH = 30;

export const progressLine = (s: RebuildStatus): string => {
  const filled = Math.round((s.percent / 100) * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${s.percent.toFixed(1).padStart(5)}%  ${number(s.position)} / ${number(s.head)} (position)  ${number(s.events)} events${s.eventsPerSecond ? `  ${number(s.eventsPerSecond)} events/s` : ''}`;
};

const call = async <T>(options: CliOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const res = await fetch(new URL(path, options.url), {
    method,
    headers: { Authorization: `Bearer ${options.token}`, ...(method === 'POST' ? { 'Idempotency-Key': randomUUID(), 'Content-Type': 'application/json' } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
};

const problem = (status: number, body: unknown): string => {
  const { title, detail } = (body ?? {}) as { title?: string; detail?: string };
  return `HTTP ${status}${title ? `: ${title}` : ''}${detail ? ` (${detail})` : ''}`;
};

/** Starts a rebuild and follows it to the end; resolves with the final status (throws when the service refuses). */
export const rebuild = async (options: CliOptions): Promise<RebuildStatus> => {
  const started = await call<RebuildStatus>(options, 'POST', '/v1/read-models/rebuilds');
  if (started.status !== 202) throw new Error(`the service did not start a rebuild: ${problem(started.status, started.body)}`);
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  let lastTenth = -1;
  for (;;) {
    const { status, body } = await call<RebuildStatus>(options, 'GET', '/v1/read-models/rebuild');
    if (status !== 200) throw new Error(`could not read the rebuild's progress: ${problem(status, body)}`);
    if (options.out.isTTY) options.out.write(`\r${progressLine(body)}`);
    else if (Math.floor(body.percent / 10) > lastTenth || body.state !== 'running') {
      lastTenth = Math.floor(body.percent / 10);
      options.out.write(`${progressLine(body)}\n`);
    }
    if (body.state !== 'running') {
      if (options.out.isTTY) options.out.write('\n');
      return body;
    }
    if (Date.now() > deadline) throw new Error('gave up waiting for the rebuild (it goes on in the service: GET /v1/read-models/rebuild)');
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
};

export const compare = async (options: CliOptions, stream?: string): Promise<Comparison> => {
  const { status, body } = await call<Comparison>(options, 'POST', '/v1/read-models/comparisons', stream ? { stream } : {});
  if (status !== 200) throw new Error(`the service did not compare: ${problem(status, body)}`);
  for (const t of body.tables)
    options.out.write(`${t.table.padEnd(28)} live ${String(t.live ?? '-').padStart(8)}  replayed ${String(t.replayed).padStart(8)}  only live ${String(t.onlyLive ?? '-').padStart(5)}  only replayed ${String(t.onlyReplayed).padStart(5)}\n`);
  options.out.write(`${body.equal ? 'EQUAL' : 'DIFFERENT'}: ${number(body.events)} events replayed${body.stream ? ` of ${body.stream}` : ''} in ${number(body.milliseconds)} ms${body.skippedCount ? `, ${body.skippedCount} not applied` : ''}\n`);
  return body;
};

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: `http://127.0.0.1:${process.env.REPORTING_PORT ?? '3005'}` },
      token: { type: 'string' },
      'data-dir': { type: 'string', default: process.env.DATA_DIR ?? './data' },
      compare: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || (positionals.length > 0 && !values.compare)) {
    process.stderr.write('usage: ./ledger rebuild [--compare [stream]] [--url URL] [--token T] [--data-dir DIR]\n');
    return values.help ? 0 : 2;
  }
  const token =
    values.token ??
    process.env.ASN_TOKEN ??
    (await (await openLocalIssuer({ dataDir: values['data-dir'] })).issue({ subject: userInfo().username, roles: ['operator'], audience: 'reporting', ttl: '2h' }));
  const options: CliOptions = { url: values.url, token, out: process.stderr };
  if (values.compare) {
    const result = await compare({ ...options, out: process.stdout }, positionals[0]);
    return result.equal ? 0 : 1;
  }
  const status = await rebuild(options);
  if (status.state !== 'done') {
    process.stderr.write(`rebuild: failed: ${status.error ?? status.state}; the live read models stay in place\n`);
    return 1;
  }
  process.stderr.write(`rebuild: done: ${number(status.events)} events, swapped in at ${status.finishedAt ?? ''}${status.skippedCount ? `; ${status.skippedCount} events not applied (see the service's log)` : ''}\n`);
  return 0;
};

if (process.argv[1]?.endsWith('rebuild.cli.ts')) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`rebuild: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
