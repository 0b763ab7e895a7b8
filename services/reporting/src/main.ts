// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'reporting' });

const main = async (): Promise<void> => {
  const { assertCityClock, rulesLoader, runService } = await import('@asn/runtime');
  const path = await import('node:path');
  const privacy = await import('@asn/privacy');
  const { loadOrCreateDigestKey } = await import('@asn/event-store');
  const { loadConfig } = await import('./config');
  const { createApp } = await import('./app');
  const { DEFAULT_FEEDBACK_RULES, FeedbackRules, TrainingRules } = await import('@asn/contracts');
  await runService({
    context: 'reporting',
    loadConfig,
    stopTelemetry,
    start: async ({ config, dataDir, store, logger, auth, idempotency, bus, now }) => {
      const feedbackRules = config.FEEDBACK_RULES_FILE ? rulesLoader(FeedbackRules, 'feedback').loadRulesFile(config.FEEDBACK_RULES_FILE) : DEFAULT_FEEDBACK_RULES;
      assertCityClock(config, feedbackRules);
      const audit = privacy.openSqliteAuditLog({ path: path.join(dataDir, 'reporting.audit.db') });
      const key = loadOrCreateDigestKey(config.DIGEST_KEY_FILE ?? path.join(dataDir, 'digest-signing.key'));
      if (key.created) logger.warn({ publicKey: key.publicKeyPath }, 'created the digest signing key: give auditors its public half');
      const reporting = await createApp({
        store,
        bus,
        logger,
        auth,
        idempotency,
        audit,
        readModelPath: path.join(dataDir, 'reporting.readmodel.db'),
        digests: { key, dir: path.join(dataDir, 'digests'), intervalMs: config.DIGEST_INTERVAL_MINUTES * 60_000 },
        ...(config.TRAINING_RULES_FILE ? { trainingRules: rulesLoader(TrainingRules, 'training').loadRulesFile(config.TRAINING_RULES_FILE) } : {}),
        feedbackRules,
        publicRateLimit: { limit: config.PUBLIC_RATE_LIMIT, windowSeconds: config.PUBLIC_RATE_WINDOW_SECONDS },
        trustProxyHops: config.TRUST_PROXY_HOPS,
        now,
      });
      return {
        app: reporting.app,
        shutdown: [
          { name: 'digests, consumer and read model', run: () => reporting.stop() },
          { name: 'audit log', run: () => audit.close() },
        ],
      };
    },
  });
};

main().catch((error: unknown) => {
  process.stderr.write(`reporting: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
