import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openLocalIssuer, type Role } from '@asn/service-kit';
import { startServiceProcess, type ServiceProcess } from '@asn/testing';

// The personnel service as operators run it: its own process, real files, SIGKILL and restart.

const NIP = '198203142006042002';
const NAME = "Siti Nur'aini Harahap";

type Service = ServiceProcess;

let dataDir: string;
let logs = '';

const startService = (): Promise<Service> =>
  startServiceProcess('personnel', { DATA_DIR: dataDir }, (line) => {
    logs += line;
  }).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}:\n${logs}`);
  });

let tokens: Record<string, string> = {};
const call = async (service: Service, method: string, path: string, role: Role, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'POST' && !path.endsWith('/lookup') ? { 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
};

const decree = (tmt: string) => ({ skNumber: `800/${tmt}`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023' });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'personnel-e2e-'));
  const issuer = await openLocalIssuer({ dataDir });
  const roles: [Role, string][] = [['hr-staff', 'staff-1'], ['hr-approver', 'approver-1'], ['auditor', 'auditor-1'], ['data-protection-officer', 'dpo-1']];
  tokens = Object.fromEntries(
    await Promise.all(roles.map(async ([role, subject]) => [role, await issuer.issue({ subject, roles: [role], audience: 'personnel', ttl: '15m' })] as const)),
  );
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the personnel service as a process', () => {
  let employeeId: string;
  let unitId: string;

  it('keeps an approved decision across kill -9 and rebuilds its read model on restart', async () => {
    const first = await startService();
    const unit = await call(first, 'POST', '/v1/units', 'hr-approver', { name: 'Dinas Kesehatan', code: 'DINKES', tmt: '2000-01-01', legalBasis: 'Perda 1/2000' });
    expect(unit.status).toBe(201);
    unitId = unit.body.unitId as string;
    const proposed = await call(first, 'POST', '/v1/employees', 'hr-staff', {
      decision: { kind: 'appointment', employeeType: 'PNS', golongan: 'III/b', unitId, position: { kind: 'functional', level: 'ahli-muda', title: 'Dokter Ahli Muda' } },
      decree: decree('2006-04-01'),
      personal: { name: NAME, nip: NIP, birthDate: '1982-03-14', gender: 'female', education: 'S2' },
    });
    expect(proposed.status).toBe(201);
    employeeId = proposed.body.employeeId as string;
    const approved = await call(first, 'POST', `/v1/employees/${employeeId}/proposals/${proposed.body.decisionId as string}/approval`, 'hr-approver');
    expect(approved.status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startService();
    try {
      const read = await call(second, 'GET', `/v1/employees/${employeeId}`, 'auditor');
      expect(read.body).toMatchObject({ status: 'active', personal: { name: NAME }, career: { golongan: 'III/b', unitId } });
      const listed = await call(second, 'GET', `/v1/employees?unitId=${unitId}`, 'hr-staff');
      expect(listed.body.items).toEqual([expect.objectContaining({ employeeId, status: 'active', name: NAME })]);
      const found = await call(second, 'POST', '/v1/employees/lookup', 'auditor', { nip: NIP });
      expect(found.body).toEqual({ employeeId });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 90_000);

  it('after erasure and a restart, shows the data as erased; neither files nor logs ever held it in plaintext', async () => {
    const service = await startService();
    try {
      const erased = await call(service, 'POST', `/v1/employees/${employeeId}/erasure`, 'data-protection-officer', { reason: 'Permintaan subjek data' });
      expect(erased.status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    const restarted = await startService();
    try {
      const read = await call(restarted, 'GET', `/v1/employees/${employeeId}`, 'auditor');
      expect(read.body).toMatchObject({ personal: 'erased', career: { golongan: 'III/b' } });
      const listed = await call(restarted, 'GET', `/v1/employees?unitId=${unitId}`, 'hr-staff');
      expect(listed.body.items).toEqual([expect.objectContaining({ employeeId, name: 'erased' })]);
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
    for (const file of readdirSync(dataDir).filter((f) => f.endsWith('.db') || f.endsWith('-wal'))) {
      const bytes = readFileSync(join(dataDir, file));
      expect({ file, nip: bytes.includes(Buffer.from(NIP)) }).toEqual({ file, nip: false });
      expect({ file, name: bytes.includes(Buffer.from('Nur')) && bytes.includes(Buffer.from(NAME)) }).toEqual({ file, name: false });
    }
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).not.toContain(NIP);
    expect(logs).not.toContain('Harahap');
    expect(logs).not.toContain('1982-03-14');
  }, 90_000);
});
