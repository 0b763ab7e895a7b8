import type { EvaluationEventData, Predicate } from '@asn/contracts';

/** The one event of a unit-rating stream (`evaluation-<derivedId(unitId, "unit-rating/<year>")>`). */
export type UnitRatingEvent = Extract<EvaluationEventData, { type: 'UnitRated' }>;

export interface UnitRating {
  rating?: Predicate;
  events: number;
}

export const initialUnitRating = (): UnitRating => ({ events: 0 });

export interface RateUnit {
  type: 'RateUnit';
  unitId: string;
  year: number;
  rating: Predicate;
  by: string;
}

/** Sets the unit's rating for a year; the same rating again records nothing. */
export const decideUnitRating = (command: RateUnit, state: UnitRating): UnitRatingEvent[] =>
  state.rating === command.rating
    ? []
    : [{ type: 'UnitRated', data: { unitId: command.unitId, year: command.year, rating: command.rating, ratedBy: command.by } }];

export const evolveUnitRating = (state: UnitRating, event: UnitRatingEvent): UnitRating => ({ rating: event.data.rating, events: state.events + 1 });
