/**
 * A process that `serve`s a tiny app with the real signal handling and `process.exit`, for the tests
 * that must see whether the process survives a shutdown. It reports on stdout, one JSON object a line
 * (the port, requests entering /slow, hooks that ran; the pino log lines share the stream), and
 * answers the waiting /slow requests when it reads `release` on stdin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { createLogger } from '../logger';
import { serve } from '../serve';

const say = (message: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

const waiting: ServerResponse[] = [];
const app = (req: IncomingMessage, res: ServerResponse): void => {
  if (req.url === '/slow') {
    waiting.push(res);
    say({ event: 'entered' });
    return;
  }
  res.end('fast');
};

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'release') for (const res of waiting.splice(0)) res.end('done');
});

void serve(app, {
  port: 0,
  host: '127.0.0.1',
  logger: createLogger({ service: 'serve-child', destination: process.stdout }),
  signals: ['SIGTERM'],
  onShutdown: [
    { name: 'consumers', run: () => say({ event: 'hook', hook: 'consumers' }) },
    { name: 'store', run: () => say({ event: 'hook', hook: 'store' }) },
  ],
}).then((running) => say({ event: 'listening', port: running.port }));
