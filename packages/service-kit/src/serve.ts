import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** A named step of shutdown, run in order after HTTP has drained (stop consumers, close store, flush telemetry). */
export interface ShutdownHook {
  readonly name: string;
  run(): Promise<void> | void;
}

export interface ServeOptions {
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly onShutdown?: readonly ShutdownHook[];
  /** How long in-flight requests may take to finish before their connections are cut. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Bound for each shutdown hook. Default 10 s. */
  readonly hookTimeoutMs?: number;
  /** Slow-client guards: time to receive headers, and the whole request. Defaults 10 s and 30 s. */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** How often those two timeouts are checked. Default the smaller of 1 s and both timeouts. */
  readonly connectionsCheckingIntervalMs?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** Called with the exit code once shutdown is done; `process.exit` by default, replaced in tests. */
  readonly exit?: (code: number) => void;
}

export interface RunningServer {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting, drains, runs the hooks, then calls `exit`. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

const bounded = async (work: () => Promise<void> | void, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(work),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Listens with `app` and handles SIGTERM/SIGINT: stop accepting, let in-flight requests finish (bounded),
 * run the shutdown hooks in order (each bounded), then exit 0, or 1 if something failed.
 */
export const serve = async (app: RequestListener, options: ServeOptions): Promise<RunningServer> => {
  const { logger, onShutdown = [], drainTimeoutMs = 10_000, hookTimeoutMs = 10_000, signals = ['SIGTERM', 'SIGINT'] } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  // Node enforces both timeouts only when it sweeps its connections (every 30 s by default), so a
  // stalled client would otherwise keep its socket up to 30 s past the bound. 0 disables a timeout.
  const connectionsCheckingInterval = options.connectionsCheckingIntervalMs ?? Math.min(1_000, ...[headersTimeout, requestTimeout].filter((ms) => ms > 0));
  const server = createServer({ connectionsCheckingInterval }, (req, res) => {
    // A keep-alive client would otherwise hold its connection open through the whole drain. Set before
    // the app runs: once the app has answered (synchronously, say) the header can no longer be set.
    if (closing) res.setHeader('Connection', 'close');
    app(req, res);
  });
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, host: options.host }, 'listening');

  let done: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    done ??= (async () => {
      closing = true;
      logger.info({ reason }, 'shutting down');
      let failed = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      try {
        await bounded(() => closed, drainTimeoutMs);
      } catch {
        failed = true;
        logger.warn({ drainTimeoutMs }, 'drain timed out; closing remaining connections');
        server.closeAllConnections();
      }
      for (const hook of onShutdown) {
        try {
          await bounded(() => hook.run(), hookTimeoutMs);
          logger.info({ hook: hook.name }, 'shutdown hook done');
        } catch (error) {
          failed = true;
          logger.error({ hook: hook.name, errorClass: error instanceof Error ? error.name : typeof error }, 'shutdown hook failed');
        }
      }
      for (const signal of signals) process.off(signal, onSignal);
      logger.info({ failed }, 'shutdown complete');
      exit(failed ? 1 : 0);
    })();
    return done;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void shutdown(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  return { server, port, shutdown };
};
