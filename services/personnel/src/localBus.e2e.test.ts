// The embedded default's bus across processes: personnel writes the store file, a department's `tail` in
// another process follows the same file (no broker) and prints the committed event as a CloudEvent.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { openLocalIssuer } from '@asn/service-kit';
import { spawnTail, startServiceProcess, type ServiceProcess } from '@asn/testing';

let dataDir: string;
let service: ServiceProcess;
let logs = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'personnel-local-bus-'));
  service = await startServiceProcess('personnel', { DATA_DIR: dataDir, BUS: 'local', LOG_LEVEL: 'info' }, (line) => {
    logs += line;
  });
}, 60_000);

afterAll(async () => {
  service?.child.kill('SIGTERM');
  await service?.exited;
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

it('delivers an event committed by the service to a consumer in another process, through the store file', async () => {
  const issuer = await openLocalIssuer({ dataDir });
  const approver = await issuer.issue({ subject: 'approver-1', roles: ['hr-approver'], audience: 'personnel', ttl: '15m' });
  const { child: tail, printed, exited } = spawnTail(
    ['asn.personnel.v1', '--data-dir', dataDir, '--max', '1', '--timeout', '60'],
    (line) => {
      logs += line;
    },
    { KAFKA_BROKERS: '' },
  );
  try {
    const res = await fetch(`${service.url}/v1/units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${approver}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ name: 'Dinas Pendidikan', code: 'DISDIK', tmt: '2026-12-01', legalBasis: 'Perda 6/2026' }),
    });
    expect(res.status).toBe(201);
    const { unitId } = (await res.json()) as { unitId: string };
    expect(await exited).toBe(0);
    expect(printed).toEqual([
      expect.objectContaining({ key: unitId, subject: `unit-${unitId}`, source: '/asn/personnel', streamrevision: 0, specversion: '1.0' }),
    ]);
  } catch (error) {
    console.error(logs);
    throw error;
  } finally {
    tail.kill('SIGTERM');
  }
}, 90_000);
