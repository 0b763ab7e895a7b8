import express, { type Express, type Request, type Router } from 'express';
import type { Logger } from 'pino';
import type { TokenVerifier } from './auth/verifier';
import { UnsupportedMediaTypeError, type ErrorMapper } from './errors';
import { mountHealth, type ReadinessCheck } from './health';
import type { IdempotencyStore } from './idempotency/store';
import { httpLogger } from './logger';
import { createOpenApiDocument, type ServiceInfo } from './openapi';
import { notFoundHandler, problemHandler } from './problem';
import { requestId } from './requestId';
import { isIdempotent, mountRoutes, type Route, type RouteDeps } from './routes';

export interface ServiceAppOptions {
  readonly service: ServiceInfo;
  readonly logger: Logger;
  readonly routes: readonly Route[];
  readonly readiness?: readonly ReadinessCheck[];
  /** Required as soon as one route is not public. */
  readonly auth?: TokenVerifier;
  /** Required as soon as one route is idempotent (every command POST by default). */
  readonly idempotency?: IdempotencyStore;
  /** Map foreign errors (store, drivers) to problems; tried in order before falling back to 500. */
  readonly errorMappers?: readonly ErrorMapper[];
  /** Largest JSON body, measured after decompression. Default 64 KiB. */
  readonly bodyLimitBytes?: number;
  /** Number of reverse proxies in front of the service, so `req.ip` is the client's. Default 0. */
  readonly trustProxyHops?: number;
  /** Extra handlers outside the route table (e.g. a streaming export), mounted after the routes. */
  readonly configure?: (router: Router) => void;
  /** Told of each caller an `audited` route refused for their role (the audit trail records it as denied). */
  readonly onDenied?: RouteDeps['onDenied'];
  readonly now?: () => Date;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Builds the express app of a service (no listen): request ids, access log, JSON bodies with a size
 * limit and a 415 for other types, `/healthz`, `/readyz`, `/openapi.json`, the routes, 404 and
 * problem+json errors. Fails fast when a route needs auth or idempotency that was not given.
 */
export const createServiceApp = (options: ServiceAppOptions): Express => {
  const { service, logger, routes, readiness = [], auth, idempotency, errorMappers = [], bodyLimitBytes = 64 * 1024, trustProxyHops = 0 } = options;
  if (!auth && routes.some((r) => r.access !== 'public')) throw new Error('createServiceApp: routes need auth, but no token verifier was given');
  if (!idempotency && routes.some(isIdempotent)) throw new Error('createServiceApp: routes are idempotent, but no idempotency store was given');
  const openApi = createOpenApiDocument(service, routes);

  const app = express();
  app.disable('x-powered-by');
  // Express's automatic weak ETags would collide with ETag = stream revision.
  app.set('etag', false);
  app.set('trust proxy', trustProxyHops);
  app.use(requestId());
  app.use(httpLogger(logger));
  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (hasBody(req) && !req.is(JSON_TYPES)) throw new UnsupportedMediaTypeError();
    next();
  });
  app.use(express.json({ limit: bodyLimitBytes, type: JSON_TYPES, strict: true }));

  const router = express.Router();
  mountHealth(router, readiness, logger);
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  mountRoutes(router, routes, { ...(auth ? { verifyToken: auth } : {}), ...(idempotency ? { idempotency } : {}), ...(options.onDenied ? { onDenied: options.onDenied } : {}), now: options.now ?? (() => new Date()) });
  options.configure?.(router);
  app.use(router);
  app.use(notFoundHandler);
  app.use(problemHandler(logger, errorMappers));
  return app;
};
