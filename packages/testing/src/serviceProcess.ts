import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { CloudEvent } from '@asn/contracts';

/** The repository root, where `node --import tsx` resolves the workspace. */
export const ROOT = resolve(__dirname, '..', '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code, or null when a signal ended the process. */
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point of the repository in its own process; stderr goes to `log`. */
const spawnScript = (
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  log: (line: string) => void,
): Omit<ServiceProcess, 'url'> & { lines: Interface } => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stderr.on('data', (chunk: Buffer) => log(chunk.toString()));
  return { child, exited, lines: createInterface({ input: child.stdout }) };
};

/**
 * Spawns `services/<service>/src/main.ts` as operators run it (its own process) on a free port, without
 * waiting for it. Every stdout and stderr line goes to `log`.
 * @param env added to the parent's environment (DATA_DIR at least).
 */
export const spawnServiceProcess = (
  service: string,
  env: Record<string, string>,
  log: (line: string) => void,
): Omit<ServiceProcess, 'url'> & { lines: Interface } => {
  const started = spawnScript(
    join('services', service, 'src', 'main.ts'),
    [],
    { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', OTEL_SDK_DISABLED: 'true', ...env },
    log,
  );
  started.lines.on('line', (line) => log(`${line}\n`));
  return started;
};

/** Starts a service's process (see {@link spawnServiceProcess}) and resolves once it logged `listening`. */
export const startServiceProcess = async (
  service: string,
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<ServiceProcess> => {
  const { child, exited, lines } = spawnServiceProcess(service, env, log);
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${service} did not listen within 30 s`)), 30_000);
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && entry.port) {
          clearTimeout(timer);
          done(entry.port);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${service} exited with ${String(code)}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
};

/** A line printed by `./ledger tail`: the CloudEvent and the message's key. */
export type TailLine = CloudEvent & { key: string };

/**
 * Runs the department's `tail` command (packages/bus-kafka/src/tail.cli.ts) in its own process and collects
 * what it prints, with the time each subject was first seen; stderr goes to `log`.
 * @param env added to the parent's environment.
 */
export const spawnTail = (
  args: readonly string[],
  log: (line: string) => void,
  env: Record<string, string> = {},
): Omit<ServiceProcess, 'url'> & { printed: TailLine[]; seenAt: Map<string, number> } => {
  const { child, exited, lines } = spawnScript(join('packages', 'bus-kafka', 'src', 'tail.cli.ts'), args, env, log);
  const printed: TailLine[] = [];
  const seenAt = new Map<string, number>();
  lines.on('line', (line) => {
    const event = JSON.parse(line) as TailLine;
    printed.push(event);
    if (!seenAt.has(event.subject)) seenAt.set(event.subject, Date.now());
  });
  return { child, printed, seenAt, exited };
};
