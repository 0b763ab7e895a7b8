import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createServiceApp } from './app';
import { createLogger } from './logger';
import { defineRoute } from './routes';
import { captureLogs, deferred, eventually, sampleApp, tempDir, type SampleApp } from './testing/fixtures';

const PROBLEM = /^application\/problem\+json/;
const UUID = '0190a6e4-7a3c-7cc0-8b5e-1d2f3a4b5c6d';

let dir: ReturnType<typeof tempDir>;
let s: SampleApp;
let hrStaff: string;
beforeAll(async () => {
  dir = tempDir();
  s = await sampleApp(dir.dir);
  hrStaff = await s.token(['hr-staff']);
});
afterAll(() => {
  s.store.close();
  dir.remove();
});

const post = (body: unknown, key?: string) => {
  const r = request(s.app).post('/employees').set('Authorization', `Bearer ${hrStaff}`);
  if (key !== undefined) r.set('Idempotency-Key', key);
  return r.send(body as object);
};

describe('when a request is unexpected', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const res = await request(s.app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ type: 'urn:asn:problem:not-found', title: 'Not found', status: 404, instance: '/nope' });
  });

  it('answers an unexpected error with a bare 500 that leaks neither message nor stack', async () => {
    const res = await request(s.app).get('/boom');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.text).not.toMatch(/NIP|Sukarno|1990010120|at |\.ts/);
    await eventually(() => s.logs.lines.some((l) => l.includes('unhandled error')));
    expect(s.logs.lines.join('\n')).not.toMatch(/Sukarno|199001012020121001/);
  });

  it('maps foreign errors with the given mappers', async () => {
    const res = await request(s.app).get('/teapot');
    expect(res.status).toBe(418);
    expect(res.body.type).toBe('urn:asn:problem:teapot');
  });
});

describe('when the body is not acceptable JSON', () => {
  it('refuses a body without Content-Type with 415', async () => {
    const res = await request(s.app).post('/employees').set('Authorization', `Bearer ${hrStaff}`).set('Idempotency-Key', 'k-ct-1')
      .set('Content-Type', '').send(Buffer.from('{"name":"a","unit":"u"}'));
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('refuses text/plain and form bodies with 415', async () => {
    const plain = await post('{"name":"a","unit":"u"}', 'k-ct-2').set('Content-Type', 'text/plain');
    const form = await post('name=a&unit=u', 'k-ct-3').set('Content-Type', 'application/x-www-form-urlencoded');
    expect([plain.status, form.status]).toEqual([415, 415]);
    expect(s.executions.count).toBe(0);
  });

  it('refuses malformed JSON with 400 without quoting it', async () => {
    const res = await post('{"name": "Ni Luh Putu Ayu", ', 'k-json').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('The request body is not valid JSON.');
    expect(res.text).not.toContain('Ni Luh');
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const res = await post({ name: 'x'.repeat(70 * 1024), unit: 'u' }, 'k-big');
    expect(res.status).toBe(413);
    expect(res.body.type).toBe('urn:asn:problem:payload-too-large');
  });

  it('applies the limit after gzip decompression', async () => {
    const inflated = JSON.stringify({ name: 'a', unit: 'u'.repeat(1024 * 1024) });
    const zipped = gzipSync(inflated);
    expect(zipped.length).toBeLessThan(8 * 1024);
    const res = await post(zipped, 'k-gzip').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').serialize((b) => b);
    expect(res.status).toBe(413);
  });

  it('refuses a corrupt gzip body with 400', async () => {
    const res = await post(Buffer.from('not gzip at all'), 'k-gzip-bad').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').serialize((b) => b);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('refuses an unknown Content-Encoding with 415', async () => {
    const res = await post('{}', 'k-enc').set('Content-Type', 'application/json').set('Content-Encoding', 'zstd-fancy');
    expect(res.status).toBe(415);
  });

  it('refuses deep nesting with 400', async () => {
    const deep = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
    const res = await post(deep, 'k-deep').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.issues[0].code).toBe('too_deep');
  });
});

describe('when the body does not match its schema', () => {
  it('refuses an extra key and names it, without echoing values', async () => {
    const res = await post({ name: 'I Gede', unit: 'u', isAdmin: true }, 'k-extra');
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ in: 'body', path: 'isAdmin', code: 'unrecognized_key', message: 'Unknown key.' }]);
    expect(res.text).not.toContain('I Gede');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key at the top level', async (key) => {
    const res = await post(`{"name":"a","unit":"u","${key}":{"isAdmin":true}}`, `k-proto-${key}`).set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'body', path: key, code: 'forbidden_key' });
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('refuses a __proto__ key nested inside a value', async () => {
    const res = await post('{"name":"a","unit":{"__proto__":{"x":1}}}', 'k-proto-nested').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('unit.__proto__');
  });

  it('lists every issue by path', async () => {
    const res = await post({ name: '', unit: 42 }, 'k-issues');
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['name', 'unit']);
    expect(s.executions.count).toBe(0);
  });
});

describe('when a list is queried', () => {
  const list = (qs: string) => request(s.app).get(`/employees${qs}`).set('Authorization', `Bearer ${hrStaff}`);

  it('clamps a huge limit to the maximum', async () => {
    const res = await list('?limit=1000000');
    expect(res.status).toBe(200);
    expect(res.body.limit).toBe(100);
  });

  it.each(['-5', '0', 'abc', '1.5', 'Infinity'])('refuses limit=%s with 400', async (limit) => {
    const res = await list(`?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'query', path: 'limit' });
  });

  it('refuses unknown and __proto__ query keys', async () => {
    const unknown = await list('?limit=5&role=hr-approver');
    const proto = await list('?__proto__=x');
    expect([unknown.status, proto.status]).toEqual([400, 400]);
  });

  it('uses the default limit when none is given', async () => {
    const res = await list('');
    expect(res.body.limit).toBe(20);
  });
});

describe('when path ids are not ids', () => {
  it('refuses a non-uuid id with 400', async () => {
    const res = await request(s.app).put('/employees/123').set('Authorization', `Bearer ${hrStaff}`).set('If-Match', '"0"').send({ name: 'a', unit: 'u' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'params', path: 'employeeId' });
  });
});

describe('ETag and If-Match', () => {
  const put = (ifMatch?: string) => {
    const r = request(s.app).put(`/employees/${UUID}`).set('Authorization', `Bearer ${hrStaff}`);
    if (ifMatch !== undefined) r.set('If-Match', ifMatch);
    return r.send({ name: 'Muh.', unit: 'u' });
  };

  it('requires If-Match where the service asks for it (428)', async () => {
    const res = await put();
    expect(res.status).toBe(428);
  });

  it.each(['0', 'W/"0"', '"abc"', '"1", "2"', '"-1"', '"99999999999999999999"'])('refuses a malformed If-Match %s with 400', async (value) => {
    const res = await put(value);
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'header', path: 'if-match' });
  });

  it('accepts the current revision, returns the next ETag, and refuses the stale one with 412', async () => {
    const first = await put('"0"');
    expect(first.status).toBe(200);
    expect(first.headers['etag']).toBe('"1"');
    const stale = await put('"0"');
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe('urn:asn:problem:concurrency');
  });

  it('maps a store conflict to 412 with If-Match and to 409 without', async () => {
    const withIfMatch = await request(s.app).post('/streams/employee-1/append').set('If-Match', '"3"');
    const without = await request(s.app).post('/streams/employee-1/append');
    expect([withIfMatch.status, without.status]).toEqual([412, 409]);
  });
});

describe('Idempotency-Key on command POSTs', () => {
  it('requires the key', async () => {
    const res = await post({ name: 'a', unit: 'u' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'header', path: 'idempotency-key', code: 'missing' });
  });

  it('replays the stored response to a retry with the same body, executing once', async () => {
    const before = s.executions.count;
    const first = await post({ name: 'Sukarno', unit: 'u' }, 'replay-1');
    const retry = await post({ unit: 'u', name: 'Sukarno' }, 'replay-1');
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(s.executions.count).toBe(before + 1);
  });

  it('refuses the same key with a different body with 422, executing nothing', async () => {
    await post({ name: 'a', unit: 'u' }, 'mismatch-1');
    const before = s.executions.count;
    const res = await post({ name: 'b', unit: 'u' }, 'mismatch-1');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(s.executions.count).toBe(before);
  });

  it('refuses the same key while the first request is in flight with 409', async () => {
    s.gate.current = deferred();
    s.gate.entered = deferred();
    const first = post({ name: 'slow', unit: 'u' }, 'inflight-1').then((r) => r);
    await s.gate.entered.promise;
    const before = s.executions.count;
    const second = await post({ name: 'slow', unit: 'u' }, 'inflight-1');
    expect(second.status).toBe(409);
    expect(second.body.type).toBe('urn:asn:problem:idempotency-in-flight');
    expect(s.executions.count).toBe(before);
    s.gate.current.resolve();
    expect((await first).status).toBe(201);
    s.gate.current = undefined;
  });

  it('scopes keys by principal: another caller with the same key is a different request', async () => {
    const other = await s.token(['hr-staff'], 'bob');
    const mine = await post({ name: 'a', unit: 'u' }, 'shared-key');
    const theirs = await request(s.app).post('/employees').set('Authorization', `Bearer ${other}`).set('Idempotency-Key', 'shared-key').send({ name: 'b', unit: 'u' });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('scopes anonymous callers by client: the same key and body from another client executes again', async () => {
    const feedback = (client: string, message: string) =>
      request(s.app).post('/feedback').set('X-Forwarded-For', client).set('Idempotency-Key', 'anon-1').send({ message });
    const before = s.executions.count;
    const mine = await feedback('203.0.113.7', 'the queue is too long');
    const theirs = await feedback('198.51.100.23', 'the queue is too long');
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.token).not.toBe(mine.body.token);
    expect(s.executions.count).toBe(before + 2);

    const retry = await feedback('203.0.113.7', 'the queue is too long');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(mine.body);
    const otherBody = await feedback('192.0.2.99', 'something else');
    expect(otherBody.status).toBe(201);
    expect(s.executions.count).toBe(before + 3);

    const db = new Database(join(dir.dir, 'service.db'), { readonly: true });
    try {
      const scopes = db.prepare<[], { scope: string }>("SELECT scope FROM idempotency_keys WHERE key = 'anon-1'").all().map((r) => r.scope);
      expect(new Set(scopes).size).toBe(3);
      expect(scopes.join('\n')).not.toMatch(/203\.0\.113|198\.51\.100|192\.0\.2/);
    } finally {
      db.close();
    }
  });

  it('releases the key when the handler fails, so the retry runs', async () => {
    const failed = await post({ name: 'fail', unit: 'u' }, 'fail-1');
    expect(failed.status).toBe(500);
    const before = s.executions.count;
    const retry = await post({ name: 'fail', unit: 'u' }, 'fail-1');
    expect(retry.status).toBe(500);
    expect(s.executions.count).toBe(before + 1);
  });
});

describe('health', () => {
  it('answers /healthz without a token', async () => {
    const res = await request(s.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with every check', async () => {
    const res = await request(s.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ store: 'ok', bus: 'ok' });
  });

  it('answers 503 naming the failed check, without its error text', async () => {
    s.ready.store = false;
    try {
      const res = await request(s.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.checks).toEqual({ store: 'failed', bus: 'ok' });
      expect(res.text).not.toContain('SQLITE_CANTOPEN');
    } finally {
      s.ready.store = true;
    }
  });
});

describe('request ids and proxies', () => {
  it('echoes a sane X-Request-Id and uses it in problems', async () => {
    const res = await request(s.app).get('/nope').set('X-Request-Id', 'req-123');
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.body.requestId).toBe('req-123');
  });

  it('replaces an unsafe X-Request-Id with a generated one', async () => {
    const res = await request(s.app).get('/healthz').set('X-Request-Id', 'x'.repeat(500));
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes the client address from X-Forwarded-For behind the configured proxy hop', async () => {
    const res = await request(s.app).get('/ip').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body).toEqual({ ip: '203.0.113.7' });
  });

  it('ignores X-Forwarded-For without proxy hops', async () => {
    const direct = createServiceApp({
      service: { name: 'direct', version: '1.0.0' },
      logger: createLogger({ service: 'direct', destination: captureLogs().destination }),
      routes: [defineRoute({ method: 'get', path: '/ip', summary: 'ip', access: 'public', responses: {}, handler: ({ req }) => ({ status: 200, body: { ip: req.ip ?? null } }) })],
    });
    const res = await request(direct).get('/ip').set('X-Forwarded-For', '203.0.113.7');
    expect(res.status).toBe(200);
    expect(res.body.ip).not.toBe('203.0.113.7');
    expect(res.body.ip).toMatch(/127\.0\.0\.1$|^::1$/);
  });
});

describe('when a route answers with text of its own type', () => {
  const textApp = () =>
    createServiceApp({
      service: { name: 'text', version: '1.0.0' },
      logger: createLogger({ service: 'text', destination: captureLogs().destination }),
      routes: [
        defineRoute({ method: 'get', path: '/csv', summary: 'csv', access: 'public', responses: {}, handler: () => ({ status: 200, body: 'a,b\r\n"x ""y""",1\r\n', headers: { 'Content-Type': 'text/csv; header=present' } }) }),
        defineRoute({ method: 'get', path: '/string', summary: 'string', access: 'public', responses: {}, handler: () => ({ status: 200, body: 'plain' }) }),
      ],
    });

  it('sends a string body under its own Content-Type as it is', async () => {
    const res = await request(textApp()).get('/csv').buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; header=present/);
    expect(res.text).toBe('a,b\r\n"x ""y""",1\r\n');
  });

  it('still sends a string body without a Content-Type of its own as JSON', async () => {
    const res = await request(textApp()).get('/string');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe('"plain"');
  });
});

describe('OpenAPI', () => {
  it('documents the routes from their validation schemas', async () => {
    const res = await request(s.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const post = res.body.paths['/employees'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '422']));
    expect(post.parameters).toEqual([expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: true })]);
    const put = res.body.paths['/employees/{employeeId}'].put;
    expect(put.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual(['header:If-Match', 'path:employeeId']);
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['412', '428']));
    const list = res.body.paths['/employees'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'unit']);
  });
});

describe('logs', () => {
  it('record method, route pattern, status, duration and request id, but no body, query or token', async () => {
    const secret = 'Ni Luh Putu Ayu Secret';
    await request(s.app).get(`/employees?unit=${encodeURIComponent(secret)}&limit=3`).set('Authorization', `Bearer ${hrStaff}`).set('X-Request-Id', 'log-1');
    await post({ name: secret, unit: 'u' }, 'log-2').set('X-Request-Id', 'log-2');
    await request(s.app).put(`/employees/${UUID}`).set('Authorization', `Bearer ${hrStaff}`).set('X-Request-Id', 'log-3').send({ name: secret, unit: 'u' });
    await eventually(() => ['log-1', 'log-2', 'log-3'].every((id) => s.logs.lines.some((l) => l.includes(`"requestId":"${id}"`))));
    const all = s.logs.lines.join('\n');
    expect(all).not.toContain('Ni Luh');
    expect(all).not.toContain('Secret');
    expect(all).not.toContain(hrStaff);
    expect(all).not.toContain(UUID);
    const byId = (id: string) => s.logs.records().find((r) => r['requestId'] === id);
    expect(byId('log-1')).toMatchObject({ method: 'GET', route: '/employees', status: 200, msg: 'request completed', service: 'sample' });
    expect(typeof byId('log-1')?.['durationMs']).toBe('number');
    expect(byId('log-3')).toMatchObject({ route: '/employees/:employeeId', status: 428 });
  });
});
