import { streamId } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';
import { aUnitId, establishUnit } from '@asn/org-chart/testing';
import { expectProblem, waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';
import type { UnitComplaints } from './complaints';

// Complaint deadlines over HTTP, the feedback topic fed through the local bus as the feedback service writes it.
// WIB working days: received Friday 27 November 2026 in the morning, a first response is due by the end of Wednesday 2 December.

const U1 = aUnitId(51);
const U2 = aUnitId(52);
const SEALED = { alg: 'A256GCM', iv: Buffer.alloc(12, 1).toString('base64url'), ct: Buffer.from('sealed').toString('base64url'), tag: Buffer.alloc(16, 2).toString('base64url') };
const MONDAY = '2026-12-07T02:00:00.000Z';
let h: ReportingHarness;

const submitted = (receivedAt: string, unitId: string): NewEvent[] => [
  { id: newId(), type: 'TicketSubmitted', data: { ticketNumber: 'LPR-0123456789', kind: 'complaint', category: 'service-quality', unitId, description: SEALED, anonymous: true, tokenHash: 'ab'.repeat(32), receivedAt } },
  { id: newId(), type: 'TicketRouted', data: { unitId, reason: 'named-unit', routedBy: 'system', routedAt: receivedAt } },
];
const responded = (at: string): NewEvent => ({ id: newId(), type: 'TicketResponded', data: { message: SEALED, respondedBy: 'officer-1', respondedAt: at } });
const resolved = (at: string): NewEvent => ({ id: newId(), type: 'TicketResolved', data: { resolution: SEALED, resolvedBy: 'officer-1', resolvedAt: at } });

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, U1, 'Dinas Kesehatan');
  await establishUnit(h.store, U2, 'Dinas Pekerjaan Umum dan Penataan Ruang');
  const tickets = [
    [...submitted('2026-11-27T03:00:00.000Z', U1), responded('2026-11-30T02:00:00.000Z'), resolved('2026-12-03T02:00:00.000Z')],
    [...submitted('2026-11-27T03:00:00.000Z', U1), responded('2026-12-03T02:00:00.000Z')],
    [...submitted('2026-12-03T03:00:00.000Z', U2)],
  ];
  for (const events of tickets) await h.store.appendToStream(streamId('feedback', newId()), events);
  await waitUntil('the read model has the tickets', () => {
    const models = h.reporting.live.current();
    return models.complaints.tickets(new Date(MONDAY)).length === 3 && models.orgChart.unit(U2) !== undefined;
  }, 20_000);
});
afterAll(async () => h.close());

const auditItems = () => h.audit.query({ from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 600_000), limit: 1000 }).items;
const U1_ROW = { unitId: U1, unitName: 'Dinas Kesehatan', tickets: 2, open: 1, dueSoon: 0, late: 1, answeredOnTimeShare: 0.5, resolvedOnTimeShare: 0.5 };
const U2_ROW = { unitId: U2, unitName: 'Dinas Pekerjaan Umum dan Penataan Ruang', tickets: 1, open: 1, dueSoon: 1, late: 0, answeredOnTimeShare: null, resolvedOnTimeShare: null };

describe('the public figures', () => {
  it('carry complaint timeliness per month without a token, three tickets shown as "<5" and no shares or units below five', async () => {
    const res = await h.api.get('/v1/public/figures?asOf=2026-12-31').expect(200);
    const { complaints } = res.body as { complaints: { year: number; byMonth: { month: string; tickets: unknown; firstResponseOnTimeShare: unknown; byUnit: unknown[] }[] } };
    expect(complaints.year).toBe(2026);
    expect(complaints.byMonth).toHaveLength(12);
    expect(complaints.byMonth.find((m) => m.month === '2026-11')).toEqual({ month: '2026-11', tickets: '<5', firstResponseOnTimeShare: null, resolutionOnTimeShare: null, byUnit: [] });
    expect(complaints.byMonth.find((m) => m.month === '2026-10')?.tickets).toBe(0);
    expect(res.text).not.toContain('LPR-');
    expect(res.text).not.toContain(U1);
  });
});

describe('complaint deadlines as of a time', () => {
  it('answer per unit the tickets, open, due soon, late and the shares on time', async () => {
    const res = await (await h.as('hr-staff')).get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}`).expect(200);
    expect(res.body).toEqual({ asOf: MONDAY, items: [U1_ROW, U2_ROW] });
  });

  it('take a date as its end in the city’s time', async () => {
    const res = await (await h.as('auditor')).get('/v1/reports/complaint-deadlines?asOf=2026-11-29').expect(200);
    expect(res.body).toEqual({ asOf: '2026-11-29T16:59:59.999Z', items: [{ ...U1_ROW, open: 2, late: 0, answeredOnTimeShare: null, resolvedOnTimeShare: null }] });
  });

  it('export the same rows as CSV and JSON Lines', async () => {
    const client = await h.as('hr-approver');
    const json = (await client.get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}`).expect(200)).body.items as UnitComplaints[];
    const csv = await client.get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}&format=csv`).buffer(true).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe(
      ['unitId,unitName,tickets,open,dueSoon,late,answeredOnTimeShare,resolvedOnTimeShare', ...json.map((r) => [r.unitId, r.unitName, r.tickets, r.open, r.dueSoon, r.late, r.answeredOnTimeShare ?? '', r.resolvedOnTimeShare ?? ''].join(','))]
        .map((l) => `${l}\r\n`)
        .join(''),
    );
    const jsonl = await client.get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}&format=jsonl`).buffer(true).expect(200);
    expect(jsonl.text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(json);
  });

  it("name an export by the city's date of its instant, not UTC's", async () => {
    const client = await h.as('hr-approver');
    // 20:00 UTC on 6 December is 03:00 WIB on 7 December.
    const csv = await client.get('/v1/reports/complaint-deadlines?asOf=2026-12-06T20:00:00.000Z&format=csv').buffer(true).expect(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="complaint-deadlines-2026-12-07.csv"');
  });

  it('audit each list', async () => {
    const before = auditItems().length;
    await (await h.as('auditor', 'auditor-3')).get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}`).expect(200);
    expect(auditItems().slice(before)).toEqual([expect.objectContaining({ subject: 'auditor-3', action: 'list-complaint-deadlines', subjects: [], allowed: true })]);
  });
});

describe('an official of one unit', () => {
  it('sees only the own unit, and gets 404 for another', async () => {
    const staff = await h.as('hr-staff', 'staff-of-u2', U2);
    expect((await staff.get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}`).expect(200)).body.items).toEqual([U2_ROW]);
    expectProblem(await staff.get(`/v1/reports/complaint-deadlines?asOf=${MONDAY}&unitId=${U1}`), 404);
  });
});

describe('a request that is refused', () => {
  it.each([
    ['an impossible date', 'asOf=2026-02-30'],
    ['a time that is not one', 'asOf=yesterday'],
    ['an unknown format', 'format=pdf'],
    ['an unknown key', 'ticketId=x'],
  ])('answers 400 for %s and audits nothing', async (_what, query) => {
    const before = auditItems().length;
    expectProblem(await (await h.as('auditor')).get(`/v1/reports/complaint-deadlines?${query}`), 400, { type: 'urn:asn:problem:validation' });
    expect(auditItems().length).toBe(before);
  });

  it('answers 403 to an employee', async () => {
    expectProblem(await (await h.as('employee')).get('/v1/reports/complaint-deadlines'), 403);
  });
});
