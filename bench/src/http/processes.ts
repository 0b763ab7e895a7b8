import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (bench/src/http → ../../..): services and bench files are spawned from there. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

export const HOST = '127.0.0.1';

/** A server process the bench started, with the port it listens on. */
export interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A port nobody listens on right now (the service takes it a moment later; loopback only). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

const stopper =
  (child: ChildProcess) =>
  async (graceMs = 15_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited(child);
    clearTimeout(timer);
  };

/** `node --import tsx <script>` from the repository root, stderr passed through, stdout piped. */
export const spawnTs = (script: string, env: Record<string, string>, nodeArgs: readonly string[] = []): ChildProcess =>
  spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

/** Resolves when `predicate` holds, polling every 100 ms; rejects after `timeoutMs` or when the child exits. */
const until = async (
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  predicate: () => Promise<boolean>,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${what} exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before it was ready`,
      );
    }
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${String(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const answers = async (url: string, expected: number): Promise<boolean> => {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === expected;
  } catch {
    return false;
  }
};

/** Starts a process that prints `{"event":"listening","port":N}` on stdout (the baseline). */
export const startListeningProcess = async (
  name: string,
  script: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Server> => {
  const child = spawnTs(script, env);
  let port: number | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const message = JSON.parse(line) as { event?: string; port?: number };
      if (message.event === 'listening' && typeof message.port === 'number') port = message.port;
    } catch {
      // not a JSON line: ignore
    }
  });
  try {
    await until(child, name, timeoutMs, async () => port !== undefined);
  } catch (error) {
    await stopper(child)(1_000);
    throw error;
  }
  return { name, child, url: `http://${HOST}:${String(port)}`, stop: stopper(child) };
};

/**
 * Starts a service on a free port (its PORT environment variable) and waits until `readyPath` answers 200
 * (the service logs nothing at LOG_LEVEL=silent, so the port is chosen here rather than read from its log).
 */
export const startService = async (
  name: string,
  script: string,
  env: Record<string, string>,
  options: { readyPath: string; timeoutMs?: number; nodeArgs?: readonly string[] },
): Promise<Server> => {
  const port = await freePort();
  const child = spawnTs(script, { ...env, PORT: String(port), HOST }, options.nodeArgs);
  child.stdout?.resume();
  const url = `http://${HOST}:${String(port)}`;
  try {
    await until(child, name, options.timeoutMs ?? 60_000, () => answers(`${url}${options.readyPath}`, 200));
  } catch (error) {
    await stopper(child)(1_000);
    throw error;
  }
  return { name, child, url, stop: stopper(child) };
};

/** Runs a script to completion (a seeder), failing with its exit code. */
export const runTs = async (script: string, args: readonly string[], timeoutMs: number): Promise<void> => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 2, 'inherit'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} exited with code ${String(code)}`);
};
