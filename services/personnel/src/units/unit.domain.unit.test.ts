import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@asn/testing';
import { decideUnit, evolveUnit, initialUnit, positionExistsOn, UnitDecisionError, unitExistsOn, unitNameOn, type UnitEvent } from './unit.domain';

const PARENT = '0190d000-0000-7000-8000-000000000001';
const POSITION = '0190d000-0000-7000-8000-000000000002';
const basis = { legalBasis: 'Perwali Tanjungbalai 5/2016' };
const spec = deciderSpec({
  decide: decideUnit,
  evolve: evolveUnit,
  initialState: initialUnit,
  context: { unitExistsOn: (id: string, date: string) => id === PARENT && date >= '2000-01-01' },
});
const fold = (events: readonly UnitEvent[]) => events.reduce(evolveUnit, initialUnit());

const established: UnitEvent = { type: 'UnitEstablished', data: { name: 'Dinas Pendidikan', code: 'DISDIK', tmt: '2010-01-01', ...basis } };
const positionCreated: UnitEvent = {
  type: 'PositionCreated',
  data: { positionId: POSITION, position: { kind: 'functional', level: 'ahli-muda', title: 'Guru Ahli Muda' }, quota: 40, tmt: '2012-01-01', ...basis },
};

describe('when a unit is established', () => {
  it('records it, under a parent that existed on the TMT', () => {
    spec
      .given([])
      .when({ type: 'EstablishUnit', name: 'Bidang Mutasi', code: 'BKPSDM-MUT', parentUnitId: PARENT, tmt: '2016-01-01', ...basis })
      .then([{ type: 'UnitEstablished', data: { name: 'Bidang Mutasi', code: 'BKPSDM-MUT', parentUnitId: PARENT, tmt: '2016-01-01', ...basis } }]);
  });

  it('refuses a parent that did not exist, and a second establishment', () => {
    spec.given([]).when({ type: 'EstablishUnit', name: 'X unit', code: 'X', parentUnitId: POSITION, tmt: '2016-01-01', ...basis }).thenThrows(UnitDecisionError, (e) => e.code === 'parent-not-found');
    spec.given([established]).when({ type: 'EstablishUnit', name: 'Dinas Pendidikan', code: 'DISDIK', tmt: '2010-01-01', ...basis }).thenThrows(UnitDecisionError, (e) => e.code === 'unit-exists');
  });
});

describe('when a unit exists', () => {
  it('keeps every name with the date it took effect', () => {
    const renamed = fold([established, { type: 'UnitRenamed', data: { name: 'Dinas Pendidikan dan Kebudayaan', tmt: '2017-01-01', ...basis } }]);
    expect(unitNameOn(renamed, '2016-12-31')).toBe('Dinas Pendidikan');
    expect(unitNameOn(renamed, '2017-01-01')).toBe('Dinas Pendidikan dan Kebudayaan');
  });

  it('does nothing when renamed to the name it has', () => {
    spec.given([established]).when({ type: 'RenameUnit', name: 'Dinas Pendidikan', tmt: '2017-01-01', ...basis }).thenNothingHappened();
  });

  it('refuses a change dated before the establishment', () => {
    spec.given([established]).when({ type: 'RenameUnit', name: 'Dinas Baru', tmt: '2009-01-01', ...basis }).thenThrows(UnitDecisionError, (e) => e.code === 'before-establishment');
  });

  it('keeps its position map over time', () => {
    const unit = fold([established, positionCreated, { type: 'PositionAbolished', data: { positionId: POSITION, tmt: '2020-01-01', ...basis } }]);
    expect(positionExistsOn(unit, POSITION, '2011-12-31')).toBe(false);
    expect(positionExistsOn(unit, POSITION, '2019-12-31')).toBe(true);
    expect(positionExistsOn(unit, POSITION, '2020-01-01')).toBe(false);
  });

  it('refuses abolishing an unknown or an abolished position', () => {
    spec.given([established]).when({ type: 'AbolishPosition', positionId: POSITION, tmt: '2020-01-01', ...basis }).thenThrows(UnitDecisionError, (e) => e.kind === 'not-found');
    spec
      .given([established, positionCreated, { type: 'PositionAbolished', data: { positionId: POSITION, tmt: '2020-01-01', ...basis } }])
      .when({ type: 'AbolishPosition', positionId: POSITION, tmt: '2021-01-01', ...basis })
      .thenThrows(UnitDecisionError, (e) => e.code === 'position-abolished');
  });
});

describe('when a unit is dissolved', () => {
  const dissolved = [established, { type: 'UnitDissolved', data: { tmt: '2021-01-01', ...basis } } as UnitEvent];

  it('existed before the TMT of its dissolution, not from it on', () => {
    const unit = fold(dissolved);
    expect(unitExistsOn(unit, '2009-12-31')).toBe(false);
    expect(unitExistsOn(unit, '2020-12-31')).toBe(true);
    expect(unitExistsOn(unit, '2021-01-01')).toBe(false);
  });

  it('refuses any further change', () => {
    spec.given(dissolved).when({ type: 'RenameUnit', name: 'Dinas Lain', tmt: '2022-01-01', ...basis }).thenThrows(UnitDecisionError, (e) => e.code === 'unit-dissolved');
  });

  it('refuses a change to a unit that does not exist', () => {
    spec.given([]).when({ type: 'DissolveUnit', tmt: '2022-01-01', ...basis }).thenThrows(UnitDecisionError, (e) => e.kind === 'not-found');
  });
});
