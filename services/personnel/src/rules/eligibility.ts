import {
  GOLONGAN,
  isCalendarDate,
  Predicate,
  type Education,
  type EmployeeType,
  type Golongan,
  type Position,
} from '@asn/contracts';
import type { PersonnelRules, PromotionRule } from './rules';

// Pure functions over plain facts and a rule set: no clock (dates come in), no I/O. Dates are YYYY-MM-DD
// strings, compared as strings and computed on the calendar (no time zone is involved).

// ---------------------------------------------------------------------------------------------------
// Dates

type Ymd = readonly [year: number, month: number, day: number];

const parse = (date: string, name: string): Ymd => {
  // The value itself stays out of the message: it may be a birth date.
  if (!isCalendarDate(date)) throw new RangeError(`${name} must be a YYYY-MM-DD calendar date.`);
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
};

const format = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * The date `months` calendar months after `date` (before it when negative). A day that the target month
 * lacks becomes its last day: 2024-01-31 + 1 = 2024-02-29, 2024-02-29 + 12 = 2025-02-28.
 */
export const addMonths = (date: string, months: number): string => {
  const [year, month, day] = parse(date, 'addMonths: date');
  if (!Number.isSafeInteger(months)) throw new RangeError('addMonths: months must be an integer.');
  const total = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(total / 12);
  const targetMonth = total - targetYear * 12 + 1;
  return format(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
};

/**
 * Full calendar months from `from` to `to`: the largest n with addMonths(from, n) <= to. Negative when
 * `to` lies before `from` (one day before is -1: not even zero months are complete).
 */
export const monthsBetween = (from: string, to: string): number => {
  const [fy, fm] = parse(from, 'monthsBetween: from');
  const [ty, tm] = parse(to, 'monthsBetween: to');
  const months = (ty - fy) * 12 + (tm - fm);
  return addMonths(from, months) <= to ? months : months - 1;
};

/**
 * Full years from `from` to `to`: the largest n with addMonths(from, 12 n) <= to, i.e. completed
 * anniversaries, as an age (an anniversary of Feb 29 falls on Feb 28 in a common year).
 */
export const yearsBetween = (from: string, to: string): number => Math.floor(monthsBetween(from, to) / 12);

// ---------------------------------------------------------------------------------------------------
// Ranks

/** Orders two ranks: negative when `a` is lower, 0 when equal, positive when higher. */
export const compareGolongan = (a: Golongan, b: Golongan): number => GOLONGAN.indexOf(a) - GOLONGAN.indexOf(b);

/** The rank one step up, or undefined at IV/e. */
export const nextGolongan = (g: Golongan): Golongan | undefined => GOLONGAN[GOLONGAN.indexOf(g) + 1];

// ---------------------------------------------------------------------------------------------------
// Promotion

/** What regular promotion needs to know about an employee. */
export interface PromotionFacts {
  employeeType: EmployeeType;
  /** The employee's status; only 'active' may be promoted. */
  status: 'active' | (string & {});
  golongan: Golongan;
  /** TMT of the current rank. */
  rankSince: string;
  /** Undefined when not recorded or erased: the education ceiling then cannot be checked. */
  education?: Education;
  /** A running discipline sanction lasts until this date, exclusive. */
  runningSanctionUntil?: string;
  /**
   * Final annual SKP predicates by calendar year, as the evaluation service recorded them (the predicate
   * after an objection, when one was decided). None recorded (an employee appraised before the system, or
   * a deployment without the evaluation service): pass [] and the check is skipped.
   */
  appraisals: readonly { year: number; predicate: Predicate }[];
  /** The direct supervisor's rank, when known. */
  supervisorGolongan?: Golongan;
}

export interface Verdict {
  eligible: boolean;
  /** Every unmet rule (none when eligible), each with its regulation. */
  reasons: { rule: string; regulation: string; message: string }[];
}

const PREDICATE_RANK: readonly Predicate[] = Predicate.options; // best first

/**
 * Whether a PNS may be promoted regularly (kenaikan pangkat reguler) with effect from `periodDate`.
 * Every rule is checked and every unmet one reported:
 * - `promotion.employeeType`, `promotion.status`: an active PNS (not a CPNS, not a PPPK);
 * - `promotion.highestRank`: not at IV/e;
 * - `promotion.periods`: `periodDate` is a promotion date (the first of a month, when monthly);
 * - `promotion.minYearsInRank`: full years in the current rank by `periodDate` (exactly 4 years counts);
 * - `promotion.educationCeiling`: the next rank is not above the ceiling of the education; an unknown
 *   (unrecorded or erased) education fails, since the ceiling cannot be proven;
 * - `promotion.notAboveSupervisor`: the next rank is not above the supervisor's, when that is known;
 * - `promotion.appraisal`: applied to employees with recorded appraisals (final annual predicates from
 *   the evaluation service): each of the last `years` calendar years before the year of `periodDate` has a
 *   predicate at least the minimum, and no worse one; a year without one fails once any year is recorded;
 * - `promotion.blockedByRunningSanction`: no discipline sanction runs on `periodDate`.
 */
export const promotionEligibility = (facts: PromotionFacts, periodDate: string, rules: PersonnelRules): Verdict => {
  const [periodYear, periodMonth, periodDay] = parse(periodDate, 'promotionEligibility: periodDate');
  const promotion = rules.promotion;
  const reasons: Verdict['reasons'] = [];
  const unmet = (rule: PromotionRule, message: string): void => {
    reasons.push({
      rule: `promotion.${rule}`,
      regulation: promotion.regulationOf[rule] ?? promotion.regulation,
      message,
    });
  };

  if (facts.employeeType !== 'PNS') {
    unmet('employeeType', 'Only a PNS is promoted in rank regularly: a CPNS is confirmed first, a PPPK has grades.');
  }
  if (facts.status !== 'active') unmet('status', 'Only an active employee is promoted.');

  if (promotion.periods === 'monthly' && periodDay !== 1) {
    unmet('periods', 'A promotion takes effect on the first day of a month.');
  } else if (promotion.periods === 'april-october' && (periodDay !== 1 || (periodMonth !== 4 && periodMonth !== 10))) {
    unmet('periods', 'A promotion takes effect on the first of April or of October.');
  }

  const inRank = yearsBetween(facts.rankSince, periodDate);
  if (inRank < promotion.minYearsInRank) {
    unmet(
      'minYearsInRank',
      `${promotion.minYearsInRank} full years in the current rank are needed by the promotion date; ${Math.max(inRank, 0)} completed.`,
    );
  }

  const next = nextGolongan(facts.golongan);
  if (!next) {
    unmet('highestRank', `${facts.golongan} is the highest rank.`);
  } else {
    if (facts.education === undefined) {
      unmet(
        'educationCeiling',
        'The education is not known (not recorded or erased), so the ceiling of regular promotion cannot be checked.',
      );
    } else if (compareGolongan(next, promotion.educationCeiling[facts.education]) > 0) {
      unmet('educationCeiling', `The next rank, ${next}, is above the ceiling of the employee's education.`);
    }
    if (
      promotion.notAboveSupervisor &&
      facts.supervisorGolongan &&
      compareGolongan(next, facts.supervisorGolongan) > 0
    ) {
      unmet('notAboveSupervisor', `The next rank, ${next}, would be above the direct supervisor's rank.`);
    }
  }

  if (facts.appraisals.length > 0) {
    const minimum = PREDICATE_RANK.indexOf(promotion.appraisal.minimumPredicate);
    const failing: number[] = [];
    for (let year = periodYear - promotion.appraisal.years; year < periodYear; year++) {
      const ofYear = facts.appraisals.filter((a) => a.year === year);
      if (ofYear.length === 0 || ofYear.some((a) => PREDICATE_RANK.indexOf(a.predicate) > minimum)) failing.push(year);
    }
    if (failing.length > 0) {
      unmet(
        'appraisal',
        `The SKP predicate is missing or below ${promotion.appraisal.minimumPredicate} in ${failing.join(', ')}.`,
      );
    }
  }

  if (promotion.blockedByRunningSanction && facts.runningSanctionUntil !== undefined) {
    parse(facts.runningSanctionUntil, 'promotionEligibility: runningSanctionUntil');
    if (periodDate < facts.runningSanctionUntil)
      unmet('blockedByRunningSanction', 'A discipline sanction runs on the promotion date.');
  }

  return { eligible: reasons.length === 0, reasons };
};

// ---------------------------------------------------------------------------------------------------
// Retirement

/** Retirement age (BUP) for the position held. */
export const retirementAge = (position: Position, rules: PersonnelRules): number => {
  const ages = rules.retirement.ageByPosition;
  switch (position.kind) {
    case 'managerial':
      return ages.managerial[position.level];
    case 'functional':
      return ages.functional[position.level];
    case 'pelaksana':
      return ages.pelaksana;
  }
};

/**
 * The retirement date: the first day of the month after the month in which the employee reaches the
 * retirement age. Only the birth month counts, so a birthday on Feb 29 needs no convention:
 * born 1968-02-29, age 58, retires 2026-03-01; born 1968-12-15, age 60, retires 2029-01-01.
 */
export const retirementDate = (birthDate: string, position: Position, rules: PersonnelRules): string => {
  const [year, month] = parse(birthDate, 'retirementDate: birthDate');
  const reached = year + retirementAge(position, rules);
  return month === 12 ? format(reached + 1, 1, 1) : format(reached, month + 1, 1);
};

// ---------------------------------------------------------------------------------------------------
// Transfer

/**
 * Tenure in the current post on the TMT of a transfer. `years` counts whole months (18 months: 1.5).
 * - `too-short`: less than `minYearsInPost` (not ok: a transfer needs a recorded reason);
 * - `too-long`: more than `maxYearsInPost`, i.e. overdue (ok: the transfer is allowed; report the delay).
 * Exactly `minYearsInPost` or `maxYearsInPost` years is within the rule.
 */
export const transferTenure = (
  inPostSince: string,
  tmt: string,
  rules: PersonnelRules,
): { ok: boolean; years: number; reason?: 'too-short' | 'too-long' } => {
  const years = monthsBetween(inPostSince, tmt) / 12;
  const { minYearsInPost, maxYearsInPost } = rules.transfer;
  if (tmt < addMonths(inPostSince, minYearsInPost * 12)) return { ok: false, years, reason: 'too-short' };
  if (tmt > addMonths(inPostSince, maxYearsInPost * 12)) return { ok: true, years, reason: 'too-long' };
  return { ok: true, years };
};
