import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { appointEmployee, establishUnit } from '@asn/org-chart/testing';
import { openLocalIssuer } from '@asn/service-kit';
import { http, startServiceProcess, waitUntil, type HttpClient, type ServiceProcess } from '@asn/testing';

// The feedback service as operators run it: its own process on a store file that holds the org chart
// (written here before the start, as personnel would), reached by the public without a token. The clock
// starts on Friday 27 November 2026, 10:00 WIB on both runs, so the deadlines are known and a report sent
// again after the restart falls on the same local day.

const CLOCK_START = '2026-11-27T10:00:00+07:00';

const report = {
  category: 'illegal-levy',
  service: 'Pengurusan KTP elektronik',
  description: 'Petugas loket meminta uang tambahan Rp75.000 agar KTP cepat jadi.\nTidak diberi kuitansi.',
  contact: { name: 'Rina Marpaung', phone: '+62 813 9876 5432', email: 'rina.marpaung@example.id' },
};
const secrets = (token: string): string[] => [token, 'lpr_', 'Rp75.000', 'kuitansi', 'KTP elektronik', 'Rina', 'Marpaung', '9876', 'rina.marpaung@example.id'];

describe('the feedback service as a process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'feedback-e2e-'));
  let unitId = '';
  let employeeId = '';
  let service: ServiceProcess | undefined;
  let api: HttpClient;
  let officerToken = '';
  let logs = '';
  let ticketNumber = '';
  let token = '';

  const start = async (env: Record<string, string> = {}): Promise<void> => {
    service = await startServiceProcess('feedback', { DATA_DIR: dataDir, CLOCK_START, SWEEP_INTERVAL_SECONDS: '1', ...env }, (line) => {
      logs += line;
    }).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}:\n${logs}`);
    });
    api = http(service.url);
    await waitUntil('the service is ready', async () => (await api.get('/readyz')).status === 200, 30_000, 100);
  };
  const stop = async (): Promise<number | null> => {
    if (!service) return null;
    service.child.kill('SIGTERM');
    const code = await service.exited;
    service = undefined;
    return code;
  };
  const submit = () => api.post('/v1/public/tickets').set('Idempotency-Key', randomUUID()).send({ ...report, employeeId });
  const follow = (bearer?: string) => {
    const req = api.get(`/v1/public/tickets/${ticketNumber}`);
    return bearer === undefined ? req : req.set('Authorization', `Bearer ${bearer}`);
  };

  beforeAll(async () => {
    const store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
    unitId = await establishUnit(store, undefined, 'Dinas Kependudukan dan Pencatatan Sipil');
    employeeId = await appointEmployee(store, unitId);
    await store.close();
    const issuer = await openLocalIssuer({ dataDir });
    officerToken = await issuer.issue({ subject: 'officer-1', roles: ['feedback-officer'], audience: 'feedback', ttl: '15m' });
    await start();
  }, 60_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is alive and ready, and its OpenAPI document lists the public and the officers’ routes', async () => {
    expect((await api.get('/healthz')).status).toBe(200);
    expect((await api.get('/readyz')).status).toBe(200);
    const doc = await api.get('/openapi.json').expect(200);
    const paths = (doc.body as { paths: Record<string, Record<string, { security?: unknown[] }>> }).paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/public/tickets',
        '/v1/public/tickets/{ticketNumber}',
        '/v1/public/tickets/{ticketNumber}/information',
        '/v1/public/tickets/{ticketNumber}/erasure',
        '/v1/public/figures',
        '/v1/tickets',
        '/v1/deadlines',
        '/v1/tickets/{ticketId}',
        '/v1/tickets/{ticketId}/substantiation',
        '/v1/tickets/{ticketId}/resolution',
      ]),
    );
    // The public's calls need no bearer token; the officers' do.
    expect(paths['/v1/public/tickets']?.['post']?.security).toEqual([]);
    expect(paths['/v1/tickets']?.['get']?.security).toBeUndefined();
  }, 30_000);

  it('receives a report from the public without a token: a ticket number, a capability token and the deadlines in working days', async () => {
    const res = await submit();
    expect(res.status).toBe(201);
    ({ ticketNumber, token } = res.body as { ticketNumber: string; token: string });
    expect(ticketNumber).toMatch(/^LPR-[0-9A-Z]{10}$/);
    expect(token).toMatch(/^lpr_[A-Za-z0-9_-]{43}$/);
    expect(res.headers['location']).toBe(`/v1/public/tickets/${ticketNumber}`);
    // Received on a Friday: 3 working days → Wednesday, 5 → Friday, each to the end of the day in WIB.
    expect(res.body).toMatchObject({ kind: 'complaint', firstResponseDue: '2026-12-02T16:59:59.999Z', resolutionDue: '2026-12-04T16:59:59.999Z' });
  }, 30_000);

  it('lets the ticket be followed with its token only', async () => {
    expect((await follow()).status).toBe(401);
    expect((await follow(`lpr_${'A'.repeat(43)}`)).status).toBe(404);
    const res = await follow(token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      ticketNumber,
      status: 'open',
      description: report.description,
      service: report.service,
      contact: report.contact,
      unit: { unitId, name: 'Dinas Kependudukan dan Pencatatan Sipil' },
    });
  }, 30_000);

  it('puts the ticket in the queue of the unit of the employee it names, for the feedback officers', async () => {
    const officer = api.withToken(officerToken);
    expect((await api.get('/v1/tickets')).status).toBe(401);
    const queue = await officer.get('/v1/tickets').expect(200);
    expect((queue.body as { items: unknown[] }).items).toEqual([expect.objectContaining({ ticketNumber, unitId, employeeId, status: 'open', contact: 'held', late: false })]);
  }, 30_000);

  it('stops cleanly on SIGTERM and, restarted, still answers the ticket; the same report the same day is refused', async () => {
    expect(await stop()).toBe(0);
    await start({ PUBLIC_RATE_LIMIT: '1' });
    const res = await follow(token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ticketNumber, status: 'open', description: report.description });

    const again = await submit();
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'urn:asn:problem:duplicate-submission' });
    // One report per window from this address in this process (the limiter's count lives in the process).
    const limited = await submit();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('600');
    expect(await stop()).toBe(0);
  }, 90_000);

  it('logged the requests and the rules, but no text, contact detail or token of the report', () => {
    expect(logs).toContain('feedback rules loaded');
    expect(logs).toContain('request completed');
    for (const secret of secrets(token)) expect({ secret, found: logs.includes(secret) }).toEqual({ secret, found: false });
  });
});
