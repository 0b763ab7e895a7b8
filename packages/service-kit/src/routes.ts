import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { assertRole, principalOf, setPrincipal, type Principal, type Role } from './auth/principal';
import { bearerTokenOf, type TokenVerifier } from './auth/verifier';
import { ForbiddenError, IdempotencyInFlightError, UnauthorizedError, UnprocessableError, ValidationError } from './errors';
import type { IdempotencyStore, StoredResponse } from './idempotency/store';
import { parseIfMatch } from './etag';
import { ROUTE_LOCAL } from './logger';
import { requestIdOf } from './requestId';
import { parseInput } from './validate';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler returns; the kit writes it (and stores it for Idempotency-Key replays). */
export interface HttpResult {
  readonly status: number;
  /**
   * JSON body; omit for an empty response. A string body under a Content-Type header of the result's own
   * (an export as text/csv or JSON Lines) is sent as it is, not as JSON.
   */
  readonly body?: unknown;
  /** Headers worth replaying, such as ETag and Location. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Who may call: anyone, any verified caller, or a verified caller holding one of the roles. */
export type Access = 'public' | 'authenticated' | readonly Role[];

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** The verified caller; undefined only on public routes. */
  readonly principal: Principal | undefined;
  readonly requestId: string;
  /** The revision from `If-Match` when the route declares `ifMatch`; otherwise undefined. */
  readonly expectedRevision: number | 'exists' | undefined;
  /**
   * On an idempotent route: a stable digest of the caller's scope and `Idempotency-Key`. A handler derives
   * its ids (aggregate, event) from it, so a retry that runs again (after a crash between the write and the
   * stored response) writes the same ids, which the event store recognises, instead of a second copy.
   */
  readonly idempotencyKey: string | undefined;
  readonly req: Request;
  readonly res: Response;
}

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
}

/**
 * One endpoint: its schemas validate the request and document it in OpenAPI (one source), `access`
 * is an explicit decision per route, and `handler` only sees parsed input.
 */
export interface RouteDefinition<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
> {
  readonly method: HttpMethod;
  /** Express path with `:name` parameters, e.g. `/employees/:employeeId/transfers`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly operationId?: string;
  readonly access: Access;
  readonly body?: B;
  readonly query?: Q;
  readonly params?: P;
  /**
   * Require an `Idempotency-Key` and replay the stored response to retries. Defaults to true for POST:
   * every command POST is idempotent.
   */
  readonly idempotent?: boolean;
  /** Parse `If-Match` into `expectedRevision` (malformed: 400); 'required' answers 428 when it is absent. */
  readonly ifMatch?: 'required' | 'optional';
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /**
   * The access to personal data this route records in the audit trail (a read, an export, a replay): declared here
   * so that a caller refused for their role (403) is recorded too, as denied, through the app's `onDenied`; the
   * handler records what it allows or refuses itself. `subjects` names whose data, from the parsed path params
   * (none when they do not parse).
   */
  readonly audited?: { readonly action: string; readonly subjects?: (params: Out<P>) => string[] };
  /**
   * Express handlers run before the route's own (authentication, validation, idempotency): a rate limit on
   * a public endpoint, so that refused requests cost nothing else.
   */
  readonly before?: readonly RequestHandler[];
  /**
   * For an idempotent answer that carries a secret (a capability token): what the idempotency store keeps
   * instead of the answer (`conceal`), and how a replay rebuilds the answer from what was kept (`reveal`), so
   * that the secret is never written to the idempotency store.
   */
  readonly replaySecret?: {
    conceal(result: HttpResult): HttpResult;
    reveal(stored: StoredResponse): HttpResult | Promise<HttpResult>;
  };
  handler(context: RouteContext<Out<B>, Out<Q>, Out<P>>): Promise<HttpResult> | HttpResult;
}

/** A route with its types erased, as collected by `createServiceApp`. */
export type Route = RouteDefinition;

/** Declares a route; the handler's input types follow from the schemas. */
export const defineRoute = <
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
>(
  route: RouteDefinition<B, Q, P>,
): Route => route;

export const isIdempotent = (route: Route): boolean => route.idempotent ?? route.method === 'post';

/** A caller refused by an audited route for their role: what the audit trail records as denied. */
export interface Denial {
  readonly subject: string;
  /** The caller's roles, none of which the route allows. */
  readonly roles: readonly string[];
  readonly action: string;
  readonly subjects: string[];
  readonly correlationId: string;
}

export interface RouteDeps {
  readonly verifyToken?: TokenVerifier;
  /** Told of each caller an `audited` route refused for their role (403), before the refusal is answered. */
  readonly onDenied?: (denial: Denial) => void;
  readonly idempotency?: IdempotencyStore;
  readonly now: () => Date;
}

/** Printable ASCII without spaces or quotes; an RFC 8941 sf-string's quotes are stripped first. */
const IDEMPOTENCY_KEY = /^[\x21\x23-\x7e]{1,255}$/;

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Key order must not make two equal requests look different. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

const idempotencyKeyOf = (req: Request): string => {
  const raw = req.headers['idempotency-key'];
  const key = typeof raw === 'string' ? raw.replace(/^"(.*)"$/, '$1') : undefined;
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('This command requires an Idempotency-Key header (1-255 printable characters).', [
      { in: 'header', path: 'idempotency-key', code: key === undefined ? 'missing' : 'invalid_format', message: 'Expected a unique key per command, such as a UUID.' },
    ]);
  }
  return key;
};

const authenticateRoute = async (route: Route, req: Request, res: Response, verify: TokenVerifier | undefined): Promise<void> => {
  if (route.access === 'public') return;
  const token = bearerTokenOf(req);
  if (token === undefined || !verify) throw new UnauthorizedError();
  const principal = await verify(token);
  setPrincipal(res, principal);
  if (route.access !== 'authenticated') assertRole(principal, route.access);
};

const send = (res: Response, result: HttpResult | StoredResponse, replayed: boolean): void => {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status);
  if (result.body === undefined) res.end();
  else if (typeof result.body === 'string' && Object.keys(result.headers ?? {}).some((name) => name.toLowerCase() === 'content-type')) res.send(result.body);
  else res.json(result.body);
};

/**
 * Runs `execute` at most once per key: a retry with the same request gets the stored response, a
 * different request under the same key gets 422, a retry while the first is running gets 409.
 * If the handler throws, the claim is released so that the client can retry.
 */
const runOnce = async (
  store: IdempotencyStore,
  now: () => Date,
  scope: string,
  key: string,
  fingerprint: string,
  execute: () => Promise<HttpResult>,
  secret?: Route['replaySecret'],
): Promise<{ result: HttpResult | StoredResponse; replayed: boolean }> => {
  const id = { scope, key };
  const claim = await store.claim(id, fingerprint, now());
  switch (claim.kind) {
    case 'replay':
      return { result: secret ? await secret.reveal(claim.response) : claim.response, replayed: true };
    case 'mismatch':
      throw new UnprocessableError('This Idempotency-Key was already used for a different request.');
    case 'in-flight':
      throw new IdempotencyInFlightError();
    case 'claimed':
      break;
  }
  let result: HttpResult;
  try {
    result = await execute();
  } catch (error) {
    await store.release(id, claim.token);
    throw error;
  }
  const kept = secret ? secret.conceal(result) : result;
  const stored: StoredResponse = { status: kept.status, headers: { ...kept.headers }, ...(kept.body === undefined ? {} : { body: kept.body }) };
  await store.complete(id, claim.token, stored, now());
  return { result: secret ? result : stored, replayed: false };
};

/**
 * Without a principal, keys are scoped per client address, or anonymous callers of a public route would
 * share keys: a second client would be replayed the first one's response (and its capabilities), or
 * learn from a 422 that a key is in use. Only a hash of the address is stored, never the address.
 */
const anonymousCaller = (req: Request): string =>
  `anonymous:${createHash('sha256').update(req.ip ?? req.socket.remoteAddress ?? '').digest('base64url')}`;

/** The express handler for one route: label, authenticate, validate, (idempotently) run, send. */
export const routeHandler = (route: Route, deps: RouteDeps): RequestHandler => async (req, res) => {
  const span = trace.getActiveSpan();
  span?.setAttribute('http.route', route.path);
  span?.updateName(`${route.method.toUpperCase()} ${route.path}`);
  try {
    await authenticateRoute(route, req, res, deps.verifyToken);
  } catch (error) {
    if (error instanceof ForbiddenError && route.audited && deps.onDenied) {
      const principal = principalOf(res);
      const parsed = route.params?.safeParse(req.params);
      const subjects = parsed?.success && route.audited.subjects ? route.audited.subjects(parsed.data) : [];
      deps.onDenied({ subject: principal?.subject ?? 'unknown', roles: principal?.roles ?? [], action: route.audited.action, subjects, correlationId: requestIdOf(res) ?? '' });
    }
    throw error;
  }
  if (!route.body && hasBody(req)) throw new ValidationError('This endpoint takes no request body.');
  const body = route.body ? parseInput(route.body, req.body, 'body') : undefined;
  const query = route.query ? parseInput(route.query, req.query, 'query') : undefined;
  const params = route.params ? parseInput(route.params, req.params, 'params') : undefined;
  const expectedRevision = route.ifMatch ? parseIfMatch(req, { required: route.ifMatch === 'required' }) : undefined;
  const principal = principalOf(res);
  const execute = async (idempotencyKey?: string) =>
    route.handler({ body, query, params, principal, requestId: requestIdOf(res) ?? '', expectedRevision, idempotencyKey, req, res });

  if (!isIdempotent(route)) {
    send(res, await execute(), false);
    return;
  }
  if (!deps.idempotency) throw new Error(`route ${route.method} ${route.path} is idempotent but no idempotency store was given`);
  const scope = `${principal ? principal.subject : anonymousCaller(req)} ${route.method.toUpperCase()} ${route.path}`;
  const key = idempotencyKeyOf(req);
  const fingerprint = createHash('sha256').update(canonical({ params: req.params, query: req.query, body: req.body as unknown })).digest('base64url');
  const stableKey = createHash('sha256').update(`${scope}\n${key}\n${fingerprint}`).digest('base64url');
  const { result, replayed } = await runOnce(deps.idempotency, deps.now, scope, key, fingerprint, () => execute(stableKey), route.replaySecret);
  send(res, result, replayed);
};

/** Registers `routes` on `router`, each labelled with its pattern first so that even a 401 logs its route. */
export const mountRoutes = (router: Router, routes: readonly Route[], deps: RouteDeps): void => {
  for (const route of routes) {
    const label: RequestHandler = (_req, res, next) => {
      res.locals[ROUTE_LOCAL] = route.path;
      next();
    };
    router[route.method](route.path, label, ...(route.before ?? []), routeHandler(route, deps));
  }
};

/** Express `:name` parameters as OpenAPI `{name}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The OpenAPI operation of a route, generated from the same schemas that validate it. */
export const openApiOperation = (route: Route, problem: z.ZodType): ZodOpenApiOperationObject => {
  const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status as `2${string}`] = {
      description: response.description,
      ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
    };
  }
  responses['400'] = problemResponse('Invalid request');
  if (route.access !== 'public') responses['401'] = problemResponse('Missing or invalid bearer token');
  if (Array.isArray(route.access)) responses['403'] = problemResponse(`Requires one of the roles: ${route.access.join(', ')}`);
  if (route.body) {
    responses['413'] = problemResponse('Body too large');
    responses['415'] = problemResponse('Body is not application/json');
  }
  const headers: { in: 'header'; name: string; required: boolean; description: string; schema: { type: 'string'; maxLength?: number } }[] = [];
  if (isIdempotent(route)) {
    responses['409'] ??= problemResponse('Conflict, or the same Idempotency-Key is in flight');
    responses['422'] = problemResponse('Idempotency-Key reused for a different request');
    headers.push({ in: 'header', name: 'Idempotency-Key', required: true, description: 'Unique per command; a retry with the same key and body replays the response.', schema: { type: 'string', maxLength: 255 } });
  }
  if (route.ifMatch) {
    responses['412'] = problemResponse('If-Match names an outdated revision');
    if (route.ifMatch === 'required') responses['428'] = problemResponse('If-Match is required');
    headers.push({ in: 'header', name: 'If-Match', required: route.ifMatch === 'required', description: 'The ETag (stream revision) the change is based on, e.g. "3".', schema: { type: 'string' } });
  }
  responses['500'] = problemResponse('Unexpected error');
  const requestParams = {
    ...(route.params ? { path: route.params } : {}),
    ...(route.query ? { query: route.query } : {}),
  };
  return {
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.tags === undefined ? {} : { tags: [...route.tags] }),
    ...(route.operationId === undefined ? {} : { operationId: route.operationId }),
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(Object.keys(requestParams).length > 0 ? { requestParams } : {}),
    ...(headers.length > 0 ? { parameters: headers } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
};
