import type { CompetencyArea, EmployeeType } from '@asn/contracts';
import type { TrainingRules } from '../rules/rules';

export interface Completion {
  completedOn: string;
  jp: number;
  competencyArea: CompetencyArea;
}

export interface JpTally {
  year: number;
  /** First day counted (inclusive). */
  from: string;
  /** First day no longer counted (exclusive). */
  until: string;
  jpDone: number;
  entitlement: number;
  shortfall: number;
  per: 'calendar-year' | 'contract-year';
  regulation: string;
  rulesVersion: string;
}

const isoDay = (year: number, month: number, day: number): string => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);

/**
 * The window the JP of `year` are counted in: the calendar year, or for a contract-year entitlement the year
 * of the work agreement that starts on the appointment's anniversary in `year` (29 February becomes 1 March).
 */
export const tallyWindow = (per: 'calendar-year' | 'contract-year', year: number, appointedOn?: string): { from: string; until: string } => {
  if (per === 'calendar-year' || appointedOn === undefined) return { from: `${year}-01-01`, until: `${year + 1}-01-01` };
  const month = Number(appointedOn.slice(5, 7));
  const day = Number(appointedOn.slice(8, 10));
  return { from: isoDay(year, month, day), until: isoDay(year + 1, month, day) };
};

/** JP completed in the window of `year` against the entitlement of the employee's type. */
export const jpTally = (
  rules: TrainingRules,
  employee: { employeeType: EmployeeType; appointedOn?: string },
  year: number,
  completions: readonly Completion[],
): JpTally => {
  const rule = rules.entitlements[employee.employeeType];
  const { from, until } = tallyWindow(rule.per, year, employee.appointedOn);
  const jpDone = completions.filter((c) => c.completedOn >= from && c.completedOn < until).reduce((sum, c) => sum + c.jp, 0);
  return {
    year,
    from,
    until,
    jpDone,
    entitlement: rule.jp,
    shortfall: Math.max(0, rule.jp - jpDone),
    per: rule.per,
    regulation: rule.regulation,
    rulesVersion: rules.version,
  };
};

/** Completions summed by competency area: the employee's competency record. */
export const competencyRecord = (completions: readonly Completion[]): { competencyArea: CompetencyArea; jp: number; completions: number; lastCompletedOn: string }[] => {
  const byArea = new Map<CompetencyArea, { competencyArea: CompetencyArea; jp: number; completions: number; lastCompletedOn: string }>();
  for (const c of completions) {
    const entry = byArea.get(c.competencyArea) ?? { competencyArea: c.competencyArea, jp: 0, completions: 0, lastCompletedOn: c.completedOn };
    entry.jp += c.jp;
    entry.completions += 1;
    if (c.completedOn > entry.lastCompletedOn) entry.lastCompletedOn = c.completedOn;
    byArea.set(c.competencyArea, entry);
  }
  return [...byArea.values()].sort((a, b) => (a.competencyArea < b.competencyArea ? -1 : 1));
};
