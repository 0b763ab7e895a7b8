import { tracingChannel } from 'node:diagnostics_channel';
import {
  context,
  metrics,
  propagation,
  SpanStatusCode,
  trace,
  type BatchObservableCallback,
  type Span,
} from '@opentelemetry/api';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import express, { type Express, type RequestHandler } from 'express';
import { APPEND_CHANNEL, type AppendMessage } from '@asn/event-store';

const SCOPE = '@asn/service-kit';

// The event stores announce their appends on @asn/event-store's APPEND_CHANNEL (`tracedAppend`): they stay free
// of telemetry dependencies, and it costs nothing while no one listens.
export { APPEND_CHANNEL };

// Seconds: from a cached read (a millisecond) to a slow group commit under load.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// The process's Prometheus reader, registered by startTelemetry like the global meter provider it feeds.
let prometheus: PrometheusExporter | undefined;

/** @internal Called by startTelemetry (and its shutdown, with undefined). */
export const registerPrometheus = (exporter: PrometheusExporter | undefined): void => {
  prometheus = exporter;
};

// Probes and scrapes would drown the request rate; they are watched by their own means.
const UNOBSERVED = new Set(['/metrics', '/healthz', '/readyz']);

/**
 * Request rate and latency: one histogram observation per answered request, labelled with the method, the
 * route template (never the path, which holds ids) and the status class. (The request's trace reaches the
 * events through the event store: each append is stamped with its span's context, see instrumentEventStore.)
 */
export const observeRequests = (): RequestHandler => {
  const duration = metrics.getMeter(SCOPE).createHistogram('asn.http.server.request.duration.seconds', {
    unit: 's',
    description: 'Time from receiving a request to sending the last byte of its response',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
  });
  return (req, res, next) => {
    if (UNOBSERVED.has(req.path)) return next();
    const started = performance.now();
    res.once('finish', () => {
      const route: unknown = (req.route as { path?: unknown } | undefined)?.path;
      duration.record((performance.now() - started) / 1_000, {
        method: req.method,
        route: typeof route === 'string' ? route : 'unmatched',
        status_class: `${Math.floor(res.statusCode / 100)}xx`,
      });
    });
    next();
  };
};

/**
 * Wraps a service's app: request metrics around everything, and `GET /metrics` in the Prometheus text
 * format when startTelemetry registered a reader (else the app's 404). Public like `/healthz`, as
 * Prometheus expects: no series carries an id or personal data, only route templates, status classes,
 * topics, consumer groups and error classes.
 */
export const withMetrics = (app: Express): Express => {
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  outer.use(observeRequests());
  outer.get('/metrics', (req, res, next) => {
    if (!prometheus) return next();
    prometheus.getMetricsRequestHandler(req, res);
  });
  outer.use(app);
  return outer;
};


/**
 * Listens to the event store's appends (see {@link APPEND_CHANNEL}): an `append` span under the caller's
 * active span, and the append latency histogram, by outcome. Returns the function that stops listening.
 */
export const instrumentEventStore = (): (() => void) => {
  const channel = tracingChannel<unknown, AppendMessage>(APPEND_CHANNEL);
  const duration = metrics.getMeter(SCOPE).createHistogram('asn.event_store.append.duration.seconds', {
    unit: 's',
    description: 'Time from an append call to its commit (group commit included), by outcome',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
  });
  const tracer = trace.getTracer(SCOPE);
  const inFlight = new WeakMap<AppendMessage, { span: Span; started: number; failed: boolean }>();
  const subscribers = {
    start: (message: AppendMessage) => {
      const span = tracer.startSpan('append', { attributes: { 'asn.event_store.events': message.events } });
      inFlight.set(message, { span, started: performance.now(), failed: false });
      // The events the caller left without a trace context are stamped with this span's (tracedAppend), when it
      // is recorded: an unsampled trace (nothing exported) is not worth the bytes in every event.
      if (span.isRecording()) {
        const carrier: { traceparent?: string } = {};
        propagation.inject(trace.setSpan(context.active(), span), carrier);
        if (carrier.traceparent !== undefined) message.traceparent = carrier.traceparent;
      }
    },
    end: () => undefined,
    asyncStart: () => undefined,
    error: (message: AppendMessage & { error?: unknown }) => {
      const append = inFlight.get(message);
      if (!append) return;
      append.failed = true;
      const { error } = message;
      append.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.name : typeof error,
      });
    },
    asyncEnd: (message: AppendMessage) => {
      const append = inFlight.get(message);
      if (!append) return;
      inFlight.delete(message);
      duration.record((performance.now() - append.started) / 1_000, { outcome: append.failed ? 'error' : 'ok' });
      append.span.end();
    },
  };
  channel.subscribe(subscribers);
  return () => channel.unsubscribe(subscribers);
};

/** What {@link observeRelay} reads: a relay's `status()` (structurally, so that service-kit needs no bus). */
export interface RelayStatusSource {
  status(): Promise<{ readonly topic: string; readonly state: string; readonly lag: number; readonly lagMs: number }>;
}

/**
 * The relay's lag as gauges read at each scrape: committed events not yet acknowledged by the broker, the
 * age of the oldest of them, and whether it is publishing (1) or retrying/stopped (0). Returns the
 * function that stops observing.
 */
export const observeRelay = (relay: RelayStatusSource): (() => void) => {
  const meter = metrics.getMeter(SCOPE);
  const lag = meter.createObservableGauge('asn.relay.lag.events', {
    unit: '{event}',
    description: 'Committed events not yet acknowledged by the broker (counted up to 10,000)',
  });
  const age = meter.createObservableGauge('asn.relay.lag.age.seconds', {
    unit: 's',
    description: 'Age of the oldest committed event not yet acknowledged; 0 when none waits',
  });
  const up = meter.createObservableGauge('asn.relay.publishing', {
    description: '1 while the relay publishes, 0 while it retries or after it stopped',
  });
  const callback: BatchObservableCallback = async (result) => {
    const status = await relay.status();
    const attributes = { topic: status.topic };
    result.observe(lag, status.lag, attributes);
    result.observe(age, status.lagMs / 1_000, attributes);
    result.observe(up, status.state === 'publishing' ? 1 : 0, attributes);
  };
  meter.addBatchObservableCallback(callback, [lag, age, up]);
  return () => meter.removeBatchObservableCallback(callback, [lag, age, up]);
};
