import { evaluationEventRegistry, Predicate, streamId } from '@asn/contracts';
import { derivedId, newId, type EventStore } from '@asn/event-store';
import { defineRoute, etagOf, ForbiddenError, type Route } from '@asn/service-kit';
import { z } from 'zod';
import type { AppraisalIndex } from '../appraisals/appraisals.projection';
import { distributionOf } from '../appraisals/distribution';
import type { EvaluationRules } from '../rules/rules';
import { unitScope } from './unitScope';
import { decideUnitRating, evolveUnitRating, initialUnitRating, type UnitRatingEvent } from './unitRating.domain';

const Id = z.uuid().toLowerCase();
const Year = z.coerce.number().int().min(2000).max(2199);

export const UnitRatingBody = z.strictObject({ rating: Predicate });

/** One stream per unit and year, so that If-Match names the revision of that year's rating. */
export const unitRatingStreamId = (unitId: string, year: number): string => streamId('evaluation', derivedId(unitId, `unit-rating/${year}`));

export const unitRatingRoutes = (deps: { store: EventStore; index: AppraisalIndex; rules: () => EvaluationRules }): Route[] => [
  defineRoute({
    method: 'put',
    path: '/v1/units/:unitId/ratings/:year',
    summary: "Set the unit's own performance rating for a year: it caps the distribution of its appraisals' predicates",
    tags: ['distribution'],
    operationId: 'rateUnit',
    access: ['hr-approver'],
    params: z.strictObject({ unitId: Id, year: Year }),
    body: UnitRatingBody,
    ifMatch: 'optional',
    responses: {
      200: { description: 'The rating is recorded (the same rating again records nothing); ETag is its revision' },
      403: { description: 'The token names a unit: a unit is rated by a city-wide official' },
    },
    handler: async (ctx) => {
      // The rating caps the unit's own predicates: an official of a unit does not rate it (nor another).
      if (ctx.principal?.unit) throw new ForbiddenError("A unit's rating is set by a city-wide official, not by an official of a unit.");
      const { unitId, year } = ctx.params;
      const stream = unitRatingStreamId(unitId, year);
      let state = initialUnitRating();
      let revision = -1;
      for await (const recorded of deps.store.readStream(stream)) {
        state = evolveUnitRating(state, evaluationEventRegistry.parseEvent(recorded) as unknown as UnitRatingEvent);
        revision = recorded.revision;
      }
      const events = decideUnitRating({ type: 'RateUnit', unitId, year, rating: ctx.body.rating, by: ctx.principal?.subject ?? 'anonymous' }, state);
      if (events.length > 0) {
        const expected = ctx.expectedRevision ?? (revision < 0 ? 'no_stream' : revision);
        const result = await deps.store.appendToStream(
          stream,
          events.map((event) => ({
            id: newId(),
            type: event.type,
            schemaVersion: evaluationEventRegistry.latestVersion(event.type),
            data: event.data,
            metadata: { actor: { subject: ctx.principal?.subject ?? 'anonymous', role: 'hr-approver' }, correlationId: ctx.requestId },
          })),
          { expectedRevision: expected },
        );
        revision = result.nextExpectedRevision;
      }
      return { status: 200, headers: { ETag: etagOf(revision) }, body: { unitId, year, rating: ctx.body.rating, revision } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/units/:unitId/distribution',
    summary: "Counts and shares of the unit's final predicates for a period, against the cap of the unit's rating",
    tags: ['distribution'],
    operationId: 'getDistribution',
    access: ['hr-staff', 'hr-approver', 'auditor', 'evaluator'],
    params: z.strictObject({ unitId: Id }),
    query: z.strictObject({ period: z.string().regex(/^\d{4}(-Q[1-4])?$/, 'A period such as 2026 or 2026-Q3.') }),
    responses: { 200: { description: 'The distribution; `warning` when a cap is broken' }, 404: { description: "Another unit than the official's own" } },
    handler: async (ctx) => {
      const unitId = unitScope(ctx.principal, ctx.params.unitId) ?? ctx.params.unitId;
      await deps.index.catchUp();
      const year = Number(ctx.query.period.slice(0, 4));
      const rating = deps.index.unitRating(unitId, year)?.rating;
      const distribution = distributionOf(deps.rules(), [...deps.index.finalPredicates(unitId, ctx.query.period).values()], rating);
      const caps = rating === undefined ? {} : (deps.rules().distributionCaps.byUnitRating[rating] ?? {});
      return { status: 200, body: { unitId, period: ctx.query.period, unitRating: rating ?? null, caps, ...distribution } };
    },
  }),
];
