import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { anEmployeeId, appointed, aUnitId, establishUnit, record } from '@asn/org-chart/testing';
import { openLocalIssuer } from '@asn/service-kit';
import { waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { compare, progressLine, rebuild, type CliOptions } from './rebuild.cli';
import { startReportingHarness, type ReportingHarness } from './testing/reportingHarness';

// The command line of a rebuild and of a comparison, against the service listening on a real port.

let h: ReportingHarness;
let server: Server;
let options: (out: string[], isTTY?: boolean) => CliOptions;
const U = aUnitId(1);

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, U, 'Dinas Sosial');
  for (let i = 1; i <= 30; i++) await record(h.store, appointed(anEmployeeId(i), '2020-01-01', { unitId: U }));
  await waitUntil('the appointments are consumed', () => h.reporting.live.current().careers.employeeIds().length === 30, 20_000);
  server = h.reporting.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const token = await (await openLocalIssuer({ dataDir: h.dataDir })).issue({ subject: 'ops-1', roles: ['operator'], audience: 'reporting', ttl: '10m' });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  options = (out, isTTY = false) => ({ url, token, out: { write: (text: string) => out.push(text), isTTY }, pollMs: 10 });
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

describe('./ledger rebuild', () => {
  it('starts a rebuild and follows it to 100% with a progress bar, then the service answers from the new read models', async () => {
    const out: string[] = [];
    const status = await rebuild(options(out));
    expect(status).toMatchObject({ state: 'done', percent: 100, requestedBy: 'ops-1' });
    expect(out.at(-1)).toContain('100.0%');
    expect(out.at(-1)).toContain('[##############################]');
    expect((await compare(options([]))).equal).toBe(true);
  });

  it('draws the bar in place on a terminal', async () => {
    const out: string[] = [];
    await rebuild(options(out, true));
    expect(out.every((line) => line.startsWith('\r') || line === '\n')).toBe(true);
  });

  it('shows the bar as the status says', () => {
    expect(progressLine({ state: 'running', events: 5_000, position: 4_500, head: 9_000, percent: 50, eventsPerSecond: 20_000, skippedCount: 0, skipped: [] })).toBe(
      '[###############...............]  50.0%  4,500 / 9,000 (position)  5,000 events  20,000 events/s',
    );
  });

  it('--compare prints every table and says DIFFERENT when the live read model was changed behind the service', async () => {
    const db = new Database(join(h.dataDir, 'reporting.readmodel.db'));
    db.prepare('DELETE FROM career_events WHERE employee_id = ?').run(anEmployeeId(7));
    db.close();
    const out: string[] = [];
    const result = await compare(options(out));
    expect(result.equal).toBe(false);
    expect(out.join('')).toMatch(/career_events +live +29 +replayed +30 +only live +0 +only replayed +1/);
    expect(out.at(-1)).toMatch(/^DIFFERENT: /);
    const one: string[] = [];
    expect((await compare(options(one), `employee-${anEmployeeId(8)}`)).equal).toBe(true);
  });

  it('says why when the service refuses (a token without the operator or auditor role)', async () => {
    const token = await (await openLocalIssuer({ dataDir: h.dataDir })).issue({ subject: 'x', roles: ['hr-staff'], audience: 'reporting', ttl: '10m' });
    await expect(rebuild({ ...options([]), token })).rejects.toThrow(/HTTP 403/);
  });
});
