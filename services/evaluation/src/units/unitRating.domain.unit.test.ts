import { describe, it } from '@jest/globals';
import { deciderSpec } from '@asn/testing';
import { decideUnitRating, evolveUnitRating, initialUnitRating, type UnitRatingEvent } from './unitRating.domain';

const UNIT = '0190a000-0000-7000-8000-000000000001';
const spec = deciderSpec({ decide: decideUnitRating, evolve: evolveUnitRating, initialState: initialUnitRating });
const rated = (rating: 'baik' | 'sangat-baik'): UnitRatingEvent => ({ type: 'UnitRated', data: { unitId: UNIT, year: 2026, rating, ratedBy: 'approver-1' } });

describe("a unit's rating for a year", () => {
  it('is recorded', () => {
    spec.given([]).when({ type: 'RateUnit', unitId: UNIT, year: 2026, rating: 'baik', by: 'approver-1' }).then([rated('baik')]);
  });
  it('changes', () => {
    spec.given([rated('baik')]).when({ type: 'RateUnit', unitId: UNIT, year: 2026, rating: 'sangat-baik', by: 'approver-1' }).then([rated('sangat-baik')]);
  });
  it('records nothing when set to the same rating again', () => {
    spec.given([rated('baik')]).when({ type: 'RateUnit', unitId: UNIT, year: 2026, rating: 'baik', by: 'approver-1' }).thenNothingHappened();
  });
});
