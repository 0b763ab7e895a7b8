import { DEFAULT_TRAINING_RULES } from '@asn/contracts';
import { randomUUID } from 'node:crypto';
import type { DecodedEvent } from '@asn/bus';
import { cloudEventType, trainingEventRegistry } from '@asn/contracts';
import { anEmployeeId, appointed, aUnitId, decided, established, given as givenOrgChart, transferred, type TopicEvent } from '@asn/org-chart/testing';
import { describe, expect, it } from '@jest/globals';
import { openJpCompliance, type JpCompliance } from './jp';

// The JP read model fed decoded training-topic events; units and employee types come from an org chart
// in the same database, fed personnel events before or after the completions (the topics are not ordered).

const DINAS = aUnitId(801);
const BAPENDA = aUnitId(802);
const [PNS_MET, PNS_SHORT, PPPK, MOVED, LEFT] = [11, 12, 13, 14, 15].map((n) => anEmployeeId(n)) as [string, string, string, string, string];
const PROGRAMME = `programme-${randomUUID()}`;

const completion = (employeeId: string, jp: number, completedOn: string, enrollmentId: string = randomUUID()): DecodedEvent => {
  const eventType = 'ParticipantCompleted';
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/asn/training',
    type: cloudEventType('training', eventType, 1),
    time: new Date().toISOString(),
    subject: PROGRAMME,
    datacontenttype: 'application/json',
    schemaversion: 1,
    streamrevision: 0,
    globalposition: 0,
    eventType,
    data: trainingEventRegistry.parse(eventType, 1, { enrollmentId, employeeId, certificateNumber: 'CERT/2025/001', competencyArea: 'technical', jp, completedOn, recordedBy: 'officer-1' }),
  };
};

const personnel: TopicEvent[] = [
  established(DINAS, 'Dinas Pendidikan', '2010-01-01'),
  established(BAPENDA, 'Badan Pendapatan Daerah', '2010-01-01'),
  appointed(PNS_MET, '2015-03-01', { unitId: DINAS }),
  appointed(PNS_SHORT, '2015-03-01', { unitId: DINAS }),
  appointed(PPPK, '2021-03-01', { unitId: BAPENDA, employeeType: 'PPPK', contractUntil: '2026-03-01' }),
  appointed(MOVED, '2015-03-01', { unitId: DINAS }),
  transferred(MOVED, '2025-07-01', BAPENDA),
  appointed(LEFT, '2015-03-01', { unitId: DINAS }),
  decided(LEFT, { kind: 'dismissal', dismissalKind: 'own-request', ground: 'own-request' }, '2025-05-01'),
];

const given = (completions: DecodedEvent[], orgEvents: TopicEvent[] = personnel): { jp: JpCompliance; more: (...events: TopicEvent[]) => void } => {
  const { chart, db, when } = givenOrgChart();
  const jp = openJpCompliance(db, chart);
  for (const event of completions) jp.apply(event);
  for (const event of orgEvents) when(event);
  return { jp, more: (...events) => events.forEach(when) };
};

const COMPLETIONS = [
  completion(PNS_MET, 12, '2025-03-10'),
  completion(PNS_MET, 8, '2025-09-01'),
  completion(PNS_MET, 30, '2024-06-01'),
  completion(PNS_SHORT, 5, '2025-02-01'),
  completion(PPPK, 20, '2025-04-01'),
  completion(MOVED, 24, '2025-11-20'),
  completion(LEFT, 40, '2025-01-10'),
];

describe('the JP of a year', () => {
  it('sum each employee’s completions of that calendar year only', () => {
    const { jp } = given(COMPLETIONS);
    expect(jp.jpByEmployee(2025)).toEqual(new Map([[PNS_MET, 20], [PNS_SHORT, 5], [PPPK, 20], [MOVED, 24], [LEFT, 40]]));
    expect(jp.jpByEmployee(2024)).toEqual(new Map([[PNS_MET, 30]]));
  });

  it('give per employee in service on the report date their unit then, entitlement (20 PNS, 24 PPPK), whether met and the shortfall', () => {
    const { jp } = given(COMPLETIONS);
    expect(jp.employees(2025, '2025-12-31')).toEqual(
      [
        { employeeId: PNS_MET, unitId: DINAS, employeeType: 'PNS', jp: 20, entitlement: 20, met: true, shortfall: 0 },
        { employeeId: PNS_SHORT, unitId: DINAS, employeeType: 'PNS', jp: 5, entitlement: 20, met: false, shortfall: 15 },
        { employeeId: PPPK, unitId: BAPENDA, employeeType: 'PPPK', jp: 20, entitlement: 24, met: false, shortfall: 4 },
        { employeeId: MOVED, unitId: BAPENDA, employeeType: 'PNS', jp: 24, entitlement: 20, met: true, shortfall: 0 },
      ].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : a.employeeId < b.employeeId ? -1 : 1)),
    );
  });

  it('sum per unit: employees, how many met their entitlement, total JP and shortfall', () => {
    const { jp } = given(COMPLETIONS);
    const units = jp.units(2025, '2025-12-31');
    expect(units).toHaveLength(2);
    expect(units).toEqual(
      expect.arrayContaining([
        { unitId: DINAS, unitName: 'Dinas Pendidikan', employees: 2, met: 1, totalJp: 25, shortfall: 15 },
        { unitId: BAPENDA, unitName: 'Badan Pendapatan Daerah', employees: 2, met: 1, totalJp: 44, shortfall: 4 },
      ]),
    );
    // As of mid-year, the transferred employee is still in the first unit.
    expect(jp.units(2025, '2025-06-30').find((u) => u.unitId === DINAS)).toMatchObject({ employees: 3, met: 2, totalJp: 49 });
  });
});

describe('completions that arrive before the personnel events', () => {
  it('count once the employee is in the org chart, in the unit of the report date', () => {
    const { jp, more } = given([completion(PNS_SHORT, 21, '2025-03-01')], []);
    expect(jp.units(2025, '2025-12-31')).toEqual([]);
    more(established(DINAS, 'Dinas Pendidikan', '2010-01-01'), appointed(PNS_SHORT, '2015-03-01', { unitId: DINAS }));
    expect(jp.units(2025, '2025-12-31')).toEqual([{ unitId: DINAS, unitName: 'Dinas Pendidikan', employees: 1, met: 1, totalJp: 21, shortfall: 0 }]);
  });
});

describe('a completion delivered again', () => {
  it('is counted once (by enrolment), and other training events are ignored', () => {
    const first = completion(PNS_SHORT, 10, '2025-03-01');
    const { jp } = given([first, first, { ...first, id: randomUUID() }, { ...first, eventType: 'ParticipantEnrolled', data: {} }]);
    expect(jp.jpByEmployee(2025)).toEqual(new Map([[PNS_SHORT, 10]]));
  });
});

describe('the entitlement counted against', () => {
  it('is the training rules in force: a rules file raising the PNS entitlement to 24 JP turns a met 20 into a shortfall of 4', () => {
    const { chart, db, when } = givenOrgChart();
    const rules = { ...DEFAULT_TRAINING_RULES, version: 'test', entitlements: { ...DEFAULT_TRAINING_RULES.entitlements, PNS: { ...DEFAULT_TRAINING_RULES.entitlements.PNS, jp: 24 } } };
    const jp = openJpCompliance(db, chart, () => rules);
    for (const event of COMPLETIONS) jp.apply(event);
    for (const event of personnel) when(event);
    expect(jp.employees(2025, '2025-12-31').find((e) => e.employeeId === PNS_MET)).toMatchObject({ jp: 20, entitlement: 24, met: false, shortfall: 4 });
    expect(jp.rules().version).toBe('test');
    expect(given(COMPLETIONS).jp.rules()).toBe(DEFAULT_TRAINING_RULES);
  });
});
