// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'personnel' });

const main = async (): Promise<void> => {
  const { runService } = await import('@asn/runtime');
  const path = await import('node:path');
  const privacy = await import('@asn/privacy');
  const { openSqliteAuditLog } = privacy;
  const { loadRulesFile, DEFAULT_RULES } = await import('./rules/rules');
  const { loadConfig } = await import('./config');
  const { createApp } = await import('./app');

  await runService({
    context: 'personnel',
    loadConfig,
    stopTelemetry,
    start: ({ config, dataDir, store, logger, auth, idempotency, masterKey, bus, relay, now, today }) => {
      const keys = privacy.openSqliteKeyStore({ path: path.join(dataDir, 'personnel.keys.db'), masterKey });
      const audit = openSqliteAuditLog({ path: path.join(dataDir, 'personnel.audit.db') });
      const rules = config.RULES_FILE ? loadRulesFile(config.RULES_FILE) : DEFAULT_RULES;
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
        now,
        today,
        // Final appraisals (asn.evaluation.v1) for promotion eligibility, in a read model of their own.
        bus,
        readModelPath: path.join(dataDir, 'personnel.readmodel.db'),
        ...(relay ? { relay } : {}),
      });
      logger.info({ rulesVersion: rules.version, bus: config.BUS }, 'personnel rules loaded');
      return {
        app: personnel.app,
        shutdown: [
          { name: 'read models', run: () => personnel.stop() },
          { name: 'audit log', run: () => audit.close() },
          { name: 'key store', run: () => keys.close() },
        ],
      };
    },
  });
};

main().catch((error: unknown) => {
  process.stderr.write(
    `personnel: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
