import { statSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import request from 'supertest';
import { openLocalIssuer } from './localIssuer';
import { createTokenVerifier } from './verifier';
import { AUDIENCE, sampleApp, signWithIssuerKey, tempDir, type SampleApp } from '../testing/fixtures';

let dir: ReturnType<typeof tempDir>;
let s: SampleApp;
beforeAll(async () => {
  dir = tempDir();
  s = await sampleApp(dir.dir);
});
afterAll(() => {
  s.store.close();
  dir.remove();
});

const whoami = (token?: string) => {
  const r = request(s.app).get('/whoami');
  return token === undefined ? r : r.set('Authorization', `Bearer ${token}`);
};
const good = { roles: ['hr-staff'], sub: 'alice', iss: 'urn:asn-ledger:local-issuer', aud: AUDIENCE };

describe('when the token is valid', () => {
  it('exposes subject, known roles and unit from the claims', async () => {
    const res = await whoami(await s.token(['hr-staff', 'auditor']));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'alice', roles: ['hr-staff', 'auditor'], unit: 'dinas-kesehatan' });
  });

  it('ignores role names it does not know', async () => {
    const token = await signWithIssuerKey(dir.dir, { ...good, roles: ['hr-staff', 'superuser'] });
    const res = await whoami(token);
    expect(res.body.roles).toEqual(['hr-staff']);
  });
});

describe('when the token is not acceptable', () => {
  const cases: [string, () => Promise<string | undefined>][] = [
    ['missing', async () => undefined],
    ['not a JWT', async () => 'abc.def'],
    ['alg none', async () => `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ ...good, exp: Math.floor(Date.now() / 1000) + 300 }))}.`],
    ['a wrong algorithm (HS256 with the public key as secret)', async () => {
      const publicJwk = s.issuer.jwks.keys[0];
      return new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: publicJwk?.kid ?? '' }).setExpirationTime('5m').sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    }],
    ['expired', async () => signWithIssuerKey(dir.dir, good, {}, Math.floor(Date.now() / 1000) - 60)],
    ['not yet valid', async () => {
      const jwk = JSON.parse(readFileSync(join(dir.dir, 'auth', 'local-issuer.private.jwk.json'), 'utf8'));
      const { importJWK } = await import('jose');
      return new SignJWT(good).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).setNotBefore('10m').setExpirationTime('20m').sign(await importJWK(jwk, 'ES256'));
    }],
    ['from another issuer', async () => signWithIssuerKey(dir.dir, { ...good, iss: 'https://evil.example' })],
    ['for another service (audience)', async () => signWithIssuerKey(dir.dir, { ...good, aud: 'reporting' })],
    ['with an unknown key id', async () => signWithIssuerKey(dir.dir, good, { kid: 'unknown-kid' })],
    ['signed by another key with the right key id', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT(good).setProtectedHeader({ alg: 'ES256', kid: s.issuer.jwks.keys[0]?.kid ?? '' }).setExpirationTime('5m').sign(privateKey);
    }],
    ['without exp', async () => {
      const jwk = JSON.parse(readFileSync(join(dir.dir, 'auth', 'local-issuer.private.jwk.json'), 'utf8'));
      const { importJWK } = await import('jose');
      return new SignJWT(good).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).sign(await importJWK(jwk, 'ES256'));
    }],
  ];

  it.each(cases)('answers 401 when the token is %s', async (_name, make) => {
    const res = await whoami(await make());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.type).toBe('urn:asn:problem:unauthorized');
  });

  it('answers 401 to a Basic authorization header', async () => {
    const res = await request(s.app).get('/whoami').set('Authorization', 'Basic YWxpY2U6c2VjcmV0');
    expect(res.status).toBe(401);
  });
});

describe('when the role does not allow the action', () => {
  it('answers 403 to an evaluator registering an employee', async () => {
    const res = await request(s.app).post('/employees').set('Authorization', `Bearer ${await s.token(['evaluator'])}`).set('Idempotency-Key', 'k1').send({ name: 'a', unit: 'u' });
    expect(res.status).toBe(403);
    expect(s.executions.count).toBe(0);
  });

  it('never takes roles from headers or the body', async () => {
    const res = await request(s.app).post('/employees').set('Authorization', `Bearer ${await s.token(['auditor'])}`).set('X-Roles', 'hr-staff').set('Idempotency-Key', 'k2').send({ name: 'a', unit: 'u', roles: ['hr-staff'] });
    expect(res.status).toBe(403);
  });

  it('lets an auditor read the list', async () => {
    const res = await request(s.app).get('/employees').set('Authorization', `Bearer ${await s.token(['auditor'])}`);
    expect(res.status).toBe(200);
  });
});

describe('the local issuer', () => {
  it('keeps its private key in a 0600 file inside a 0700 directory', () => {
    expect(statSync(join(dir.dir, 'auth', 'local-issuer.private.jwk.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.dir, 'auth')).mode & 0o777).toBe(0o700);
  });

  it('publishes only public keys', () => {
    expect(s.issuer.jwks.keys).toHaveLength(1);
    expect(s.issuer.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('reuses the same key pair when opened again', async () => {
    const again = await openLocalIssuer({ dataDir: dir.dir });
    expect(again.jwks).toEqual(s.issuer.jwks);
    const verify = createTokenVerifier({ issuer: again.issuer, audience: AUDIENCE, jwks: s.issuer.jwks });
    await expect(verify(await again.issue({ subject: 'bob', roles: ['operator'], audience: AUDIENCE, ttl: '1m' }))).resolves.toEqual({ subject: 'bob', roles: ['operator'] });
  });

  it('keeps one key when many processes start at once', async () => {
    const fresh = tempDir();
    try {
      const issuers = await Promise.all(Array.from({ length: 8 }, () => openLocalIssuer({ dataDir: fresh.dir })));
      expect(new Set(issuers.map((i) => i.jwks.keys[0]?.kid)).size).toBe(1);
    } finally {
      fresh.remove();
    }
  });

  it('refuses a key file readable by others', async () => {
    const fresh = tempDir();
    try {
      await openLocalIssuer({ dataDir: fresh.dir });
      chmodSync(join(fresh.dir, 'auth', 'local-issuer.private.jwk.json'), 0o644);
      await expect(openLocalIssuer({ dataDir: fresh.dir })).rejects.toThrow(/chmod 600/);
    } finally {
      fresh.remove();
    }
  });

  it('verifies with keys read from a JWKS file', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const fresh = tempDir();
    try {
      const file = join(fresh.dir, 'jwks.json');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
      const verify = createTokenVerifier({ issuer: 'https://idp', audience: 'svc', jwks: { file } });
      const token = await new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('https://idp').setAudience('svc').setSubject('carol').setExpirationTime('1m').sign(privateKey);
      await expect(verify(token)).resolves.toEqual({ subject: 'carol', roles: ['auditor'] });
    } finally {
      fresh.remove();
    }
  });
});

describe('when a verified token is used again', () => {
  it('is answered from memory until it expires, and refused after', async () => {
    let clock = Date.now();
    const verify = createTokenVerifier({ issuer: s.issuer.issuer, audience: AUDIENCE, jwks: s.issuer.jwks, clockToleranceSeconds: 0, now: () => clock });
    const exp = Math.floor(clock / 1000) + 2;
    const token = await signWithIssuerKey(dir.dir, good, {}, exp);
    expect(await verify(token)).toEqual({ subject: 'alice', roles: ['hr-staff'] });
    expect(await verify(token)).toEqual({ subject: 'alice', roles: ['hr-staff'] });
    clock = exp * 1000 + 1; // past its expiry: the remembered verification must not be reused
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
  });
});
