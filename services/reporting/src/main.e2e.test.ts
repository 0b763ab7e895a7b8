import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { appointEmployee, establishUnit } from '@asn/org-chart/testing';
import { openLocalIssuer } from '@asn/service-kit';
import { startServiceProcess, waitUntil, type ServiceProcess } from '@asn/testing';

// The reporting service as operators run it: its own process on the store file personnel writes, reading the
// personnel topic through the local bus, with its digest key created in DATA_DIR.

let dataDir: string;
let logs = '';
let service: ServiceProcess | undefined;
let token = '';
let employeeId = '';

const call = async (method: string, path: string) => {
  const res = await fetch(`${service?.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'POST' ? { 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` } : {}),
    },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'reporting-e2e-'));
  const issuer = await openLocalIssuer({ dataDir });
  token = await issuer.issue({ subject: 'auditor-1', roles: ['auditor'], audience: 'reporting', ttl: '15m' });
  const store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
  employeeId = await appointEmployee(store, await establishUnit(store, undefined, 'Dinas Pendidikan'), {
    tmt: '2015-03-01',
  });
  await store.close();
});

afterAll(async () => {
  if (service && service.child.exitCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the reporting service as a process', () => {
  it('answers health, readiness and its OpenAPI document, creates its digest key, and stops cleanly on SIGTERM', async () => {
    service = await startServiceProcess('reporting', { DATA_DIR: dataDir }, (line) => {
      logs += line;
    }).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}:\n${logs}`);
    });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    await waitUntil('the service is ready', async () => (await fetch(`${service?.url}/readyz`)).status === 200, 20_000);

    const openapi = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/employees/{employeeId}/timeline',
        '/v1/employees/{employeeId}/record',
        '/v1/roster',
        '/v1/digests',
        '/v1/digests/public-key',
        '/v1/digests/{digestId}',
        '/v1/audit/personal-data-access',
      ]),
    );

    const keyFile = join(dataDir, 'digest-signing.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${keyFile}.pub`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(logs).toContain('created the digest signing key');

    await waitUntil(
      'the career is read',
      async () => (await call('GET', `/v1/employees/${employeeId}/timeline`)).status === 200,
    );
    expect((await call('GET', `/v1/employees/${employeeId}/record?asOf=2021-03-01`)).body).toMatchObject({
      employeeId,
      status: 'active',
      unit: { name: 'Dinas Pendidikan' },
    });
    const made = await call('POST', '/v1/digests');
    expect(made.status).toBe(201);
    expect(existsSync(join(dataDir, 'digests', `${String(made.body.digestId)}.json`))).toBe(true);
    // The default schedule is daily: only the digest asked for is kept.
    expect(readdirSync(join(dataDir, 'digests'))).toHaveLength(1);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
