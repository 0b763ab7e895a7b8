import { get, type IncomingMessage, type ServerResponse } from 'node:http';
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

describe('serve', () => {
  it('sets header and request timeouts against slow clients', async () => {
    const logs = captureLogs();
    const running = await serve(slowApp().app, { port: 0, host: '127.0.0.1', logger: createLogger({ service: 't', destination: logs.destination }), headersTimeoutMs: 4000, requestTimeoutMs: 9000, signals: [], exit: () => undefined });
    try {
      expect(running.server.headersTimeout).toBe(4000);
      expect(running.server.requestTimeout).toBe(9000);
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
