import type { Decision } from '@asn/contracts';
import { describe, expect, it } from '@jest/globals';
import { assignmentsOf, decisionsInForce, positionRank, type StoredDecision } from './career';
import { aUnitId, managerial, pelaksana } from './orgChart.fixtures';

const UNIT_A = aUnitId(11);
const UNIT_B = aUnitId(12);

const appointment: Decision = {
  kind: 'appointment',
  employeeType: 'PNS',
  golongan: 'III/a',
  unitId: UNIT_A,
  position: pelaksana(),
};
const toB: Decision = { kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_B };
const backToA: Decision = { kind: 'transfer', transferKind: 'within-city', toUnitId: UNIT_A };
const retirement: Decision = { kind: 'retirement' };

/** Decisions as recorded, in this order, with made-up ids d1, d2… */
const recorded = (...decisions: [string, Decision][]): StoredDecision[] =>
  decisions.map(([tmt, decision], i) => ({ decisionId: `d${i + 1}`, seq: i + 1, tmt, decision }));

const fold = (...decisions: [string, Decision][]) => assignmentsOf(decisionsInForce(recorded(...decisions)).inForce);
const spans = (...decisions: [string, Decision][]) =>
  fold(...decisions).map((a) => [a.unitId === UNIT_A ? 'A' : 'B', a.from, a.to, a.endedBy]);

describe('the assignments of a career', () => {
  it('start with the appointment and change with each decision that moves the employee', () => {
    expect(spans(['2020-01-01', appointment], ['2022-01-01', toB])).toEqual([
      ['A', '2020-01-01', '2022-01-01', undefined],
      ['B', '2022-01-01', undefined, undefined],
    ]);
  });

  it('collapse changes on the same TMT into one assignment', () => {
    expect(spans(['2020-01-01', appointment], ['2020-01-01', toB])).toEqual([
      ['B', '2020-01-01', undefined, undefined],
    ]);
  });

  it('continue the previous assignment when a change is undone on the day it took effect', () => {
    expect(spans(['2020-01-01', appointment], ['2022-01-01', toB], ['2022-01-01', backToA])).toEqual([
      ['A', '2020-01-01', undefined, undefined],
    ]);
  });

  it('end by leaving from the assignment held the day before, when the last change took effect on the day of leaving', () => {
    expect(spans(['2020-01-01', appointment], ['2022-01-01', toB], ['2022-01-01', retirement])).toEqual([
      ['A', '2020-01-01', '2022-01-01', 'retirement'],
    ]);
  });

  it('keep an empty assignment for an appointment that ended on its own TMT, so that the leaving is known', () => {
    expect(spans(['2020-01-01', appointment], ['2020-01-01', retirement])).toEqual([
      ['A', '2020-01-01', '2020-01-01', 'retirement'],
    ]);
  });

  it('ignore decisions after leaving until a new appointment', () => {
    expect(
      spans(['2020-01-01', appointment], ['2021-01-01', retirement], ['2021-06-01', toB], ['2023-01-01', appointment]),
    ).toEqual([
      ['A', '2020-01-01', '2021-01-01', 'retirement'],
      ['A', '2023-01-01', undefined, undefined],
    ]);
  });

  it('restart the time in a position on a transfer, not on a confirmation', () => {
    const [first, second, third] = fold(
      ['2020-01-01', { ...appointment, employeeType: 'CPNS' }],
      ['2021-01-01', { kind: 'confirmation' }],
      ['2022-01-01', toB],
    );

    expect([first?.positionSince, second?.positionSince, third?.positionSince]).toEqual([
      '2020-01-01',
      '2020-01-01',
      '2022-01-01',
    ]);
    expect([first?.employeeType, second?.employeeType]).toEqual(['CPNS', 'PNS']);
  });
});

describe('the decisions in force', () => {
  it('take the latest correction of a decision, at the TMT of the correcting decree', () => {
    const { inForce, standing } = decisionsInForce(
      recorded(
        ['2020-01-01', appointment],
        ['2022-01-01', toB],
        ['2022-02-01', { kind: 'correction', correctsDecisionId: 'd2', reason: 'Salah unit tujuan' }],
        [
          '2022-03-01',
          { kind: 'correction', correctsDecisionId: 'd2', reason: 'Unit tujuan yang benar', replacement: backToA },
        ],
      ),
    );

    expect(inForce.map((d) => [d.decisionId, d.tmt, d.decision])).toEqual([
      ['d1', '2020-01-01', appointment],
      ['d2', '2022-03-01', backToA],
    ]);
    expect(Object.fromEntries(standing)).toEqual({
      d1: 'in-force',
      d2: 'replaced',
      d3: 'correction',
      d4: 'correction',
    });
  });

  it('leave out a revoked decision', () => {
    const { inForce, standing } = decisionsInForce(
      recorded(
        ['2020-01-01', appointment],
        ['2022-01-01', toB],
        ['2022-02-01', { kind: 'correction', correctsDecisionId: 'd2', reason: 'Dibatalkan' }],
      ),
    );

    expect(inForce.map((d) => d.decisionId)).toEqual(['d1']);
    expect(standing.get('d2')).toBe('revoked');
  });
});

describe('the rank of a position', () => {
  it('puts jpt-utama first, pengawas last among managers and everyone else below', () => {
    expect(positionRank(managerial('jpt-utama'))).toBeLessThan(positionRank(managerial('pengawas')));
    expect(positionRank(managerial('pengawas'))).toBeLessThan(positionRank(pelaksana()));
    expect(positionRank(pelaksana())).toBe(
      positionRank({ kind: 'functional', level: 'ahli-utama', title: 'Peneliti Ahli Utama' }),
    );
  });
});
