import { randomUUID } from 'node:crypto';
import type { DecodedEvent } from '@asn/bus';
import { cloudEventType, evaluationEventRegistry, type AppraisalPeriod, type Predicate } from '@asn/contracts';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { openAppraisals, type Appraisals } from './appraisals';

// The appraisals read model fed as the consumer feeds it: decoded evaluation-topic events, each with its stream's revision.

const UNIT = '0190a000-0000-7000-8000-000000000001';
const OTHER_UNIT = '0190a000-0000-7000-8000-000000000002';
const employee = (n: number) => `0190c000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const annual = (year: number): AppraisalPeriod => ({ kind: 'annual', year });

/** One appraisal's stream: each event gets the next revision. */
const stream = () => {
  const subject = `evaluation-${randomUUID()}`;
  let revision = -1;
  return (eventType: string, data: unknown): DecodedEvent => ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/asn/evaluation',
    type: cloudEventType('evaluation', eventType, 1),
    time: new Date().toISOString(),
    subject,
    datacontenttype: 'application/json',
    schemaversion: 1,
    streamrevision: ++revision,
    globalposition: 0,
    eventType,
    data: evaluationEventRegistry.parse(eventType as never, 1, data),
  });
};

const GOOD: Record<Predicate, ['above' | 'meets' | 'below', 'above' | 'meets' | 'below']> = {
  'sangat-baik': ['above', 'above'],
  baik: ['meets', 'meets'],
  'butuh-perbaikan': ['below', 'meets'],
  kurang: ['meets', 'below'],
  'sangat-kurang': ['below', 'below'],
};

/** An appraisal opened then finalised with a predicate; returns its events and its stream for more. */
const appraisal = (employeeId: string, unitId: string, period: AppraisalPeriod, predicate: Predicate, warning?: string) => {
  const next = stream();
  const [results, behaviour] = GOOD[predicate];
  const events = [
    next('AppraisalOpened', { employeeId, unitId, period, evaluatorId: employee(900), openedBy: 'officer-1' }),
    next('AppraisalSubmitted', { submittedBy: 'evaluator-1', reviewerId: employee(901), predicate }),
    next('AppraisalFinalised', {
      employeeId,
      unitId,
      period,
      results,
      behaviour,
      predicate,
      finalisedBy: 'reviewer-1',
      finalisedOn: `${period.year + 1}-01-15`,
      objectionUntil: `${period.year + 1}-01-29`,
      ...(warning ? { distributionWarning: warning } : {}),
    }),
  ];
  return { events, next };
};

const given = (...events: DecodedEvent[]): Appraisals => {
  const appraisals = openAppraisals(new Database(':memory:'));
  for (const event of events) appraisals.apply(event);
  return appraisals;
};

describe('final appraisals of a unit for a year', () => {
  const a = appraisal(employee(1), UNIT, annual(2025), 'sangat-baik');
  const b = appraisal(employee(2), UNIT, annual(2025), 'baik');
  const c = appraisal(employee(3), UNIT, annual(2025), 'baik', 'Unit rated baik: baik 2 of 3 (67%) above the cap of 60%.');
  const elsewhere = appraisal(employee(4), OTHER_UNIT, annual(2025), 'kurang');
  const rating = stream()('UnitRated', { unitId: UNIT, year: 2025, rating: 'baik', ratedBy: 'approver-1' });

  it('counts them per predicate with their shares, the unit rating and the latest warning', () => {
    const appraisals = given(...a.events, ...b.events, ...c.events, ...elsewhere.events, rating);
    expect(appraisals.distribution(2025, 'annual')).toEqual([
      {
        unitId: UNIT,
        period: '2025',
        year: 2025,
        total: 3,
        counts: { 'sangat-baik': 1, baik: 2, 'butuh-perbaikan': 0, kurang: 0, 'sangat-kurang': 0 },
        shares: { 'sangat-baik': 0.3333, baik: 0.6667, 'butuh-perbaikan': 0, kurang: 0, 'sangat-kurang': 0 },
        unitRating: 'baik',
        capWarning: 'Unit rated baik: baik 2 of 3 (67%) above the cap of 60%.',
        employeeIds: [employee(1), employee(2), employee(3)],
      },
      expect.objectContaining({ unitId: OTHER_UNIT, total: 1, unitRating: null, capWarning: null }),
    ]);
    expect(appraisals.distribution(2024, 'annual')).toEqual([]);
    expect(appraisals.distribution(2025, 'quarterly')).toEqual([]);
  });

  it('does not count an appraisal that is only opened', () => {
    const open = stream();
    const appraisals = given(open('AppraisalOpened', { employeeId: employee(5), unitId: UNIT, period: annual(2025), evaluatorId: employee(900), openedBy: 'officer-1' }));
    expect(appraisals.distribution(2025, 'annual')).toEqual([]);
  });

  it('changes nothing when an event is delivered again, even after later ones', () => {
    const appraisals = given(...a.events, ...b.events, rating);
    const before = appraisals.distribution(2025, 'annual');
    for (const event of [...a.events, ...b.events, rating]) appraisals.apply(event);
    expect(appraisals.distribution(2025, 'annual')).toEqual(before);
  });

  it('ignores events of other topics and appraisal events without a bearing on the distribution', () => {
    const appraisals = given(...a.events);
    appraisals.apply({ ...(a.events[0] as DecodedEvent), subject: `employee-${employee(1)}`, eventType: 'EmployeeAppointed', data: {}, streamrevision: 99 });
    appraisals.apply(a.next('ComplaintNoted', { ticketId: randomUUID(), category: 'ethics', substantiatedOn: '2026-02-01' }));
    expect(appraisals.distribution(2025, 'annual')).toMatchObject([{ total: 1, counts: { 'sangat-baik': 1 } }]);
  });
});

describe('a quarterly distribution', () => {
  it('has one row per unit and quarter', () => {
    const q1 = appraisal(employee(1), UNIT, { kind: 'quarterly', year: 2025, quarter: 1 }, 'baik');
    const q3 = appraisal(employee(1), UNIT, { kind: 'quarterly', year: 2025, quarter: 3 }, 'kurang');
    const yearly = appraisal(employee(1), UNIT, annual(2025), 'baik');
    const rows = given(...q1.events, ...q3.events, ...yearly.events).distribution(2025, 'quarterly');
    expect(rows.map((r) => [r.period, r.quarter, r.total, r.counts.baik, r.counts.kurang])).toEqual([
      ['2025-Q1', 1, 1, 1, 0],
      ['2025-Q3', 3, 1, 0, 1],
    ]);
  });
});

describe('an objection', () => {
  it('when upheld, puts its predicate in force in the distribution and the annual predicates', () => {
    const { events, next } = appraisal(employee(1), UNIT, annual(2024), 'kurang');
    const filed = next('ObjectionFiled', { filedBy: employee(1), filedOn: '2025-01-20', reason: { alg: 'A256GCM', iv: Buffer.alloc(12).toString('base64url'), ct: 'eA', tag: Buffer.alloc(16).toString('base64url') } });
    const decided = next('ObjectionDecided', { employeeId: employee(1), period: annual(2024), decidedBy: 'reviewer-2', outcome: 'upheld', results: 'meets', behaviour: 'meets', predicate: 'baik' });
    const appraisals = given(...events, filed, decided);
    expect(appraisals.annualPredicatesOf(employee(1))).toEqual([{ year: 2024, predicate: 'baik' }]);
    expect(appraisals.distribution(2024, 'annual')).toMatchObject([{ counts: { baik: 1, kurang: 0 } }]);
    // The finalisation again (a stale redelivery) does not undo the objection.
    appraisals.apply(events[2] as DecodedEvent);
    expect(appraisals.annualPredicatesOf(employee(1))).toEqual([{ year: 2024, predicate: 'baik' }]);
  });

  it('when rejected, leaves the predicate as finalised', () => {
    const { events, next } = appraisal(employee(1), UNIT, annual(2024), 'kurang');
    const appraisals = given(...events, next('ObjectionDecided', { employeeId: employee(1), period: annual(2024), decidedBy: 'reviewer-2', outcome: 'rejected', results: 'meets', behaviour: 'below', predicate: 'kurang' }));
    expect(appraisals.annualPredicatesOf(employee(1))).toEqual([{ year: 2024, predicate: 'kurang' }]);
  });
});

describe('the annual predicates of an employee', () => {
  it('list one final annual predicate per year, by year, without quarterly ones, open ones or other employees', () => {
    const appraisals = given(
      ...appraisal(employee(1), UNIT, annual(2025), 'sangat-baik').events,
      ...appraisal(employee(1), UNIT, annual(2023), 'baik').events,
      ...appraisal(employee(1), UNIT, { kind: 'quarterly', year: 2024, quarter: 2 }, 'kurang').events,
      ...appraisal(employee(2), UNIT, annual(2024), 'kurang').events,
      ...(appraisal(employee(1), UNIT, annual(2024), 'kurang').events.slice(0, 2)),
    );
    expect(appraisals.annualPredicatesOf(employee(1))).toEqual([
      { year: 2023, predicate: 'baik' },
      { year: 2025, predicate: 'sangat-baik' },
    ]);
    expect(appraisals.annualPredicatesOf(employee(99))).toEqual([]);
  });

  it('keep a final appraisal that the employee leaving closes afterwards', () => {
    const { events, next } = appraisal(employee(1), UNIT, annual(2025), 'baik');
    const appraisals = given(...events, next('AppraisalClosed', { reason: 'employee-left', tmt: '2026-03-01' }));
    expect(appraisals.annualPredicatesOf(employee(1))).toEqual([{ year: 2025, predicate: 'baik' }]);
  });
});

describe('a unit rating', () => {
  it('set again on its stream replaces the first', () => {
    const next = stream();
    const appraisals = given(next('UnitRated', { unitId: UNIT, year: 2025, rating: 'baik', ratedBy: 'approver-1' }), next('UnitRated', { unitId: UNIT, year: 2025, rating: 'sangat-baik', ratedBy: 'approver-1' }));
    expect(appraisals.unitRating(UNIT, 2025)).toBe('sangat-baik');
    expect(appraisals.unitRating(UNIT, 2024)).toBeUndefined();
  });
});
