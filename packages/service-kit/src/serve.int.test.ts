import { spawn } from 'node:child_process';
import { Agent, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger';
import { serve } from './serve';
import { captureLogs, deferred, eventually } from './testing/fixtures';

/** An app whose /slow requests wait until the test lets them finish. */
const slowApp = () => {
  const entered = deferred();
  const release = deferred();
  const app = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/slow') {
      entered.resolve();
      void release.promise.then(() => res.end('done'));
      return;
    }
    res.end('fast');
  };
  return { app, entered, release };
};

const fetchOnce = (port: number, path: string) =>
  new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    }).on('error', reject);
  });


const root = join(__dirname, '..', '..', '..');

type ChildMessage = Record<string, unknown>;

/** `testing/serveChild.ts` in its own process, with its stdout parsed into messages. */
const startServeChild = async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'testing', 'serveChild.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: ChildMessage[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      messages.push(JSON.parse(line) as ChildMessage);
    } catch {
      messages.push({ raw: line });
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (match: (message: ChildMessage) => boolean, timeoutMs = 20_000): Promise<ChildMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`child never reported it; stderr: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const { port } = (await until((m) => m['event'] === 'listening')) as { port: number };
  return { child, port, messages, until, exited, stderr: () => stderr };
};

describe('serve', () => {
  it('disconnects a client that stalls in its headers once the headers timeout has passed', async () => {
    const logs = captureLogs();
    const headersTimeoutMs = 300;
    const running = await serve(slowApp().app, { port: 0, host: '127.0.0.1', logger: createLogger({ service: 't', destination: logs.destination }), headersTimeoutMs, requestTimeoutMs: 1000, signals: [], exit: () => undefined });
    try {
      const started = Date.now();
      const socket = connect(running.port, '127.0.0.1');
      socket.write('GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      const outcome = await new Promise<{ received: string; afterMs: number }>((resolve, reject) => {
        let received = '';
        const giveUp = setTimeout(() => {
          socket.destroy();
          reject(new Error('the stalled client was still connected after 3 s'));
        }, 3000);
        socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(giveUp);
          resolve({ received, afterMs: Date.now() - started });
        });
      });
      expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(outcome.afterMs).toBeGreaterThanOrEqual(headersTimeoutMs - 50);
      // The bound plus one sweep of the connections (at most the headers timeout here), with some slack.
      expect(outcome.afterMs).toBeLessThan(2 * headersTimeoutMs + 500);
    } finally {
      await running.shutdown('test');
    }
  });

  describe('when SIGTERM arrives during a request', () => {
    it('stops accepting, lets the request finish, runs the hooks in order, then exits 0', async () => {
      const { app, entered, release } = slowApp();
      const logs = captureLogs();
      const ran: string[] = [];
      let exitCode: number | undefined;
      const running = await serve(app, {
        port: 0,
        host: '127.0.0.1',
        logger: createLogger({ service: 't', destination: logs.destination }),
        signals: ['SIGUSR2'],
        onShutdown: [
          { name: 'consumers', run: async () => void ran.push('consumers') },
          { name: 'store', run: () => void ran.push('store') },
        ],
        exit: (code) => {
          exitCode = code;
        },
      });
      const inFlight = fetchOnce(running.port, '/slow');
      await entered.promise;

      process.emit('SIGUSR2', 'SIGUSR2');
      await eventually(() => !running.server.listening);
      await expect(fetchOnce(running.port, '/fast')).rejects.toThrow(/ECONNREFUSED/);
      expect(ran).toEqual([]);

      release.resolve();
      const response = await inFlight;
      expect(response).toMatchObject({ status: 200, body: 'done', connection: 'close' });
      await running.shutdown('again');
      expect(ran).toEqual(['consumers', 'store']);
      expect(exitCode).toBe(0);
      expect(process.listenerCount('SIGUSR2')).toBe(0);
    });
  });

  describe('when a kept-alive connection sends another request during the drain', () => {
    it('answers it with Connection: close, does not crash, runs the hooks and exits 0', async () => {
      const served = await startServeChild();
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const ask = (path: string) =>
        new Promise<{ status: number; body: string; connection: string | undefined; localPort: number | undefined }>((resolve, reject) => {
          get({ host: '127.0.0.1', port: served.port, path, agent }, (res) => {
            const localPort = res.socket.localPort;
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection, localPort }));
          }).on('error', reject);
        });
      try {
        const opened = await ask('/fast');
        expect(opened.connection).toBe('keep-alive');
        const inFlight = ask('/slow');
        await served.until((m) => m['event'] === 'entered');
        served.child.kill('SIGTERM');
        await served.until((m) => m['msg'] === 'shutting down');
        // With one socket, the agent sends this on the kept-alive connection once /slow has answered.
        const during = ask('/fast');
        served.child.stdin.write('release\n');
        const [slow, second] = await Promise.all([inFlight, during]);
        expect(slow).toMatchObject({ status: 200, body: 'done', localPort: opened.localPort });
        const exitCode = await served.exited;
        expect({
          second,
          exitCode,
          uncaught: /ERR_HTTP_HEADERS_SENT|Error/.test(served.stderr()),
          hooks: served.messages.filter((m) => m['event'] === 'hook').map((m) => m['hook']),
        }).toEqual({
          second: { status: 200, body: 'fast', connection: 'close', localPort: opened.localPort },
          exitCode: 0,
          uncaught: false,
          hooks: ['consumers', 'store'],
        });
      } finally {
        agent.destroy();
        served.child.kill('SIGKILL');
      }
    }, 30_000);
  });

  describe('when draining takes too long or a hook fails', () => {
    it('cuts the connections, still runs every hook, and exits 1', async () => {
      const { app, entered } = slowApp();
      const logs = captureLogs();
      const ran: string[] = [];
      let exitCode: number | undefined;
      const running = await serve(app, {
        port: 0,
        host: '127.0.0.1',
        logger: createLogger({ service: 't', destination: logs.destination }),
        signals: [],
        drainTimeoutMs: 50,
        onShutdown: [
          { name: 'broken', run: () => { throw new Error('boom'); } },
          { name: 'telemetry', run: () => void ran.push('telemetry') },
        ],
        exit: (code) => {
          exitCode = code;
        },
      });
      const inFlight = fetchOnce(running.port, '/slow').catch((error: Error) => error);
      await entered.promise;
      await running.shutdown('test');
      expect(String(await inFlight as Error)).toMatch(/socket hang up|ECONNRESET/);
      expect(ran).toEqual(['telemetry']);
      expect(exitCode).toBe(1);
      expect(logs.lines.some((l) => l.includes('"hook":"broken"') && l.includes('shutdown hook failed'))).toBe(true);
    });
  });
});
