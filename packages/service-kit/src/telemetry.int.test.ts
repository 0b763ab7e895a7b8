import { describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { createLogger } from './logger';
import { startTelemetry } from './telemetry';
import { captureLogs } from './testing/fixtures';

describe('startTelemetry without an OTLP endpoint', () => {
  it('creates real spans whose trace id appears in the logs', async () => {
    const shutdown = startTelemetry({ serviceName: 'sample', env: {} });
    try {
      const logs = captureLogs();
      const logger = createLogger({ service: 'sample', destination: logs.destination });
      let traceId = '';
      trace.getTracer('test').startActiveSpan('work', (span) => {
        traceId = span.spanContext().traceId;
        logger.info({ step: 1 }, 'inside a span');
        span.end();
      });
      logger.info({ step: 2 }, 'outside any span');
      const [inside, outside] = logs.records();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe('0'.repeat(32));
      expect(inside).toMatchObject({ traceId, msg: 'inside a span' });
      expect(outside).not.toHaveProperty('traceId');
    } finally {
      await shutdown();
    }
  });
});
