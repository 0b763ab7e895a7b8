import type { DecodedEvent } from '@asn/bus';
import { DEFAULT_TRAINING_RULES, parseStreamId, type EmployeeType, type TrainingEventData, type TrainingRules } from '@asn/contracts';
import type { OrgChart, OrgEmployee } from '@asn/org-chart';
import type { Database } from 'better-sqlite3';

/**
 * JP (jam pelajaran) compliance per unit and year, from the training topic: each completion's JP and date,
 * keyed by enrolment. Who is in which unit, and of which type, is read from the org chart when asked, not
 * when a completion arrives: the training and personnel topics are not ordered relative to each other.
 * No personal data: certificate numbers and notes are not stored.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jp_completions (
  enrollment_id TEXT PRIMARY KEY,
  programme_id TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  jp INTEGER NOT NULL,
  completed_on TEXT NOT NULL,
  competency_area TEXT NOT NULL,
  event_id TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS jp_completions_by_date ON jp_completions (completed_on, employee_id);
`;

export const JP_TABLES = ['jp_completions'] as const;

export interface EmployeeJp {
  employeeId: string;
  unitId: string;
  employeeType: EmployeeType;
  jp: number;
  entitlement: number;
  met: boolean;
  shortfall: number;
}

export interface UnitJp {
  unitId: string;
  unitName: string | null;
  /** In service in the unit on the report date. */
  employees: number;
  /** Of them, those who completed their entitlement in the year. */
  met: number;
  totalJp: number;
  /** The JP missing to every employee's entitlement, summed. */
  shortfall: number;
}

export interface JpCompliance {
  /** Records one training-topic event; other events are ignored. */
  apply(event: DecodedEvent): void;
  /** JP completed in the calendar year per employee id (those with any completion). */
  jpByEmployee(year: number): Map<string, number>;
  /** Everyone in service on `asOf` (by the org chart then) with their JP of `year`, by unit then employee id. */
  employees(year: number, asOf: string): EmployeeJp[];
  /** Per unit of the employees in service on `asOf`, by unit id. */
  units(year: number, asOf: string): UnitJp[];
  /** The rules counted against: JP per year by employee type. Counted here per calendar year for everyone (the report is per year), while the training service counts a PPPK's JP per contract year for the employee's own tally. */
  rules(): TrainingRules;
}

export const openJpCompliance = (db: Database, orgChart: Pick<OrgChart, 'employees' | 'unit'>, rules: () => TrainingRules = () => DEFAULT_TRAINING_RULES): JpCompliance => {
  db.exec(SCHEMA);
  // A completion recorded again for the same enrolment (a corrected record) replaces the first.
  const completed = db.prepare(
    `INSERT INTO jp_completions (enrollment_id, programme_id, employee_id, jp, completed_on, competency_area, event_id)
     VALUES (@enrollmentId, @programmeId, @employeeId, @jp, @completedOn, @competencyArea, @eventId)
     ON CONFLICT (enrollment_id) DO UPDATE SET employee_id = excluded.employee_id, jp = excluded.jp, completed_on = excluded.completed_on,
       competency_area = excluded.competency_area, event_id = excluded.event_id`,
  );
  const sums = db.prepare<[string, string], { employee_id: string; jp: number }>('SELECT employee_id, SUM(jp) AS jp FROM jp_completions WHERE completed_on BETWEEN ? AND ? GROUP BY employee_id');

  const jpByEmployee = (year: number): Map<string, number> => new Map(sums.all(`${year}-01-01`, `${year}-12-31`).map((r) => [r.employee_id, r.jp]));

  const employees = (year: number, asOf: string): EmployeeJp[] => {
    const done = jpByEmployee(year);
    return orgChart
      .employees(asOf)
      .filter((e: OrgEmployee) => e.status === 'active')
      .map((e): EmployeeJp => {
        const jp = done.get(e.employeeId) ?? 0;
        const entitlement = rules().entitlements[e.employeeType].jp;
        return { employeeId: e.employeeId, unitId: e.unitId, employeeType: e.employeeType, jp, entitlement, met: jp >= entitlement, shortfall: Math.max(0, entitlement - jp) };
      })
      .sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : a.employeeId < b.employeeId ? -1 : 1));
  };

  return {
    apply: (event) => {
      if (event.eventType !== 'ParticipantCompleted') return;
      const { category, id: programmeId } = parseStreamId(event.subject ?? '');
      if (category !== 'programme') return;
      const d = (event.data as Extract<TrainingEventData, { type: 'ParticipantCompleted' }>['data']);
      completed.run({ enrollmentId: d.enrollmentId, programmeId, employeeId: d.employeeId, jp: d.jp, completedOn: d.completedOn, competencyArea: d.competencyArea, eventId: event.id });
    },
    jpByEmployee,
    employees,
    rules,
    units: (year, asOf) => {
      const byUnit = new Map<string, UnitJp>();
      for (const e of employees(year, asOf)) {
        const unit = byUnit.get(e.unitId) ?? { unitId: e.unitId, unitName: orgChart.unit(e.unitId)?.name ?? null, employees: 0, met: 0, totalJp: 0, shortfall: 0 };
        unit.employees += 1;
        unit.met += e.met ? 1 : 0;
        unit.totalJp += e.jp;
        unit.shortfall += e.shortfall;
        byUnit.set(e.unitId, unit);
      }
      return [...byUnit.values()];
    },
  };
};
