import { readFileSync } from 'node:fs';
import { CompetencyArea, Predicate, type Rating } from '@asn/contracts';
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

/** A rules file that does not parse or breaks the schema. */
export class RulesFileError extends Error {
  override readonly name = 'RulesFileError';
}

/** Parses a rule set; throws RulesFileError naming every bad path. */
export const parseRules = (value: unknown): EvaluationRules => {
  const parsed = EvaluationRules.safeParse(value);
  if (!parsed.success) {
    throw new RulesFileError(`invalid evaluation rules: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
};

/** The shipped rule set (evaluation-rules.json). */
export const DEFAULT_RULES: EvaluationRules = parseRules(shipped);

/** Reads and checks a rules file (RULES_FILE); throws RulesFileError when unreadable or invalid. */
export const loadRulesFile = (path: string): EvaluationRules => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RulesFileError(`cannot read the rules file: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RulesFileError('the rules file is not JSON');
  }
  return parseRules(json);
};

/** The predicate of two ratings, by the grid. */
export const predicateOf = (rules: EvaluationRules, results: Rating, behaviour: Rating): Predicate =>
  rules.predicateGrid.byResults[results][behaviour];
