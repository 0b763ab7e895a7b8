import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { openLocalIssuer } from '@asn/service-kit';
import { startServiceProcess, waitUntil, type ServiceProcess } from '@asn/testing';
import { appointEmployee, establishUnit, identifyNeed, programmeBody } from './testing/trainingHarness';

// The training service as operators run it: its own process on the store file that personnel and
// evaluation write, reading their events through the local bus.

let dataDir: string;
let logs = '';
let service: ServiceProcess | undefined;
let token = '';

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${service?.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'training-e2e-'));
  const issuer = await openLocalIssuer({ dataDir });
  token = await issuer.issue({ subject: 'officer-1', roles: ['training-officer'], audience: 'training', ttl: '15m' });
});

afterAll(async () => {
  if (service && service.child.exitCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the training service as a process', () => {
  it('enrols an open training need into a programme scheduled later, and stops cleanly on SIGTERM', async () => {
    const store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
    const unitId = await establishUnit(store);
    const employeeId = await appointEmployee(store, unitId, { tmt: '2020-03-01' });
    const need = await identifyNeed(store, { employeeId, unitId, competencyArea: 'managerial' });
    await store.close();

    service = await startServiceProcess('training', { DATA_DIR: dataDir }, (line) => {
      logs += line;
    }).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}:\n${logs}`);
    });
    await waitUntil('the service is ready', async () => (await fetch(`${service?.url}/readyz`)).status === 200, 20_000);
    await waitUntil('the need is open', async () => {
      const res = await call('GET', '/v1/training-needs?status=open');
      return JSON.stringify(res.body).includes(need.needId);
    });

    const scheduled = await call('POST', '/v1/programmes', programmeBody({ competencyArea: 'managerial', startsOn: day(30), endsOn: day(32) }));
    expect(scheduled.status).toBe(201);
    const programmeId = scheduled.body.programmeId as string;
    const programme = await call('GET', `/v1/programmes/${programmeId}`);
    expect(programme.body.participants).toEqual([
      expect.objectContaining({ employeeId, status: 'enrolled', basis: expect.objectContaining({ kind: 'training-need', needId: need.needId }) }),
    ]);
    expect((await call('GET', '/openapi.json')).status).toBe(200);
    expect(logs).not.toContain(employeeId);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
