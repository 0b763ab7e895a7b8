import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/** The repository root, where `node --import tsx` resolves the workspace. */
export const ROOT = resolve(__dirname, '..', '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code, or null when a signal ended the process. */
  exited: Promise<number | null>;
}

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
  const child = spawn(process.execPath, ['--import', 'tsx', join('services', service, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', OTEL_SDK_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => log(`${line}\n`));
  return { child, exited, lines };
};

/** Starts a service's process (see {@link spawnServiceProcess}) and resolves once it logged `listening`. */
export const startServiceProcess = async (service: string, env: Record<string, string>, log: (line: string) => void): Promise<ServiceProcess> => {
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
