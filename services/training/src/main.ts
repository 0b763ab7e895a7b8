// Telemetry first: the HTTP instrumentation must be in place before express and the http server load,
// so everything else is imported dynamically below.
import { join } from 'node:path';
import { startTelemetry } from '@asn/service-kit/telemetry';

const stopTelemetry = startTelemetry({ serviceName: 'training' });

const main = async (): Promise<void> => {
  const { runService } = await import('@asn/runtime');
  const { loadConfig } = await import('./config');
  const { loadRulesFile, DEFAULT_RULES } = await import('./rules/rules');
  const { createApp } = await import('./app');
  await runService({
    context: 'training',
    loadConfig,
    stopTelemetry,
    start: async (runtime) => {
      const rules = runtime.config.RULES_FILE ? loadRulesFile(runtime.config.RULES_FILE) : DEFAULT_RULES;
      const training = await createApp({
        store: runtime.store,
        bus: runtime.bus,
        logger: runtime.logger,
        auth: runtime.auth,
        idempotency: runtime.idempotency,
        rules,
        readModelPath: join(runtime.dataDir, 'training.readmodel.db'),
        trustProxyHops: runtime.config.TRUST_PROXY_HOPS,
        now: runtime.now,
        today: runtime.today,
        ...(runtime.relay ? { relay: runtime.relay } : {}),
      });
      runtime.logger.info({ rulesVersion: rules.version, bus: runtime.config.BUS }, 'training rules loaded');
      return { app: training.app, shutdown: [{ name: 'consumer and read model', run: () => training.stop() }] };
    },
  });
};

void main();
