import {
  anEmployeeId,
  appointed,
  aUnitId,
  corrected,
  decided,
  establishUnit,
  functional,
  record,
  transferred,
  type TopicEvent,
} from '@asn/org-chart/testing';
import type { Role } from '@asn/service-kit';
import { expectProblem, waitUntil } from '@asn/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';
import type { Movement } from './careers';

// Movements per period and the public figures over HTTP, fed through the local bus as the personnel service
// would fill them. A small city: six PNS in one unit since 2015, two PPPK in the other since March 2021, and in
// 2021 a transfer, a revoked transfer, five promotions (one of them moved by a correction) and a sanction.

const U1 = aUnitId(1);
const U2 = aUnitId(2);
const U2_NAME = 'Badan Pendapatan, Keuangan dan Aset Daerah';
const [A1, A2, A3, A4, A5, A6, P1, P2] = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => anEmployeeId(n)) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const NIP = '198609262015052001';
const NAME = 'Siti Aminah';
const SEALED = {
  alg: 'A256GCM',
  iv: Buffer.alloc(12, 7).toString('base64url'),
  ct: Buffer.from(`${NAME} ${NIP}`).toString('base64url'),
  tag: Buffer.alloc(16, 9).toString('base64url'),
};

let h: ReportingHarness;
const all: TopicEvent[] = [];
const promotionOfA1 = decided(A1, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2021-04-01');
const revokedTransfer = transferred(A2, '2021-05-01', U2);

beforeAll(async () => {
  h = await startReportingHarness();
  await establishUnit(h.store, U1, 'Dinas Pendidikan');
  await establishUnit(h.store, U2, U2_NAME);
  const first = appointed(A1, '2015-03-01', { unitId: U1 });
  all.push(
    { ...first, data: { ...(first.data as object), personal: SEALED } },
    ...[A2, A3, A4, A5, A6].map((e) => appointed(e, '2015-03-01', { unitId: U1 })),
    ...[P1, P2].map((e) =>
      appointed(e, '2021-03-01', {
        unitId: U2,
        employeeType: 'PPPK',
        position: functional(),
        contractUntil: '2026-03-01',
      }),
    ),
    promotionOfA1,
    revokedTransfer,
    corrected(A2, '2021-05-01', revokedTransfer.decisionId ?? ''),
    transferred(A3, '2021-07-01', U2),
    corrected(A1, '2021-10-01', promotionOfA1.decisionId ?? '', {
      kind: 'promotion',
      promotionKind: 'regular',
      golongan: 'III/b',
    }),
    ...[A2, A3, A4, A5].map((e) =>
      decided(e, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2021-10-01'),
    ),
    decided(A6, { kind: 'sanction', severity: 'light', sanction: 'written-warning' }, '2021-11-15'),
  );
  await record(h.store, ...all);
  const expected = new Map<string, number>();
  for (const e of all) expected.set(e.subject, (expected.get(e.subject) ?? 0) + 1);
  await waitUntil(
    'the read model has every career event',
    () =>
      [...expected].every(
        ([subject, n]) => h.reporting.careers.timeline(subject.replace(/^employee-/, '')).length === n,
      ),
    20_000,
  );
});
afterAll(async () => h.close());

interface MovementPage {
  from: string;
  to: string;
  total: number;
  items: Movement[];
}
const movements = async (query: string, role: Role = 'hr-staff', unit?: string): Promise<MovementPage> =>
  (await (await h.as(role, `${role}-1`, unit)).get(`/v1/movements?${query}`).expect(200)).body as MovementPage;
const rows = (page: MovementPage) => page.items.map((m) => `${m.tmt} ${m.kind} ${m.employeeId}`);

const YEAR_2021 = [
  `2021-03-01 appointment ${P1}`,
  `2021-03-01 appointment ${P2}`,
  `2021-07-01 transfer ${A3}`,
  `2021-10-01 promotion ${A1}`,
  `2021-10-01 promotion ${A2}`,
  `2021-10-01 promotion ${A3}`,
  `2021-10-01 promotion ${A4}`,
  `2021-10-01 promotion ${A5}`,
  `2021-11-15 sanction ${A6}`,
];

describe('the movements of a period', () => {
  it('list the decisions in force by TMT then employee: a revoked transfer is none, a corrected promotion counts at its correction', async () => {
    const page = await movements('from=2021-01-01&to=2021-12-31', 'auditor');
    expect(page).toMatchObject({ from: '2021-01-01', to: '2021-12-31', total: 9 });
    expect(rows(page)).toEqual(YEAR_2021);
    expect(page.items[2]).toEqual({
      employeeId: A3,
      decisionId: expect.any(String),
      kind: 'transfer',
      tmt: '2021-07-01',
      unitId: U1,
      unitName: 'Dinas Pendidikan',
      toUnitId: U2,
      toUnitName: U2_NAME,
      skNumber: '800/2021/BKPSDM',
      proposedBy: 'staff-1',
      approvedBy: 'approver-1',
      recordedAt: expect.any(String),
    });
    expect(page.items[3]).toMatchObject({
      decisionId: promotionOfA1.decisionId,
      golongan: 'III/b',
      correctedBy: { skNumber: '800/2021/BKPSDM', approvedBy: 'approver-1' },
    });
  });

  it.each([
    ['kind=promotion', YEAR_2021.filter((r) => r.includes('promotion'))],
    ['kind=transfer', [`2021-07-01 transfer ${A3}`]],
    ['kind=dismissal', []],
    [
      `unitId=${U2}`,
      [
        `2021-03-01 appointment ${P1}`,
        `2021-03-01 appointment ${P2}`,
        `2021-07-01 transfer ${A3}`,
        `2021-10-01 promotion ${A3}`,
      ],
    ],
    [`unitId=${U1}&kind=transfer`, [`2021-07-01 transfer ${A3}`]],
  ])('filter by %s', async (filter, expected) => {
    expect(rows(await movements(`from=2021-01-01&to=2021-12-31&${filter}`))).toEqual(expected);
  });

  it('page with limit and offset, the total counting the whole period', async () => {
    const page = await movements('from=2021-01-01&to=2021-12-31&limit=2&offset=2', 'hr-approver');
    expect(page.total).toBe(9);
    expect(rows(page)).toEqual(YEAR_2021.slice(2, 4));
  });

  it('as recorded before the correction, count the promotion at its first TMT', async () => {
    const correctionAt =
      h.reporting.careers.timeline(A1).find((e) => e.eventType === 'DecisionCorrected')?.recordedAt ?? '';
    const before = new Date(Date.parse(correctionAt) - 1).toISOString();
    const page = await movements(`from=2021-04-01&to=2021-04-30&recordedBy=${encodeURIComponent(before)}`);
    expect(rows(page)).toEqual([`2021-04-01 promotion ${A1}`]);
    expect(rows(await movements('from=2021-04-01&to=2021-04-30'))).toEqual([]);
  });

  it.each([
    ['a period that ends before it starts', 'from=2021-12-31&to=2021-01-01'],
    ['an impossible date', 'from=2021-02-30&to=2021-12-31'],
    ['no period', 'kind=promotion'],
    ['an unknown kind', 'from=2021-01-01&to=2021-12-31&kind=correction'],
    ['an unknown format', 'from=2021-01-01&to=2021-12-31&format=xlsx'],
    ['an unknown key', 'from=2021-01-01&to=2021-12-31&employeeId=x'],
  ])('refuse %s with 400', async (_what, query) => {
    expectProblem(await (await h.as('auditor')).get(`/v1/movements?${query}`), 400, {
      type: 'urn:asn:problem:validation',
    });
  });
});

describe('a movements export', () => {
  it('as CSV answers text/csv, a header then one RFC 4180 line per movement, a name with a comma quoted', async () => {
    const res = await (
      await h.as('auditor')
    )
      .get('/v1/movements?from=2021-07-01&to=2021-07-31&format=csv')
      .buffer(true)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="movements-2021-07-01-2021-07-31.csv"');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(
      'employeeId,decisionId,kind,tmt,unitId,unitName,toUnitId,toUnitName,golongan,pppkGrade,skNumber,proposedBy,approvedBy,recordedAt,correctedByDecisionId,correctedBySkNumber,correctedByProposedBy,correctedByApprovedBy,correctedAt',
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${A3},[0-9a-f-]{36},transfer,2021-07-01,${U1},Dinas Pendidikan,${U2},"${U2_NAME}",,,800/2021/BKPSDM,staff-1,approver-1,[0-9TZ:.-]+,,,,,$`,
      ),
    );
    expect(lines.slice(2)).toEqual(['']);
  });

  it('as JSON Lines answers one movement per line, the whole period regardless of limit', async () => {
    const res = await (
      await h.as('hr-approver')
    )
      .get('/v1/movements?from=2021-01-01&to=2021-12-31&format=jsonl&limit=1')
      .buffer(true)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/jsonl/);
    expect(res.text.endsWith('\n')).toBe(true);
    const items = res.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Movement);
    expect(rows({ from: '', to: '', total: 0, items })).toEqual(YEAR_2021);
  });
});

describe('the audit of movements', () => {
  const added = async (read: () => Promise<{ headers: Record<string, string> }>) => {
    const before = new Set(
      h.audit
        .query({ from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 600_000), limit: 1000 })
        .items.map((i) => i.id),
    );
    const res = await read();
    const items = h.audit
      .query({ from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 600_000), limit: 1000 })
      .items.filter((i) => !before.has(i.id));
    return { items, requestId: res.headers['x-request-id'] };
  };

  it.each([
    ['a list', 'json', 'list-movements'],
    ['a CSV export', 'csv', 'export-movements'],
    ['a JSON Lines export', 'jsonl', 'export-movements'],
  ])('writes one allowed record of %s naming whose movements were read', async (_what, format, action) => {
    const { items, requestId } = await added(async () =>
      (await h.as('auditor', 'auditor-7'))
        .get(`/v1/movements?from=2021-07-01&to=2021-10-01&kind=promotion&format=${format}`)
        .expect(200),
    );
    expect(items).toEqual([
      expect.objectContaining({
        subject: 'auditor-7',
        role: 'auditor',
        action,
        subjects: [A1, A2, A3, A4, A5],
        allowed: true,
        correlationId: requestId,
      }),
    ]);
  });
});

describe('an official of one unit (token claim opd)', () => {
  it("lists the movements of the unit's current employees that concern the unit, not those of former staff", async () => {
    expect(rows(await movements('from=2021-01-01&to=2021-12-31', 'hr-staff', U2))).toEqual([
      `2021-03-01 appointment ${P1}`,
      `2021-03-01 appointment ${P2}`,
      `2021-07-01 transfer ${A3}`,
      `2021-10-01 promotion ${A3}`,
    ]);
    expect(rows(await movements('from=2021-01-01&to=2021-12-31', 'auditor', U1))).toEqual(
      YEAR_2021.filter((r) => !r.includes(A3) && !r.includes(P1) && !r.includes(P2)),
    );
  });

  it('gets 404 for another unit, and its export too is its own unit only', async () => {
    const staff = await h.as('hr-staff', 'staff-of-u1', U1);
    expect((await staff.get(`/v1/movements?from=2021-01-01&to=2021-12-31&unitId=${U2}`)).status).toBe(404);
    const csv = await staff.get('/v1/movements?from=2021-01-01&to=2021-12-31&format=csv').buffer(true).expect(200);
    expect(csv.text).not.toContain(A3);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(6);
  });
});

describe('the public figures', () => {
  interface Figures {
    asOf: string;
    smallCells: string;
    headcount: {
      total: number | string;
      byUnit: { unitName: string; count: number | string }[];
      byGolongan: object;
      byPppkGrade: object;
      byEmployeeType: object;
      byPositionKind: object;
    };
    movements: {
      year: number;
      from: string;
      to: string;
      total: number | string;
      byMonth: { month: string; total: number | string; byKind: object }[];
    };
  }
  const figures = async (query: string) => (await h.api.get(`/v1/public/figures?${query}`).expect(200)).body as Figures;

  it('answer anyone without a token: headcount by unit name, golongan, PPPK grade, type and position kind, counts of 1 to 4 as "<5" and the smallest other cell of a breakdown with one hidden cell withheld', async () => {
    const f = await figures('asOf=2021-12-31');
    expect(f.headcount).toEqual({
      total: 8,
      byUnit: [
        { unitName: U2_NAME, count: '<5' },
        // Else 8 - 5 would give the hidden unit's count away.
        { unitName: 'Dinas Pendidikan', count: 'withheld' },
      ],
      byGolongan: { 'III/a': '<5', 'III/b': 'withheld' },
      byPppkGrade: { IX: '<5' },
      byEmployeeType: { PNS: 'withheld', PPPK: '<5' },
      byPositionKind: { functional: '<5', pelaksana: 'withheld' },
    });
    expect(f.smallCells).toMatch(/<5/);
  });

  it('count the movements per month of the year up to the date, per kind, without sanctions, the revoked transfer or the corrected TMT', async () => {
    const f = await figures('asOf=2021-12-31');
    expect(f.movements).toMatchObject({ year: 2021, from: '2021-01-01', to: '2021-12-31', total: 8 });
    const byMonth = Object.fromEntries(f.movements.byMonth.map((m) => [m.month, [m.total, m.byKind]]));
    expect(Object.keys(byMonth)).toHaveLength(12);
    expect(byMonth).toMatchObject({
      '2021-03': ['<5', { appointment: '<5' }],
      '2021-04': [0, {}],
      '2021-05': [0, {}],
      '2021-07': ['<5', { transfer: '<5' }],
      '2021-10': [5, { promotion: 5 }],
      '2021-11': [0, {}],
    });
  });

  it('as of a date in mid-year count the months up to it, with the headcount then', async () => {
    const f = await figures('asOf=2021-06-30');
    expect(f.headcount).toMatchObject({
      total: 8,
      byUnit: [
        { unitName: U2_NAME, count: '<5' },
        { unitName: 'Dinas Pendidikan', count: 'withheld' },
      ],
    });
    expect(f.movements.byMonth.map((m) => m.month)).toEqual([
      '2021-01',
      '2021-02',
      '2021-03',
      '2021-04',
      '2021-05',
      '2021-06',
    ]);
    expect(f.movements.total).toBe('<5');
  });

  it('hold no personal data: no employee or decision id, NIP, name, SK number or officer', async () => {
    const res = await h.api.get('/v1/public/figures?asOf=2021-12-31').expect(200);
    const ids = [A1, A2, A3, A4, A5, A6, P1, P2, ...all.flatMap((e) => e.decisionId ?? [])];
    for (const secret of [...ids, NIP, NAME, SEALED.ct, '800/', 'BKPSDM', 'staff-1', 'approver-1', 'Wali Kota'])
      expect([secret, res.text.includes(secret)]).toEqual([secret, false]);
    expect(res.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });

  it('refuse an impossible date and unknown keys with 400', async () => {
    expectProblem(await h.api.get('/v1/public/figures?asOf=2021-02-30'), 400, { type: 'urn:asn:problem:validation' });
    expectProblem(await h.api.get('/v1/public/figures?asOf=2021-12-31&unitId=x'), 400, {
      type: 'urn:asn:problem:validation',
    });
  });

  it('are in the OpenAPI document as public, beside the movements', async () => {
    const doc = (await h.api.get('/openapi.json').expect(200)).body as {
      paths: Record<string, { get: { security?: unknown[]; operationId: string } }>;
    };
    expect(doc.paths['/v1/public/figures']?.get).toMatchObject({ operationId: 'getPublicFigures', security: [] });
    expect(doc.paths['/v1/movements']?.get).toMatchObject({ operationId: 'getMovements' });
  });
});

describe('the public figures under load from one address', () => {
  it('answer 429 problem+json with Retry-After past the per-client limit', async () => {
    const limited = await startReportingHarness({ publicRateLimit: { limit: 2, windowSeconds: 60 } });
    try {
      await limited.api.get('/v1/public/figures?asOf=2021-01-01').expect(200);
      await limited.api.get('/v1/public/figures?asOf=2021-01-01').expect(200);
      const refused = await limited.api.get('/v1/public/figures?asOf=2021-01-01');
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.headers['retry-after']).toBe('60');
    } finally {
      await limited.close();
    }
  });
});
