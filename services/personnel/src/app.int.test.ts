import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { createMemoryKeyStore, openSqliteAuditLog } from '@asn/privacy';
import { createLogger, createMemoryIdempotencyStore, createTokenVerifier, openLocalIssuer } from '@asn/service-kit';
import { expectProblem, http } from '@asn/testing';
import { createApp } from './app';
import { DEFAULT_RULES } from './rules/rules';
import { startPersonnelHarness, type PersonnelHarness } from './testing/personnelHarness';

let h: PersonnelHarness;

beforeAll(async () => {
  h = await startPersonnelHarness();
});

afterAll(async () => {
  await h.close();
});

describe('when the service runs on a real SQLite store', () => {
  it('answers /healthz', async () => {
    const res = await h.api.get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready once the store answers and the read models caught up', async () => {
    const res = await h.api.get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { store: 'ok', 'read model': 'ok', appraisals: 'ok' } });
  });

  it('serves its OpenAPI document with every route', async () => {
    const res = await h.api.get('/openapi.json').expect(200);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'personnel' } });
    expect(Object.keys(res.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/v1/employees',
        '/v1/employees/{employeeId}',
        '/v1/employees/{employeeId}/proposals',
        '/v1/employees/{employeeId}/proposals/{decisionId}/approval',
        '/v1/employees/{employeeId}/history',
        '/v1/employees/lookup',
        '/v1/units',
        '/v1/proposals',
        '/v1/eligibility/promotions',
        '/v1/retirements',
        '/v1/store/head',
      ]),
    );
  });
});

describe('when a caller asks for the store head', () => {
  it('refuses a request without a token with 401', async () => {
    expectProblem(await h.api.get('/v1/store/head'), 401);
  });

  it('refuses a role without access with 403', async () => {
    expectProblem(await (await h.as('hr-staff')).get('/v1/store/head'), 403);
  });

  it.each(['auditor', 'operator'] as const)('gives the %s the head position', async (role) => {
    const res = await (await h.as(role)).get('/v1/store/head').expect(200);
    expect(res.body).toEqual({ position: await h.store.headPosition() });
  });
});

describe('when the store is closed', () => {
  it('reports not ready with 503', async () => {
    const closed = openSqliteEventStore({ path: join(h.dataDir, 'closed.db') });
    await closed.close();
    const issuer = await openLocalIssuer({ dataDir: h.dataDir });
    const audit = openSqliteAuditLog({ path: join(h.dataDir, 'closed.audit.db') });
    const personnel = createApp({
      store: closed,
      idempotency: createMemoryIdempotencyStore(),
      keys: createMemoryKeyStore(),
      audit,
      nipIndexKey: Buffer.alloc(32, 1),
      rules: DEFAULT_RULES,
      logger: createLogger({ service: 'personnel', level: 'silent' }),
      auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'personnel', jwks: issuer.jwks }),
    });
    expectProblem(await http(personnel.app).get('/readyz'), 503);
    await personnel.stop().catch(() => undefined);
    audit.close();
  });
});
