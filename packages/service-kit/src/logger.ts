import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly service: string;
  readonly level?: Level | 'silent';
  /** Where JSON lines go; stdout by default. Tests pass a stream to inspect the output. */
  readonly destination?: DestinationStream;
}

/** Trace context of the active span, so a log line can be joined with its trace. */
const traceMixin = (): Record<string, string> => {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
};

/**
 * A pino logger for a service: JSON lines with `service`, ISO time and the active trace id.
 * Secrets are redacted as a second line of defence; callers still log ids, never personal data.
 */
export const createLogger = ({ service, level = 'info', destination }: LoggerOptions): Logger =>
  pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: traceMixin,
      redact: { paths: ['authorization', 'password', 'token', '*.authorization', '*.password', '*.token'], censor: '[redacted]' },
    },
    destination,
  );

/** The matched route pattern (set by the route wrapper), never the raw URL with its ids and query. */
export const ROUTE_LOCAL = 'routePattern';

/**
 * Access log: one line per request with method, route pattern, status, duration and request id.
 * Bodies, query strings and headers are never logged.
 */
export const httpLogger = (logger: Logger): RequestHandler => {
  const summary = (req: { method?: string }, res: { statusCode: number; locals?: Record<string, unknown> }, durationMs: unknown) => ({
    method: req.method,
    route: typeof res.locals?.[ROUTE_LOCAL] === 'string' ? res.locals[ROUTE_LOCAL] : '(unmatched)',
    status: res.statusCode,
    durationMs,
  });
  // A silent logger writes no access line: skip the per-request child logger and timing altogether.
  if (logger.level === 'silent') return (_req, _res, next) => next();
  return pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (req.url === '/healthz' || req.url === '/readyz') return 'debug';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    customSuccessObject: (req, res, val: { responseTime?: unknown }) => summary(req, res as never, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime?: unknown }) => summary(req, res as never, val.responseTime),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
};
