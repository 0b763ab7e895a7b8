import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { openLocalIssuer } from '@asn/service-kit';
import { http, startServiceProcess, waitUntil, type ServiceProcess } from '@asn/testing';
import { appoint, establishUnit, managerial, pelaksana } from './testing/personnelEvents';

// The service as operators run it: its own process on the shared store file, personnel events written by
// another process (this test) arriving through the local bus.
describe('the evaluation service process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'evaluation-e2e-'));
  const unitId = randomUUID();
  const headId = randomUUID();
  const staffId = randomUUID();
  let store: SqliteEventStore;
  let service: ServiceProcess;
  let output = '';

  beforeAll(async () => {
    store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
    await establishUnit(store, unitId, 'Dinas Kesehatan');
    await appoint(store, headId, unitId, managerial('jpt-pratama'));
    await appoint(store, staffId, unitId, pelaksana());
    service = await startServiceProcess('evaluation', { DATA_DIR: dataDir, CLOCK_START: '2027-01-10T08:00:00Z' }, (line) => {
      output += line;
    });
  }, 60_000);

  afterAll(async () => {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('becomes ready, opens an appraisal with the evaluator from the org chart, and stops cleanly on SIGTERM', async () => {
    const api = http(service.url);
    await waitUntil('ready', async () => (await api.get('/readyz')).status === 200, 30_000, 100);
    const issuer = await openLocalIssuer({ dataDir });
    const hr = api.withToken(await issuer.issue({ subject: 'hr-1', roles: ['hr-staff'], audience: 'evaluation', ttl: '5m' }));
    // Ready means the consumers have caught up: the org chart holds the personnel events written before the start.
    const res = await hr.post('/v1/appraisals').set('Idempotency-Key', 'e2e-1').send({ employeeId: staffId, period: { kind: 'annual', year: 2026 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ employeeId: staffId, evaluatorId: headId, status: 'draft' });
    expect(output).toContain('evaluation rules loaded');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 60_000);
});
