import { randomUUID } from 'node:crypto';
import type { DecodedEvent } from '@asn/bus';
import { cloudEventType, feedbackEventRegistry } from '@asn/contracts';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { complaintTimeliness, openComplaints, type Complaints, type TicketDeadlines } from './complaints';

// The complaints read model fed decoded feedback-topic events, one stream per ticket. Times are UTC; the
// city's working days are WIB (UTC+7): 2026-11-27 is a Friday, and the first-response deadline of a
// ticket received that morning is the end of Wednesday 2 December (16:59:59.999Z).

const UNIT_A = '0190a000-0000-7000-8000-000000000001';
const UNIT_B = '0190a000-0000-7000-8000-000000000002';
const SEALED = { alg: 'A256GCM', iv: Buffer.alloc(12, 1).toString('base64url'), ct: Buffer.from('Budi Santoso 0812').toString('base64url'), tag: Buffer.alloc(16, 2).toString('base64url') };
const TOKEN_HASH = 'ab'.repeat(32);

const ticket = () => {
  const ticketId = randomUUID();
  let revision = -1;
  const next = (eventType: string, data: unknown): DecodedEvent => ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/asn/feedback',
    type: cloudEventType('feedback', eventType, 1),
    time: new Date().toISOString(),
    subject: `feedback-${ticketId}`,
    datacontenttype: 'application/json',
    schemaversion: 1,
    streamrevision: ++revision,
    globalposition: 0,
    eventType,
    data: feedbackEventRegistry.parse(eventType as never, 1, data),
  });
  const submitted = (receivedAt: string, kind: 'complaint' | 'information-request' | 'dispute' = 'complaint', unitId?: string) =>
    next('TicketSubmitted', { ticketNumber: 'LPR-0123456789', kind, category: 'service-quality', ...(unitId ? { unitId } : {}), description: SEALED, contact: SEALED, anonymous: false, tokenHash: TOKEN_HASH, receivedAt });
  const routed = (unitId: string, routedAt: string) => next('TicketRouted', { unitId, reason: 'named-unit', routedBy: 'system', routedAt });
  const responded = (respondedAt: string) => next('TicketResponded', { message: SEALED, respondedBy: 'officer-1', respondedAt });
  const resolved = (resolvedAt: string) => next('TicketResolved', { resolution: SEALED, resolvedBy: 'officer-1', resolvedAt });
  return { ticketId, next, submitted, routed, responded, resolved };
};

const given = (...events: DecodedEvent[]): { complaints: Complaints; db: Database.Database } => {
  const db = new Database(':memory:');
  const complaints = openComplaints(db);
  for (const event of events) complaints.apply(event);
  return { complaints, db };
};

const T1 = ticket();
const T2 = ticket();
const T3 = ticket();
const T4 = ticket();
const T5 = ticket();
const EVENTS = [
  // Answered and resolved on time.
  T1.submitted('2026-11-27T03:00:00.000Z', 'complaint', UNIT_A),
  T1.routed(UNIT_A, '2026-11-27T03:00:00.000Z'),
  T1.responded('2026-11-30T02:00:00.000Z'),
  T1.resolved('2026-12-03T02:00:00.000Z'),
  // Answered late, resolution overdue.
  T2.submitted('2026-11-27T03:00:00.000Z', 'complaint', UNIT_A),
  T2.routed(UNIT_A, '2026-11-27T03:00:00.000Z'),
  T2.responded('2026-12-03T02:00:00.000Z'),
  // Named unit A, routed on to B; first response due at the end of Tuesday 8 December.
  T3.submitted('2026-12-03T03:00:00.000Z', 'information-request', UNIT_A),
  T3.routed(UNIT_B, '2026-12-03T04:00:00.000Z'),
  // A dispute needing a field check, dismissed the next day.
  T4.submitted('2026-12-01T03:00:00.000Z', 'complaint'),
  T4.routed(UNIT_B, '2026-12-01T03:00:00.000Z'),
  T4.next('TicketClassified', { kind: 'dispute', category: 'procedure', fieldCheck: true, classifiedBy: 'officer-1', classifiedAt: '2026-12-01T04:00:00.000Z' }),
  T4.next('TicketDismissed', { reason: SEALED, dismissedBy: 'officer-1', dismissedAt: '2026-12-02T03:00:00.000Z' }),
  // Received after the time asked.
  T5.submitted('2026-12-10T03:00:00.000Z', 'complaint', UNIT_A),
];
const MONDAY = new Date('2026-12-07T02:00:00.000Z');

describe('tickets as of a time', () => {
  it('carry their unit after routing, kind, status, times and deadlines in working days', () => {
    const { complaints } = given(...EVENTS);
    const byId = new Map(complaints.tickets(MONDAY).map((t) => [t.ticketId, t]));
    expect(byId.has(T5.ticketId)).toBe(false);
    expect(byId.get(T1.ticketId)).toEqual({
      ticketId: T1.ticketId,
      unitId: UNIT_A,
      kind: 'complaint',
      status: 'resolved',
      receivedAt: '2026-11-27T03:00:00.000Z',
      firstResponseDue: '2026-12-02T16:59:59.999Z',
      firstResponseAt: '2026-11-30T02:00:00.000Z',
      resolutionDue: '2026-12-04T16:59:59.999Z',
      closedAt: '2026-12-03T02:00:00.000Z',
      late: false,
      dueSoon: false,
      answeredOnTime: true,
      resolvedOnTime: true,
    });
    expect(byId.get(T2.ticketId)).toMatchObject({ status: 'open', nextDue: '2026-12-04T16:59:59.999Z', late: true, answeredOnTime: false, resolvedOnTime: false });
    expect(byId.get(T3.ticketId)).toMatchObject({ unitId: UNIT_B, kind: 'information-request', nextDue: '2026-12-08T16:59:59.999Z', late: false, dueSoon: true, answeredOnTime: null, resolvedOnTime: null });
    // 60 working days for a dispute with a field check.
    expect(byId.get(T4.ticketId)).toMatchObject({ kind: 'dispute', status: 'dismissed', resolutionDue: '2027-02-25T16:59:59.999Z', answeredOnTime: true, resolvedOnTime: true });
  });

  it('count what happened after the time asked as not yet happened', () => {
    const { complaints } = given(...EVENTS);
    const t1 = complaints.tickets(new Date('2026-11-30T00:00:00.000Z')).find((t) => t.ticketId === T1.ticketId);
    expect(t1).toMatchObject({ status: 'open', nextDue: '2026-12-02T16:59:59.999Z', answeredOnTime: null, resolvedOnTime: null });
    expect(t1).not.toHaveProperty('firstResponseAt');
  });

  it('restart the resolution clock when a ticket is reopened', () => {
    const { complaints } = given(...EVENTS, T1.next('TicketReopened', { reason: SEALED, reopenedBy: 'officer-1', reopenedAt: '2026-12-04T02:00:00.000Z' }));
    expect(complaints.tickets(MONDAY).find((t) => t.ticketId === T1.ticketId)).toMatchObject({ status: 'open', resolutionDue: '2026-12-11T16:59:59.999Z', nextDue: '2026-12-11T16:59:59.999Z', late: false });
  });
});

describe('per unit', () => {
  it('count tickets, open, due soon, late and the shares answered and resolved on time', () => {
    const { complaints } = given(...EVENTS);
    expect(complaints.units(MONDAY, (id) => (id === UNIT_A ? 'Dinas Kesehatan' : undefined))).toEqual([
      { unitId: UNIT_A, unitName: 'Dinas Kesehatan', tickets: 2, open: 1, dueSoon: 0, late: 1, answeredOnTimeShare: 0.5, resolvedOnTimeShare: 0.5 },
      { unitId: UNIT_B, unitName: null, tickets: 2, open: 1, dueSoon: 1, late: 0, answeredOnTimeShare: 1, resolvedOnTimeShare: 1 },
    ]);
  });
});

describe('events delivered again, and other events', () => {
  it('change nothing', () => {
    const { complaints, db } = given(...EVENTS);
    const before = db.prepare('SELECT * FROM complaint_tickets ORDER BY ticket_id').all();
    for (const event of EVENTS) complaints.apply(event);
    complaints.apply({ ...(EVENTS[0] as DecodedEvent), subject: `programme-${randomUUID()}`, eventType: 'ParticipantCompleted', data: {} });
    expect(db.prepare('SELECT * FROM complaint_tickets ORDER BY ticket_id').all()).toEqual(before);
  });
});

describe('what is stored', () => {
  it('holds no texts, contact details, token hashes or ticket numbers', () => {
    const { db } = given(...EVENTS);
    const stored = JSON.stringify(db.prepare('SELECT * FROM complaint_tickets').all());
    expect(stored).not.toContain(SEALED.ct);
    expect(stored).not.toContain(TOKEN_HASH);
    expect(stored).not.toContain('LPR-');
    expect(Object.keys(db.prepare('SELECT * FROM complaint_tickets LIMIT 1').get() as object)).toEqual(['ticket_id', 'unit_id', 'kind', 'field_check', 'status', 'received_at', 'resolution_from', 'first_response_at', 'closed_at', 'revision']);
  });
});

describe('complaint timeliness for the public', () => {
  const aTicket = (receivedAt: string, unitId: string, answeredOnTime: boolean | null, resolvedOnTime: boolean | null): TicketDeadlines => ({
    ticketId: randomUUID(),
    unitId,
    kind: 'complaint',
    status: 'open',
    receivedAt,
    firstResponseDue: receivedAt,
    resolutionDue: receivedAt,
    late: false,
    dueSoon: false,
    answeredOnTime,
    resolvedOnTime,
  });
  const names = (id: string) => (id === UNIT_A ? 'Dinas Kesehatan' : 'Dinas Pendidikan');

  it('give per month the tickets and on-time shares, by unit only from 5 tickets, small cells suppressed', () => {
    const tickets = [
      ...Array.from({ length: 6 }, (_, i) => aTicket(`2026-02-0${i + 2}T03:00:00.000Z`, UNIT_A, i < 3, i < 2 ? true : i < 4 ? false : null)),
      ...Array.from({ length: 2 }, () => aTicket('2026-02-10T03:00:00.000Z', UNIT_B, true, null)),
      ...Array.from({ length: 3 }, () => aTicket('2026-03-10T03:00:00.000Z', UNIT_A, false, false)),
      // 31 March 20:00 in WIB is 1 April: counted in April, after the date asked.
      aTicket('2026-03-31T20:00:00.000Z', UNIT_A, true, true),
    ];
    const figures = complaintTimeliness('2026-03-31', tickets, names);
    expect(figures).toMatchObject({ year: 2026, from: '2026-01-01', to: '2026-03-31' });
    expect(figures.byMonth).toEqual([
      { month: '2026-01', tickets: 0, firstResponseOnTimeShare: null, resolutionOnTimeShare: null, byUnit: [] },
      {
        month: '2026-02',
        tickets: 8,
        firstResponseOnTimeShare: 0.625,
        resolutionOnTimeShare: 0.5,
        // One hidden cell would be given away by the total: the other one is withheld.
        byUnit: [
          { unitName: 'Dinas Kesehatan', tickets: 'withheld', firstResponseOnTimeShare: null, resolutionOnTimeShare: null },
          { unitName: 'Dinas Pendidikan', tickets: '<5', firstResponseOnTimeShare: null, resolutionOnTimeShare: null },
        ],
      },
      { month: '2026-03', tickets: '<5', firstResponseOnTimeShare: null, resolutionOnTimeShare: null, byUnit: [] },
    ]);
  });

  it('show a unit’s shares when it has 5 tickets or more', () => {
    const tickets = [
      ...Array.from({ length: 5 }, (_, i) => aTicket('2026-01-05T03:00:00.000Z', UNIT_A, i < 4, true)),
      ...Array.from({ length: 5 }, () => aTicket('2026-01-06T03:00:00.000Z', UNIT_B, false, null)),
    ];
    expect(complaintTimeliness('2026-01-31', tickets, names).byMonth[0]?.byUnit).toEqual([
      { unitName: 'Dinas Kesehatan', tickets: 5, firstResponseOnTimeShare: 0.8, resolutionOnTimeShare: 1 },
      { unitName: 'Dinas Pendidikan', tickets: 5, firstResponseOnTimeShare: 0, resolutionOnTimeShare: null },
    ]);
  });
});
