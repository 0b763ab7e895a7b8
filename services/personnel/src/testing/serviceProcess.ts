import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { CloudEvent } from '@asn/contracts';

/** The repository root, where `node --import tsx` resolves the workspace. */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code, or null when a signal ended the process. */
  exited: Promise<number | null>;
}

/**
 * Starts the personnel service as operators run it (its own process, `main.ts`) on a free port, and
 * resolves once it logged `listening`. Every stdout and stderr line goes to `log`.
 * @param env added to the parent's environment (DATA_DIR at least).
 */
export const startServiceProcess = async (env: Record<string, string>, log: (line: string) => void): Promise<ServiceProcess> => {
  const { child, exited } = spawnServiceProcess(env, log);
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('personnel did not listen within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
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
    void exited.then((code) => fail(new Error(`personnel exited with ${String(code)}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
};

/** Spawns the personnel service without waiting for it (for a process expected to die on its own). */
export const spawnServiceProcess = (env: Record<string, string>, log: (line: string) => void): Omit<ServiceProcess, 'url'> => {
  const child = spawn(process.execPath, ['--import', 'tsx', join('services', 'personnel', 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', OTEL_SDK_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => log(`${line}\n`));
  return { child, exited };
};

/** A line printed by `./ledger tail`: the CloudEvent and the message's key. */
export type TailLine = CloudEvent & { key: string };

/**
 * Runs the department's `tail` command (packages/bus-kafka/src/tail.cli.ts) in its own process and collects
 * what it prints, with the time each subject was first seen; stderr goes to `log`.
 */
export const spawnTail = (
  args: readonly string[],
  log: (line: string) => void,
  env: Record<string, string> = {},
): { child: ChildProcess; printed: TailLine[]; seenAt: Map<string, number>; exited: Promise<number | null> } => {
  const child = spawn(process.execPath, ['--import', 'tsx', join('packages', 'bus-kafka', 'src', 'tail.cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed: TailLine[] = [];
  const seenAt = new Map<string, number>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as TailLine;
    printed.push(event);
    if (!seenAt.has(event.subject)) seenAt.set(event.subject, Date.now());
  });
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, printed, seenAt, exited };
};
