import { Predicate } from '@asn/contracts';
import type { EvaluationRules } from '../rules/rules';

export interface PredicateShare {
  predicate: Predicate;
  count: number;
  /** count / total, 0 when there is no appraisal. */
  share: number;
  /** Largest share the unit's rating allows, when the predicate is capped. */
  cap?: number;
  exceeded: boolean;
}

export interface Distribution {
  total: number;
  unitRating?: Predicate;
  /** Every predicate, best first. */
  predicates: PredicateShare[];
  /** Set when a capped predicate's share is above its cap: the figures, for the evaluator and the event. */
  warning?: string;
}

const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/**
 * The distribution of a unit's predicates against the cap of the unit's own rating (PermenPANRB 6/2022).
 * Without a unit rating nothing is capped. Breaking a cap is a warning, never a refusal.
 */
export const distributionOf = (rules: EvaluationRules, predicates: readonly Predicate[], unitRating?: Predicate): Distribution => {
  const total = predicates.length;
  const caps = unitRating === undefined ? {} : (rules.distributionCaps.byUnitRating[unitRating] ?? {});
  const shares = Predicate.options.map((predicate): PredicateShare => {
    const count = predicates.filter((p) => p === predicate).length;
    const share = total === 0 ? 0 : count / total;
    const cap = caps[predicate];
    return { predicate, count, share, ...(cap === undefined ? {} : { cap }), exceeded: cap !== undefined && share > cap };
  });
  const broken = shares.filter((s) => s.exceeded);
  const warning =
    broken.length === 0 || unitRating === undefined
      ? undefined
      : `Unit rated ${unitRating}: ${broken.map((s) => `${s.predicate} ${s.count} of ${total} (${percent(s.share)}) above the cap of ${percent(s.cap ?? 0)}`).join('; ')}.`;
  return { total, ...(unitRating === undefined ? {} : { unitRating }), predicates: shares, ...(warning === undefined ? {} : { warning }) };
};
