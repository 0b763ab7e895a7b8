import { tracing } from '@opentelemetry/sdk-node';
import { startTelemetry } from '../telemetry';

export interface TestTelemetry {
  /** Every span ended so far, in the order they ended. */
  readonly spans: tracing.InMemorySpanExporter;
  readonly stop: () => Promise<void>;
}

/**
 * Starts the service telemetry as main.ts does, with spans kept in memory (and HTTP requests instrumented
 * where the instrumentation can patch `http`) and metrics on `GET /metrics`. One per test file: it
 * registers the process's OpenTelemetry globals.
 */
export const startTestTelemetry = (serviceName = 'test'): TestTelemetry => {
  const spans = new tracing.InMemorySpanExporter();
  const stop = startTelemetry({ serviceName, env: {}, spanExporter: spans });
  return { spans, stop };
};
