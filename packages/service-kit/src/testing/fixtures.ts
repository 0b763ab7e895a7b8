import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrongExpectedRevisionError } from '@asn/event-store';
import { SignJWT, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { createServiceApp } from '../app';
import { openLocalIssuer, type LocalIssuer } from '../auth/localIssuer';
import { createTokenVerifier } from '../auth/verifier';
import { ConcurrencyError, HttpProblem, type ErrorMapper } from '../errors';
import { eventStoreErrorMapper } from '../eventStoreErrors';
import { setETag } from '../etag';
import { createSqliteIdempotencyStore, type SqliteIdempotencyStore } from '../idempotency/sqliteStore';
import { createLogger } from '../logger';
import { defineRoute } from '../routes';
import { limitParam } from '../validate';

export const AUDIENCE = 'personnel';

/** Log lines captured from pino, parsed. */
export const captureLogs = () => {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) }, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

/** Resolves when `condition` holds, polling on the event loop; fails after `timeoutMs`. */
export const eventually = async (condition: () => boolean, timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

export const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

export const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'service-kit-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** Signs arbitrary claims with the local issuer's private key, for the bad-token cases. */
export const signWithIssuerKey = async (dataDir: string, claims: Record<string, unknown>, header: { kid?: string } = {}, exp: number | string = '5m') => {
  const jwk = JSON.parse(readFileSync(join(dataDir, 'auth', 'local-issuer.private.jwk.json'), 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: header.kid ?? jwk.kid ?? '' }).setIssuedAt().setExpirationTime(exp).sign(key);
};

class TeapotError extends Error {}
const teapotMapper: ErrorMapper = (error) => (error instanceof TeapotError ? new HttpProblem(418, 'teapot', 'I am a teapot') : undefined);

export const EmployeeBody = z.strictObject({ name: z.string().min(1).max(100), unit: z.string().min(1).max(64) });
export const ListQuery = z.strictObject({ limit: limitParam({ max: 100 }), unit: z.string().max(64).optional() });
export const EmployeeParams = z.strictObject({ employeeId: z.uuid() });

export interface SampleApp {
  readonly app: ReturnType<typeof createServiceApp>;
  readonly issuer: LocalIssuer;
  readonly store: SqliteIdempotencyStore;
  readonly logs: ReturnType<typeof captureLogs>;
  readonly executions: { count: number };
  readonly gate: { current: ReturnType<typeof deferred> | undefined; entered: ReturnType<typeof deferred> };
  readonly ready: { store: boolean };
  token(roles: Parameters<LocalIssuer['issue']>[0]['roles'], subject?: string): Promise<string>;
}

/** A service built with the kit, on a real SQLite file and a local issuer in `dataDir`. */
export const sampleApp = async (dataDir: string): Promise<SampleApp> => {
  const issuer = await openLocalIssuer({ dataDir });
  const store = createSqliteIdempotencyStore({ database: join(dataDir, 'service.db') });
  const logs = captureLogs();
  const executions = { count: 0 };
  const gate: SampleApp['gate'] = { current: undefined, entered: deferred() };
  const ready = { store: true };
  let revision = 0;

  const routes = [
    defineRoute({
      method: 'get',
      path: '/employees',
      summary: 'List employees',
      access: ['hr-staff', 'auditor'],
      query: ListQuery,
      responses: { 200: { description: 'A page', schema: z.object({ limit: z.number() }) } },
      handler: ({ query }) => ({ status: 200, body: { limit: query.limit, unit: query.unit ?? null } }),
    }),
    defineRoute({
      method: 'post',
      path: '/employees',
      summary: 'Register an employee',
      access: ['hr-staff'],
      body: EmployeeBody,
      responses: { 201: { description: 'Registered' } },
      handler: async ({ body }) => {
        executions.count += 1;
        if (body.name === 'slow' && gate.current) {
          gate.entered.resolve();
          await gate.current.promise;
        }
        if (body.name === 'fail') throw new Error('store down');
        return { status: 201, body: { id: `e-${executions.count}`, name: body.name }, headers: { ETag: '"0"', Location: `/employees/e-${executions.count}` } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/employees/:employeeId',
      summary: 'Rename an employee',
      access: ['hr-staff'],
      params: EmployeeParams,
      body: EmployeeBody,
      ifMatch: 'required',
      responses: { 200: { description: 'Renamed' } },
      handler: ({ res, params, expectedRevision }) => {
        if (expectedRevision !== 'exists' && expectedRevision !== revision) throw new ConcurrencyError();
        revision += 1;
        setETag(res, revision);
        return { status: 200, body: { employeeId: params.employeeId, revision } };
      },
    }),
    defineRoute({ method: 'get', path: '/whoami', summary: 'Who am I', access: 'authenticated', responses: { 200: { description: 'The principal' } }, handler: ({ principal }) => ({ status: 200, body: principal }) }),
    defineRoute({
      method: 'get',
      path: '/boom',
      summary: 'Fails',
      access: 'public',
      responses: {},
      handler: () => {
        throw new Error('NIP 199001012020121001 of Sukarno is broken');
      },
    }),
    defineRoute({
      method: 'post',
      path: '/streams/:stream/append',
      summary: 'Append conflicting',
      access: 'public',
      idempotent: false,
      params: z.strictObject({ stream: z.string().max(64) }),
      responses: {},
      handler: ({ params }) => {
        throw new WrongExpectedRevisionError(params.stream, 3, 4);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/feedback',
      summary: 'Anonymous feedback, answered with a ticket capability',
      access: 'public',
      body: z.strictObject({ message: z.string().min(1).max(500) }),
      responses: { 201: { description: 'Filed' } },
      handler: () => {
        executions.count += 1;
        return { status: 201, body: { ticket: `ticket-${executions.count}`, token: `capability-${executions.count}` } };
      },
    }),
    defineRoute({ method: 'get', path: '/ip', summary: 'The client address as seen', access: 'public', responses: { 200: { description: 'req.ip' } }, handler: ({ req }) => ({ status: 200, body: { ip: req.ip ?? null } }) }),
    defineRoute({
      method: 'get',
      path: '/teapot',
      summary: 'Mapped by a custom mapper',
      access: 'public',
      responses: {},
      handler: () => {
        throw new TeapotError('short and stout');
      },
    }),
  ];

  const app = createServiceApp({
    service: { name: 'sample', version: '1.0.0' },
    logger: createLogger({ service: 'sample', level: 'debug', destination: logs.destination }),
    routes,
    readiness: [
      { name: 'store', check: () => { if (!ready.store) throw new Error('SQLITE_CANTOPEN /secret/path'); } },
      { name: 'bus', check: () => undefined },
    ],
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwks: issuer.jwks }),
    idempotency: store,
    errorMappers: [eventStoreErrorMapper, teapotMapper],
    trustProxyHops: 1,
  });
  return {
    app,
    issuer,
    store,
    logs,
    executions,
    gate,
    ready,
    token: (roles, subject = 'alice') => issuer.issue({ subject, roles, audience: AUDIENCE, ttl: '5m', unit: 'dinas-kesehatan' }),
  };
};
