// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'feedback' });

const main = async (): Promise<void> => {
  const { assertCityClock, runService } = await import('@asn/runtime');
  const path = await import('node:path');
  const privacy = await import('@asn/privacy');
  const { loadConfig } = await import('./config');
  const { loadRulesFile, DEFAULT_RULES } = await import('./rules/rules');
  const { createApp } = await import('./app');
  await runService({
    context: 'feedback',
    loadConfig,
    stopTelemetry,
    start: async ({ config, dataDir, store, logger, auth, idempotency, masterKey, bus, relay, now }) => {
      const rules = config.RULES_FILE ? loadRulesFile(config.RULES_FILE) : DEFAULT_RULES;
      assertCityClock(config, rules);
      const keys = privacy.openSqliteKeyStore({ path: path.join(dataDir, 'feedback.keys.db'), masterKey });
      const audit = privacy.openSqliteAuditLog({ path: path.join(dataDir, 'feedback.audit.db') });
      const feedback = await createApp({
        store,
        bus,
        logger,
        auth,
        idempotency,
        rules,
        keys,
        audit,
        masterKey,
        readModelPath: path.join(dataDir, 'feedback.readmodel.db'),
        ...(config.INTAKE_UNIT_ID ? { intakeUnitId: config.INTAKE_UNIT_ID } : {}),
        contactRetentionDays: config.CONTACT_RETENTION_DAYS,
        publicRateLimit: { limit: config.PUBLIC_RATE_LIMIT, windowSeconds: config.PUBLIC_RATE_WINDOW_SECONDS },
        sweepIntervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
        trustProxyHops: config.TRUST_PROXY_HOPS,
        now,
        ...(relay ? { relay } : {}),
      });
      logger.info({ rulesVersion: rules.version, bus: config.BUS, retentionDays: config.CONTACT_RETENTION_DAYS }, 'feedback rules loaded');
      return {
        app: feedback.app,
        shutdown: [
          { name: 'watch, consumers and read model', run: () => feedback.stop() },
          { name: 'audit log', run: () => audit.close() },
          { name: 'key store', run: () => keys.close() },
        ],
      };
    },
  });
};

main().catch((error: unknown) => {
  process.stderr.write(`feedback: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
