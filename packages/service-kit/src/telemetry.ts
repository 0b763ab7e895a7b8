import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { instrumentEventStore, registerPrometheus } from './metrics';

export interface TelemetryOptions {
  readonly serviceName: string;
  /** Defaults to process.env; passed in so that tests and config.ts stay the only readers. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Serve metrics on the service's `GET /metrics` (default true). The relay thread passes false: its
   * figures are read by the main thread through the relay's status.
   */
  readonly metrics?: boolean;
  /** For tests: spans go here (and HTTP requests are instrumented) instead of OTLP. */
  readonly spanExporter?: tracing.SpanExporter;
}

/**
 * Starts OpenTelemetry. Import and call it first in a service's main.ts, before express is loaded, so the
 * HTTP instrumentation can patch `http`. With OTEL_EXPORTER_OTLP_ENDPOINT set, every request gets a span
 * exported over OTLP, and so do the event store's appends, the relay's publishes and the consumers'
 * deliveries; without it, requests are not instrumented, spans started by code stay local (their trace ids
 * still appear in logs) and nothing goes on the network. Metrics are kept in memory for `GET /metrics`
 * (docs/observability.md). Returns the shutdown function that flushes pending spans.
 */
export const startTelemetry = ({
  serviceName,
  env = process.env,
  metrics = true,
  spanExporter,
}: TelemetryOptions): (() => Promise<void>) => {
  const exporting = Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT']) || spanExporter !== undefined;
  // Pulled by GET /metrics on the service's own port, not by a server of the exporter's; no target_info,
  // which would publish the host name, the process owner and its command line.
  const prometheus = metrics
    ? new PrometheusExporter({ preventServerStart: true, withoutTargetInfo: true })
    : undefined;
  const sdk = new NodeSDK({
    serviceName,
    // HTTP spans only when they go somewhere: the instrumentation costs about a fifth of a small request's
    // CPU (measured by `pnpm bench`, HTTP line), and without an exporter the request id already ties a
    // request's log lines together. Spans started by code still get trace ids in the logs.
    instrumentations: exporting
      ? [
          new HttpInstrumentation({
            ignoreIncomingRequestHook: (req) =>
              req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
          }),
        ]
      : [],
    // Without an endpoint the SDK would default to an OTLP exporter on localhost; a no-op processor keeps
    // spans (and trace ids) local. With one, the SDK builds the exporter from the OTEL_* variables.
    ...(spanExporter
      ? { spanProcessors: [new tracing.SimpleSpanProcessor(spanExporter)] }
      : exporting
        ? {}
        : // Nothing exported: spans are not sampled (not recorded, not stamped on events), and cost next to nothing;
          // they still carry trace ids, which the logs show.
          { spanProcessors: [new tracing.NoopSpanProcessor()], sampler: new tracing.AlwaysOffSampler() }),
    // Given readers replace the OTEL_METRICS_EXPORTER ones; none (the relay thread) keeps that default.
    ...(prometheus ? { metricReaders: [prometheus] } : {}),
    // Logs go through pino to stdout.
    logRecordProcessors: [],
  });
  sdk.start();
  registerPrometheus(prometheus);
  const stopListening = instrumentEventStore();
  return async () => {
    stopListening();
    registerPrometheus(undefined);
    await sdk.shutdown();
  };
};
