import { z } from 'zod';
import {
  CalendarDate,
  Education,
  FUNCTIONAL_LEVELS,
  GOLONGAN,
  Golongan,
  MANAGERIAL_LEVELS,
  Predicate,
} from '@asn/contracts';
import { rulesLoader } from '@asn/runtime';
import shipped from './personnel-rules.json' with { type: 'json' };

// The rules the service applies on its own (eligibility, deadlines), as data: each names its regulation,
// the set is versioned, and an administrator replaces it with a JSON file (RULES_FILE) without a code
// change. The shipped set is personnel-rules.json; README.md in this folder explains every field.

const regulation = z.string().trim().min(1).max(200);
const years = z.number().int().min(0).max(40);
const months = z.number().int().min(1).max(120);
const age = z.number().int().min(40).max(80);

/** The names of the promotion rules, as they appear in a verdict (`promotion.<name>`). */
export const PROMOTION_RULES = [
  'employeeType',
  'status',
  'highestRank',
  'periods',
  'minYearsInRank',
  'appraisal',
  'blockedByRunningSanction',
  'educationCeiling',
  'startingRank',
  'notAboveSupervisor',
] as const;
export type PromotionRule = (typeof PROMOTION_RULES)[number];

const Promotion = z.strictObject({
  /** The regulation of every promotion rule not named in `regulationOf`. */
  regulation,
  /** A rule that stems from another regulation than the promotion's own. */
  regulationOf: z.partialRecord(z.enum(PROMOTION_RULES), regulation).default({}),
  /** When promotions take effect: the first day of any month (Peraturan BKN 4/2025, since October 2025),
   *  or the first of April and October (the rule before). */
  periods: z.enum(['monthly', 'april-october']),
  /** Full years in the current rank by the promotion date (regular promotion). */
  minYearsInRank: years,
  /** Applied only to employees with recorded appraisals (final annual predicates, read from the evaluation
   *  service's events): the predicate of each of the last `years` calendar years before the promotion year
   *  is at least `minimumPredicate`; a missing year fails. */
  appraisal: z.strictObject({ years: z.number().int().min(1).max(10), minimumPredicate: Predicate }),
  blockedByRunningSanction: z.boolean(),
  /** The next rank may not be above the direct supervisor's (when the supervisor's rank is known). */
  notAboveSupervisor: z.boolean(),
  /** Highest rank reachable by regular promotion, by education. */
  educationCeiling: z.record(Education, Golongan),
  /** Rank of a CPNS on appointment, by education. */
  startingRank: z.record(Education, Golongan),
});

const Transfer = z.strictObject({
  regulation,
  /** Full years in the post before a transfer, unless a reason is recorded (`overrideRequiresReason`). */
  minYearsInPost: years,
  /** More years than this in a post is overdue: a transfer is then allowed and the delay reported. */
  maxYearsInPost: years,
  overrideRequiresReason: z.boolean(),
});

const Retirement = z.strictObject({
  regulation,
  /** Retirement age (BUP) by position. */
  ageByPosition: z.strictObject({
    managerial: z.record(z.enum(MANAGERIAL_LEVELS), age),
    functional: z.record(z.enum(FUNCTIONAL_LEVELS), age),
    pelaksana: age,
  }),
  /** The only rule implemented: the first day of the month after the month in which the age is reached
   *  (born 1968-02-29, age 58: 2026-03-01). Stated in the data so that a reader sees it. */
  retirementDate: z.literal('first-day-of-month-after-reaching-age'),
  /** How far ahead the retirement forecast warns. */
  alertMonthsAhead: z.number().int().min(0).max(120),
});

/** A rule set: the schema of personnel-rules.json and of any RULES_FILE. */
export const PersonnelRules = z
  .strictObject({
    /** Named in every eligibility list, so that a result can be traced to the rules that produced it. */
    version: z.string().trim().min(1).max(50),
    effectiveFrom: CalendarDate,
    promotion: Promotion,
    transfer: Transfer,
    retirement: Retirement,
    probation: z.strictObject({ regulation, cpnsMonths: months }),
    contract: z.strictObject({ regulation, minMonths: months }),
  })
  .superRefine((rules, ctx) => {
    for (const education of Education.options) {
      const start = rules.promotion.startingRank[education];
      const ceiling = rules.promotion.educationCeiling[education];
      if (GOLONGAN.indexOf(start) > GOLONGAN.indexOf(ceiling)) {
        ctx.addIssue({
          code: 'custom',
          path: ['promotion', 'startingRank', education],
          message: `Above the education ceiling (${ceiling}).`,
        });
      }
    }
    if (rules.transfer.maxYearsInPost < rules.transfer.minYearsInPost) {
      ctx.addIssue({ code: 'custom', path: ['transfer', 'maxYearsInPost'], message: 'Less than minYearsInPost.' });
    }
  });
export type PersonnelRules = z.infer<typeof PersonnelRules>;

export { InvalidRulesError } from '@asn/runtime';
/** Parses a rule set (the shipped JSON or a RULES_FILE); the InvalidRulesError names every bad field's path. */
export const { loadRules, loadRulesFile } = rulesLoader(PersonnelRules, 'personnel');

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

/** The shipped rule set (personnel-rules.json), frozen: a caller cannot change it for everyone. */
export const DEFAULT_RULES: PersonnelRules = deepFreeze(loadRules(shipped));
