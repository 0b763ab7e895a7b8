import type { EventStore } from '@asn/event-store';
import type { AuditLog } from '@asn/privacy';
import {
  createServiceApp,
  eventStoreErrorMapper,
  type Denial,
  type ErrorMapper,
  type IdempotencyStore,
  type Logger,
  type ReadinessCheck,
  type Route,
  type ServiceInfo,
  type TokenVerifier,
  observeRelay,
  withMetrics,
} from '@asn/service-kit';
import { operationsReadiness } from './readiness';
import { operationsRoutes, type Operations } from './routes';

/** What every service's `createApp` is built from besides its own: main.ts passes the runtime's adapters. */
export interface ServiceDeps extends Operations {
  readonly store: EventStore;
  readonly logger: Logger;
  readonly auth: TokenVerifier;
  readonly idempotency: IdempotencyStore;
  readonly trustProxyHops?: number;
  readonly now?: () => Date;
  /** The city's date now; default: `now` on WIB's clock. */
  readonly today?: () => string;
}

export interface ServiceAppOptions {
  readonly service: ServiceInfo;
  /** The service's own routes; the operations routes are added. */
  readonly routes: readonly Route[];
  /** The service's own readiness checks (read models, consumers), between the store's and the relay's. */
  readonly readiness: readonly ReadinessCheck[];
  /** The service's errors as problems; the event store's are mapped after them. */
  readonly errorMapper: ErrorMapper;
  /** The service's audit trail: a caller an `audited` route refuses for their role is recorded there as denied. */
  readonly audit?: AuditLog;
}

/** Records a refusal for the caller's role as a denied access, in the roles they hold. */
const deniedInto =
  (audit: AuditLog) =>
  (denial: Denial): void =>
    audit.record({ actor: { subject: denial.subject, role: denial.roles.join(',') || 'none', correlationId: denial.correlationId }, action: denial.action, subjects: denial.subjects, allowed: false });

/**
 * A service's express app (no listen) on the runtime's adapters: its routes and the operations routes
 * (`GET /v1/store/head`, `GET /v1/relay`), `/readyz` over the store, its own checks and the relay, its error
 * mapper then the event store's, bearer tokens, idempotent commands and the service clock; request metrics
 * and `GET /metrics`, with the relay's lag among them (docs/observability.md).
 */
export const serviceApp = (deps: ServiceDeps, options: ServiceAppOptions): ReturnType<typeof createServiceApp> => {
  // One app per process in a deployment; the gauges read the relay's status at each scrape.
  if (deps.relay) observeRelay(deps.relay);
  return withMetrics(
    createServiceApp({
      service: options.service,
      logger: deps.logger,
      routes: [...options.routes, ...operationsRoutes(deps)],
      readiness: operationsReadiness(deps, ...options.readiness),
      auth: deps.auth,
      idempotency: deps.idempotency,
      errorMappers: [options.errorMapper, eventStoreErrorMapper],
      ...(options.audit ? { onDenied: deniedInto(options.audit) } : {}),
      ...(deps.trustProxyHops === undefined ? {} : { trustProxyHops: deps.trustProxyHops }),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
};
