import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpProblem } from './errors';

/** The client's address as express sees it through the configured proxies (`trust proxy`). */
const clientOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * A limit of `limit` requests per client address and `windowSeconds`, for a route's `before` (public
 * endpoints): past it, 429 problem+json with Retry-After. The address is the caller's through the service's
 * `trustProxyHops`; the counts are per process (each replica keeps its own window).
 */
export const perClientLimit = (limit: number, windowSeconds: number, what: string): RequestHandler =>
  rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: clientOf,
    // Our own answer (problem+json), so the client sees the same errors everywhere.
    handler: (_req, _res, next) => {
      next(new HttpProblem(429, 'rate-limited', 'Too many requests', `At most ${limit} ${what} per ${windowSeconds} s from one address; try again later.`, {}, { 'Retry-After': String(windowSeconds) }));
    },
    validate: { keyGeneratorIpFallback: false },
  });
