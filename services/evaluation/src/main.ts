// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'evaluation' });

const main = async (): Promise<void> => {
  const { runService } = await import('@asn/runtime');
  const path = await import('node:path');
  const privacy = await import('@asn/privacy');
  const { default: Database } = await import('better-sqlite3');
  const { loadRulesFile, DEFAULT_RULES } = await import('./rules/rules');
  const { loadConfig } = await import('./config');
  const { createApp } = await import('./app');

  await runService({
    context: 'evaluation',
    loadConfig,
    stopTelemetry,
    start: async ({ config, dataDir, store, logger, auth, idempotency, masterKey, bus, relay, now, today }) => {
      const rules = config.RULES_FILE ? loadRulesFile(config.RULES_FILE) : DEFAULT_RULES;
      const keys = privacy.openSqliteKeyStore({ path: path.join(dataDir, 'evaluation.keys.db'), masterKey });
      const audit = privacy.openSqliteAuditLog({ path: path.join(dataDir, 'evaluation.audit.db') });
      const readModel = new Database(path.join(dataDir, 'evaluation.readmodel.db'));
      readModel.pragma('journal_mode = WAL');
      readModel.pragma('busy_timeout = 5000');
      const evaluation = await createApp({
        store,
        bus,
        readModel,
        logger,
        auth,
        idempotency,
        keys,
        audit,
        rules,
        trustProxyHops: config.TRUST_PROXY_HOPS,
        now,
        today,
        ...(relay ? { relay } : {}),
      });
      logger.info({ rulesVersion: rules.version, bus: config.BUS }, 'evaluation rules loaded');
      return {
        app: evaluation.app,
        shutdown: [
          { name: 'consumers and read models', run: () => evaluation.stop() },
          {
            name: 'read model database',
            run: () => {
              readModel.close();
            },
          },
          { name: 'audit log', run: () => audit.close() },
          {
            name: 'key store',
            run: () => {
              keys.close();
            },
          },
        ],
      };
    },
  });
};

main().catch((error: unknown) => {
  process.stderr.write(`evaluation: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
