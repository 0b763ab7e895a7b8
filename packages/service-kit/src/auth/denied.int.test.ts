import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { z } from 'zod';
import { createServiceApp } from '../app';
import { createLogger } from '../logger';
import { defineRoute, type Denial } from '../routes';
import { AUDIENCE, tempDir } from '../testing/fixtures';
import { openLocalIssuer, type LocalIssuer } from './localIssuer';
import { createTokenVerifier } from './verifier';

// An audited route (a read of personal data, an export, a replay) tells the app of each caller it refuses for their
// role, so that the audit trail records denied attempts too (QUALITY.md); other refusals are not such accesses.

const EMPLOYEE = '0190a6e4-7a3c-7cc0-8b5e-1d2f3a4b5c6d';
let dir: ReturnType<typeof tempDir>;
let issuer: LocalIssuer;
let app: ReturnType<typeof createServiceApp>;
const denials: Denial[] = [];
const token = (roles: Parameters<LocalIssuer['issue']>[0]['roles'], subject = 'bob') => issuer.issue({ subject, roles, audience: AUDIENCE, ttl: '5m' });

beforeAll(async () => {
  dir = tempDir();
  issuer = await openLocalIssuer({ dataDir: dir.dir });
  const ok = () => ({ status: 200, body: {} });
  app = createServiceApp({
    service: { name: 'sample', version: '1.0.0' },
    logger: createLogger({ service: 'sample', level: 'silent' }),
    routes: [
      defineRoute({ method: 'get', path: '/timelines/:employeeId', summary: 'A timeline', access: ['auditor'], params: z.strictObject({ employeeId: z.uuid() }), audited: { action: 'read-timeline', subjects: (p) => [p.employeeId] }, responses: { 200: { description: 'It' } }, handler: ok }),
      defineRoute({ method: 'get', path: '/units', summary: 'The units', access: ['auditor'], responses: { 200: { description: 'Them' } }, handler: ok }),
    ],
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwks: issuer.jwks }),
    onDenied: (denial) => denials.push(denial),
  });
});
afterAll(() => dir.remove());

describe('a caller refused for their role', () => {
  it('is told to the app with who, their roles, the action, whose data and the request id, then answered 403', async () => {
    denials.length = 0;
    const res = await request(app).get(`/timelines/${EMPLOYEE}`).set('Authorization', `Bearer ${await token(['evaluator', 'training-officer'])}`);
    expect(res.status).toBe(403);
    expect(denials).toEqual([{ subject: 'bob', roles: ['evaluator', 'training-officer'], action: 'read-timeline', subjects: [EMPLOYEE], correlationId: res.headers['x-request-id'] }]);
  });

  it('names no data subject when the path does not hold a valid id', async () => {
    denials.length = 0;
    await request(app).get('/timelines/not-an-id').set('Authorization', `Bearer ${await token(['evaluator'])}`).expect(403);
    expect(denials).toEqual([expect.objectContaining({ action: 'read-timeline', subjects: [] })]);
  });

  it('is not told when the route is not audited, when the role is allowed, or without a valid token (401)', async () => {
    denials.length = 0;
    await request(app).get('/units').set('Authorization', `Bearer ${await token(['evaluator'])}`).expect(403);
    await request(app).get(`/timelines/${EMPLOYEE}`).set('Authorization', `Bearer ${await token(['auditor'])}`).expect(200);
    await request(app).get(`/timelines/${EMPLOYEE}`).expect(401);
    await request(app).get(`/timelines/${EMPLOYEE}`).set('Authorization', 'Bearer nonsense').expect(401);
    expect(denials).toEqual([]);
  });
});
