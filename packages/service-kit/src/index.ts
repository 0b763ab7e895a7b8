export { createServiceApp, type ServiceAppOptions } from './app';
export {
  defineRoute,
  type Access,
  type HttpMethod,
  type Denial,
  type HttpResult,
  type Route,
  type RouteContext,
  type RouteDefinition,
  type RouteResponse,
} from './routes';
export {
  ConcurrencyError,
  ForbiddenError,
  HttpProblem,
  IdempotencyInFlightError,
  InvalidStateError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorContext,
  type ErrorMapper,
  type ValidationIssue,
} from './errors';
export { eventStoreErrorMapper } from './eventStoreErrors';
export { PROBLEM_CONTENT_TYPE, sendProblem, type ProblemDocument } from './problem';
export { assertSafeInput, issuesOf, limitParam, MAX_JSON_DEPTH, parseInput, validate, validInput, type InputSchemas, type ValidInput } from './validate';
export { createLogger, httpLogger, type Logger, type LoggerOptions } from './logger';
export { requestIdOf } from './requestId';
export { type ReadinessCheck } from './health';
export { serve, type RunningServer, type ServeOptions, type ShutdownHook } from './serve';
export { ConfigError, parseConfig } from './config';
export { etagOf, parseIfMatch, setETag } from './etag';
export { createOpenApiDocument, ProblemSchema, type ServiceInfo } from './openapi';
export { assertRole, isRole, principalOf, requirePrincipal, requireRole, ROLES, type Principal, type Role } from './auth/principal';
export { authenticate, bearerTokenOf, createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './auth/verifier';
export { LOCAL_ISSUER, openLocalIssuer, type LocalIssuer, type TokenRequest } from './auth/localIssuer';
export type { ClaimOutcome, IdempotencyId, IdempotencyStore, IdempotencyTimings, StoredResponse } from './idempotency/store';
export { createMemoryIdempotencyStore } from './idempotency/memoryStore';
export { createSqliteIdempotencyStore, type SqliteIdempotencyStore, type SqliteIdempotencyStoreOptions } from './idempotency/sqliteStore';
export { perClientLimit } from './rateLimit';
export { APPEND_CHANNEL, instrumentEventStore, observeRelay, observeRequests, withMetrics, type RelayStatusSource } from './metrics';
export { inSpan, inSpanAsync } from './tracing';
