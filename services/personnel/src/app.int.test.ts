import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import {
  createLogger,
  createSqliteIdempotencyStore,
  createTokenVerifier,
  openLocalIssuer,
  type LocalIssuer,
  type Role,
  type SqliteIdempotencyStore,
} from '@asn/service-kit';
import { expectProblem, http, type HttpClient } from '@asn/testing';
import { createApp } from './app';

let dataDir: string;
let store: SqliteEventStore;
let idempotency: SqliteIdempotencyStore;
let issuer: LocalIssuer;
let api: HttpClient;
const tokenFor = (role: string, audience = 'personnel') =>
  issuer.issue({ subject: `test-${role}`, roles: [role as Role], audience, ttl: '5m' });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'personnel-'));
  store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
  idempotency = createSqliteIdempotencyStore({ database: join(dataDir, 'personnel.idempotency.db') });
  issuer = await openLocalIssuer({ dataDir });
  const app = createApp({
    store,
    idempotency,
    logger: createLogger({ service: 'personnel', level: 'silent' }),
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'personnel', jwks: issuer.jwks }),
  });
  api = http(app, { tokenFor });
});

afterAll(async () => {
  idempotency.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('when the service runs on a real SQLite store', () => {
  it('answers /healthz', async () => {
    const res = await api.get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready once the store answers', async () => {
    const res = await api.get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { store: 'ok' } });
  });

  it('serves its OpenAPI document with the store head route', async () => {
    const res = await api.get('/openapi.json').expect(200);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'personnel' } });
    expect(Object.keys(res.body.paths as object)).toContain('/v1/store/head');
  });
});

describe('when a caller asks for the store head', () => {
  it('refuses a request without a token with 401', async () => {
    const res = await api.get('/v1/store/head');
    expectProblem(res, 401);
  });

  it('refuses a token minted for another service with 401', async () => {
    const res = await api.withToken(await tokenFor('auditor', 'evaluation')).get('/v1/store/head');
    expectProblem(res, 401);
  });

  it('refuses a role without access with 403', async () => {
    const res = await (await api.asRole('hr-staff')).get('/v1/store/head');
    expectProblem(res, 403);
  });

  it.each(['auditor', 'operator'])('gives the %s the head position of the empty store', async (role) => {
    const res = await (await api.asRole(role)).get('/v1/store/head').expect(200);
    expect(res.body).toEqual({ position: 0 });
  });
});

describe('when the store is closed', () => {
  it('reports not ready with 503', async () => {
    const closed = openSqliteEventStore({ path: join(dataDir, 'closed.db') });
    await closed.close();
    const app = createApp({
      store: closed,
      idempotency,
      logger: createLogger({ service: 'personnel', level: 'silent' }),
      auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'personnel', jwks: issuer.jwks }),
    });
    const res = await http(app).get('/readyz');
    expectProblem(res, 503);
  });
});
