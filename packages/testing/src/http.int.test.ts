import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { expectProblem, http } from './http';

// A bare request listener stands in for an express app: it echoes auth and answers problems on demand.
const app = (req: IncomingMessage, res: ServerResponse): void => {
  const url = new URL(req.url ?? '/', 'http://test');
  const reply = (status: number, type: string, body: unknown) => {
    res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case '/whoami':
      return reply(200, 'application/json', {
        method: req.method,
        authorization: req.headers.authorization ?? null,
        idempotencyKey: req.headers['idempotency-key'] ?? null,
      });
    case '/problem':
      return reply(409, 'application/problem+json; charset=utf-8', {
        type: 'https://asn.example/problems/invalid-state',
        title: 'Invalid state',
        status: 409,
        detail: 'the employee is dismissed',
        revision: 4,
      });
    case '/plain-error':
      return reply(409, 'application/json', { type: 'about:blank', title: 'Conflict', status: 409 });
    case '/wrong-status-member':
      return reply(409, 'application/problem+json', { type: 'about:blank', title: 'Conflict', status: 500 });
    default:
      return reply(404, 'application/problem+json', { type: 'about:blank', title: 'Not Found', status: 404 });
  }
};

describe('http', () => {
  it('sends no token for an anonymous client', async () => {
    const res = await http(app).get('/whoami').expect(200);
    expect(res.body).toMatchObject({ authorization: null });
  });

  it('sends a bearer token minted for a role', async () => {
    const staff = await http(app, { tokenFor: async (role) => `token-for-${role}` }).asRole('hr-staff');
    const res = await staff.post('/whoami').send({}).expect(200);
    expect(res.body).toMatchObject({ method: 'POST', authorization: 'Bearer token-for-hr-staff' });
  });

  it('adds headers without losing the token', async () => {
    const res = await http(app).withToken('t').withHeaders({ 'Idempotency-Key': 'k1' }).patch('/whoami').expect(200);
    expect(res.body).toEqual({ method: 'PATCH', authorization: 'Bearer t', idempotencyKey: 'k1' });
  });

  it('refuses asRole without a way to mint tokens', async () => {
    await expect(http(app).asRole('auditor')).rejects.toThrow(/tokenFor/);
  });
});

describe('expectProblem', () => {
  it('accepts a problem+json response and returns the problem', async () => {
    const problem = expectProblem(await http(app).get('/problem'), 409, { title: 'Invalid state' });
    expect(problem.revision).toBe(4);
  });

  it('fails on another status', async () => {
    const res = await http(app).get('/problem');
    expect(() => expectProblem(res, 412)).toThrow();
  });

  it('fails on plain JSON', async () => {
    const res = await http(app).get('/plain-error');
    expect(() => expectProblem(res, 409)).toThrow(/problem\\\+json/);
  });

  it('fails when the status member disagrees with the response', async () => {
    const res = await http(app).get('/wrong-status-member');
    expect(() => expectProblem(res, 409)).toThrow();
  });

  it('fails when an expected member differs', async () => {
    const res = await http(app).get('/missing');
    expectProblem(res, 404);
    expect(() => expectProblem(res, 404, { title: 'Gone' })).toThrow();
  });
});
