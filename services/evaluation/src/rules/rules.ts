import { CompetencyArea, Predicate, type Rating } from '@asn/contracts';
import { rulesLoader } from '@asn/runtime';
import { z } from 'zod';
import shipped from './evaluation-rules.json' with { type: 'json' };

// The appraisal rules as data (DOMAIN.md "Performance appraisal"): the predicate grid, the distribution caps
// per unit rating, the objection window and the competency area a below rating calls for. Each part names
// its regulation; an administrator replaces the set with a JSON file (RULES_FILE) without a code change.

const regulation = z.string().trim().min(1).max(300);
const Share = z.number().min(0).max(1);

const ByBehaviour = z.strictObject({ above: Predicate, meets: Predicate, below: Predicate });

export const EvaluationRules = z.strictObject({
  version: z.string().trim().min(1).max(50),
  regulation,
  predicateGrid: z.strictObject({
    regulation,
    /** results → behaviour → predicate. */
    byResults: z.strictObject({ above: ByBehaviour, meets: ByBehaviour, below: ByBehaviour }),
  }),
  distributionCaps: z.strictObject({
    regulation,
    note: z.string().max(1000).optional(),
    /** unit rating → predicate → largest share of the unit's appraisals (0..1). */
    byUnitRating: z.record(Predicate, z.partialRecord(Predicate, Share)),
  }),
  objection: z.strictObject({ regulation, windowDays: z.number().int().min(1).max(90) }),
  trainingNeeds: z.strictObject({
    regulation,
    poorPredicates: z.array(Predicate).min(1).max(5),
    areaForBelow: z.strictObject({ results: CompetencyArea, behaviour: CompetencyArea }),
  }),
});
export type EvaluationRules = z.infer<typeof EvaluationRules>;

export { InvalidRulesError } from '@asn/runtime';
/** Parses a rule set (the shipped JSON or a RULES_FILE); the InvalidRulesError names every bad field's path. */
export const { loadRules, loadRulesFile } = rulesLoader(EvaluationRules, 'evaluation');

/** The shipped rule set (evaluation-rules.json). */
export const DEFAULT_RULES: EvaluationRules = loadRules(shipped);

/** The predicate of two ratings, by the grid. */
export const predicateOf = (rules: EvaluationRules, results: Rating, behaviour: Rating): Predicate =>
  rules.predicateGrid.byResults[results][behaviour];
