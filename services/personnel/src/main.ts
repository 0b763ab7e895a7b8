// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'personnel' });

const main = async (): Promise<void> => {
  const kit = await import('@asn/service-kit');
  const { openSqliteEventStore } = await import('@asn/event-store-sqlite');
  const { loadConfig } = await import('./config');
  const { createApp, SERVICE } = await import('./app');

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof kit.ConfigError) {
      process.stderr.write(`personnel: ${error.message}\n`);
      await stopTelemetry();
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const logger = kit.createLogger({ service: SERVICE.name, level: config.LOG_LEVEL });
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const store = openSqliteEventStore({ path: join(config.DATA_DIR, 'asn.db') });
  const idempotency = kit.createSqliteIdempotencyStore({
    database: join(config.DATA_DIR, `${SERVICE.name}.idempotency.db`),
  });
  const jwks = config.AUTH_JWKS_URL
    ? new URL(config.AUTH_JWKS_URL)
    : (await kit.openLocalIssuer({ dataDir: config.DATA_DIR })).jwks;
  const auth = kit.createTokenVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    algorithms: config.AUTH_ALGORITHMS,
    jwks,
  });

  const app = createApp({ store, logger, auth, idempotency, trustProxyHops: config.TRUST_PROXY_HOPS });
  await kit.serve(app, {
    port: config.PORT,
    host: config.HOST,
    logger,
    drainTimeoutMs: config.SHUTDOWN_DRAIN_MS,
    onShutdown: [
      { name: 'idempotency store', run: () => idempotency.close() },
      { name: 'event store', run: () => store.close() },
      { name: 'telemetry', run: () => stopTelemetry() },
    ],
  });
};

main().catch((error: unknown) => {
  process.stderr.write(
    `personnel: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
