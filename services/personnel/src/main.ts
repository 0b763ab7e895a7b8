// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Relay } from '@asn/bus';
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'personnel' });

const main = async (): Promise<void> => {
  const kit = await import('@asn/service-kit');
  const { openSqliteEventStore } = await import('@asn/event-store-sqlite');
  const privacy = await import('@asn/privacy');
  const { openSqliteAuditLog } = await import('./audit/auditLog');
  const { loadRulesFile, DEFAULT_RULES } = await import('./rules/rules');
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
  const storePath = join(config.DATA_DIR, 'asn.db');
  const store = openSqliteEventStore({ path: storePath, mmapBytes: config.STORE_MMAP_MB * 1024 * 1024 });
  // NORMAL, not FULL: commands derive their event ids from the Idempotency-Key, so a record lost with the
  // power makes a retry run again and find its own events; the event store alone carries durability.
  const idempotency = kit.createSqliteIdempotencyStore({
    database: join(config.DATA_DIR, `${SERVICE.name}.idempotency.db`),
    synchronous: 'NORMAL',
  });
  const masterKey = privacy.loadOrCreateMasterKey(config.PRIVACY_MASTER_KEY_FILE ?? join(config.DATA_DIR, 'privacy.master.key'));
  const keys = privacy.openSqliteKeyStore({ path: join(config.DATA_DIR, 'personnel.keys.db'), masterKey });
  const audit = openSqliteAuditLog({ path: join(config.DATA_DIR, 'personnel.audit.db') });
  const rules = config.RULES_FILE ? loadRulesFile(config.RULES_FILE) : DEFAULT_RULES;
  const jwks = config.AUTH_JWKS_URL
    ? new URL(config.AUTH_JWKS_URL)
    : (await kit.openLocalIssuer({ dataDir: config.DATA_DIR })).jwks;
  const auth = kit.createTokenVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    algorithms: config.AUTH_ALGORITHMS,
    jwks,
  });

  // BUS=kafka: the relay publishes this service's categories; on the local bus the store file is the bus.
  // The relay runs on a worker thread with its own store connection and producer: on the main thread it
  // competes with the requests that commit (docs/benchmarks.md, relay line).
  let relay: Relay | undefined;
  if (config.BUS === 'kafka' && config.KAFKA_BROKERS) {
    const { startRelayThread } = await import('@asn/bus-kafka');
    relay = startRelayThread({
      storePath,
      mmapBytes: config.STORE_MMAP_MB * 1024 * 1024,
      context: 'personnel',
      checkpoint: `relay:${SERVICE.name}`,
      kafka: { brokers: config.KAFKA_BROKERS, clientId: SERVICE.name, topicPrefix: config.KAFKA_TOPIC_PREFIX },
      logger,
      killAfterPublish: config.FAULT_POINTS.includes('relay.afterPublish'),
    });
  }

  const personnel = createApp({
    store,
    logger,
    auth,
    idempotency,
    keys,
    nipIndexKey: privacy.deriveKey(masterKey, 'nip-index'),
    audit,
    rules,
    trustProxyHops: config.TRUST_PROXY_HOPS,
    ...(relay ? { relay } : {}),
  });
  logger.info({ rulesVersion: rules.version, bus: config.BUS }, 'personnel rules loaded');
  await kit.serve(personnel.app, {
    port: config.PORT,
    host: config.HOST,
    logger,
    drainTimeoutMs: config.SHUTDOWN_DRAIN_MS,
    onShutdown: [
      { name: 'read model', run: () => personnel.stop() },
      { name: 'relay', run: async () => relay?.stop() },
      { name: 'idempotency store', run: () => idempotency.close() },
      { name: 'audit log', run: () => audit.close() },
      { name: 'key store', run: () => keys.close() },
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
