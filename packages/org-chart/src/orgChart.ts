import {
  InvalidStreamIdError,
  parseStreamId,
  UnknownEventTypeError,
  personnelEventRegistry,
  unitEventRegistry,
  type Decision,
  type EmployeeType,
  type Position,
  type VersionedEvent,
} from '@asn/contracts';
import type { Database } from 'better-sqlite3';
import {
  assignmentsOf,
  decisionsInForce,
  NON_MANAGERIAL_RANK,
  positionRank,
  type Assignment,
  type DecisionStanding,
  type LeftBy,
} from './career';
import { personnelTopicRegistry } from './topic';

/** The personnel topic's events at their latest version, discriminated on `type`. */
type PersonnelTopicData = ReturnType<typeof personnelTopicRegistry.parseEvent<VersionedEvent>>;

export type { LeftBy };

/** An employee as of a date. `leftOn`/`leftBy` are set once the date is on or after the TMT of leaving. */
export interface OrgEmployee {
  employeeId: string;
  employeeType: EmployeeType;
  /** The unit on the date; for someone who left, the unit they left from. */
  unitId: string;
  position: Position;
  positionId?: string;
  status: 'active' | 'left';
  leftOn?: string;
  leftBy?: LeftBy;
  /** TMT of the appointment in force. */
  appointedOn: string;
  /** End (exclusive) of a PPPK's work agreement as of the date. */
  contractUntil?: string;
}

export interface OrgUnit {
  unitId: string;
  name: string;
  parentUnitId?: string;
  dissolvedOn?: string;
}

/** What an applied event changed, for the caller to react to; undefined when it changed nothing. */
export type OrgChange =
  | { kind: 'employee-left'; employeeId: string; tmt: string; by: LeftBy }
  | { kind: 'employee-changed'; employeeId: string }
  | { kind: 'unit-changed'; unitId: string };

/** A personnel-topic event as `decodeWith` hands it over (a `DecodedEvent` fits). */
export interface PersonnelTopicEvent {
  /** The stream: `employee-<uuid>` or `unit-<uuid>`. */
  subject: string;
  eventType: string;
  /** Decoded with `personnelTopicRegistry` (or a registry holding its types): at the latest version, valid. */
  data: unknown;
  /** Recording time; not used: recording order is the order of `apply` calls. */
  time?: string;
}

export interface OrgChart {
  /**
   * Applies one decoded personnel-topic event (`decodeWith` validated and upcast it; it is not validated
   * again). Call it inside the consumer's inbox transaction: it writes only this database, synchronously.
   * Applying the same event again changes nothing.
   * @throws UnknownEventTypeError when the type is not of the personnel topic, InvalidStreamIdError when the
   * subject is not an employee or unit stream or does not fit the type: both are dead letters.
   */
  apply(event: PersonnelTopicEvent): OrgChange | undefined;
  /** The employee as of the date; undefined when not (yet) appointed on that date. */
  employeeOn(employeeId: string, date: string): OrgEmployee | undefined;
  /**
   * The employee's direct supervisor on the date, or undefined (e.g. the head of a top unit). The rule:
   * in the employee's unit, the active holder of the highest managerial position that is higher than the
   * employee's own (a non-managerial position is below every managerial one), ties broken by the earliest
   * start in that position in that unit, then by employee id; when the unit has none, the head (highest
   * managerial holder, same tie-breaks) of the parent unit, then of its parent, and so on. Nobody
   * supervises themselves; someone who is not active on the date has no supervisor.
   */
  supervisorOf(employeeId: string, date: string): string | undefined;
  /** Employees active in the unit on the date, highest position first. */
  membersOf(unitId: string, date: string): OrgEmployee[];
  /** The unit as last recorded (name after the latest rename applied). */
  unit(unitId: string): OrgUnit | undefined;
  /** Every unit recorded, dissolved ones too, by name. */
  units(): OrgUnit[];
  /** Everyone appointed on or before the date, as of the date (so including those who left), by id. */
  employees(date: string): OrgEmployee[];
  /** Lazy refolding only: folds the assignments of the employees whose decisions changed since (the queries do it first by themselves). */
  settle(): void;
}

export interface OrgChartOptions {
  /**
   * `eager` (default): each decision refolds the employee's assignments at once and `apply` says what changed.
   * `lazy`: `apply` only stores the decision and marks the employee; the next query (or `settle`) refolds each
   * marked employee once, and `apply` returns undefined. For consumers that do not react to changes: a replay
   * of a whole city then refolds each employee once instead of once per decision.
   */
  refold?: 'eager' | 'lazy';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS org_units (
  unit_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT NOT NULL,
  parent_unit_id TEXT,
  established_on TEXT NOT NULL,
  dissolved_on TEXT
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS org_decisions (
  seq INTEGER PRIMARY KEY,
  employee_id TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  kind TEXT NOT NULL,
  tmt TEXT NOT NULL,
  decision TEXT NOT NULL,
  standing TEXT NOT NULL DEFAULT 'in-force',
  UNIQUE (employee_id, decision_id, event_type)
) STRICT;
CREATE TABLE IF NOT EXISTS org_assignments (
  employee_id TEXT NOT NULL,
  from_tmt TEXT NOT NULL,
  to_tmt TEXT,
  unit_id TEXT NOT NULL,
  position TEXT NOT NULL,
  position_rank INTEGER NOT NULL,
  position_id TEXT,
  position_since TEXT NOT NULL,
  employee_type TEXT NOT NULL,
  contract_until TEXT,
  appointed_on TEXT NOT NULL,
  ended_by TEXT,
  PRIMARY KEY (employee_id, from_tmt)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS org_pending (employee_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS org_assignments_by_unit ON org_assignments (unit_id, from_tmt);
CREATE INDEX IF NOT EXISTS org_assignments_by_rank ON org_assignments (unit_id, position_rank, from_tmt);
`;

interface AssignmentRow {
  employee_id: string;
  from_tmt: string;
  to_tmt: string | null;
  unit_id: string;
  position: string;
  position_rank: number;
  position_id: string | null;
  position_since: string;
  employee_type: string;
  contract_until: string | null;
  appointed_on: string;
  ended_by: string | null;
}

interface UnitRow {
  unit_id: string;
  name: string;
  code: string;
  parent_unit_id: string | null;
  established_on: string;
  dissolved_on: string | null;
}

const COLUMNS =
  'employee_id, from_tmt, to_tmt, unit_id, position, position_rank, position_id, position_since, employee_type, contract_until, appointed_on, ended_by';
const ACTIVE_ON = 'from_tmt <= @date AND (to_tmt IS NULL OR @date < to_tmt)';

const toRow = (employeeId: string, a: Assignment): AssignmentRow => ({
  employee_id: employeeId,
  from_tmt: a.from,
  to_tmt: a.to ?? null,
  unit_id: a.unitId,
  position: JSON.stringify(a.position),
  position_rank: positionRank(a.position),
  position_id: a.positionId ?? null,
  position_since: a.positionSince,
  employee_type: a.employeeType,
  contract_until: a.contractUntil ?? null,
  appointed_on: a.appointedOn,
  ended_by: a.endedBy ?? null,
});

/** A row in a fixed key order, so that two sets of rows compare as strings. */
const canonical = (rows: readonly AssignmentRow[]): string =>
  JSON.stringify(
    rows.map((r) => [
      r.from_tmt,
      r.to_tmt,
      r.unit_id,
      r.position,
      r.position_rank,
      r.position_id,
      r.position_since,
      r.employee_type,
      r.contract_until,
      r.appointed_on,
      r.ended_by,
    ]),
  );

/** The employee as of `date`, from their latest assignment starting on or before it. */
const employeeOf = (row: AssignmentRow, date: string): OrgEmployee | undefined => {
  const active = row.to_tmt === null || date < row.to_tmt;
  // Assignments follow one another without gaps until one ends by leaving.
  if (!active && row.ended_by === null) return undefined;
  return {
    employeeId: row.employee_id,
    employeeType: row.employee_type as EmployeeType,
    unitId: row.unit_id,
    position: JSON.parse(row.position) as Position,
    ...(row.position_id === null ? {} : { positionId: row.position_id }),
    status: active ? 'active' : 'left',
    ...(active ? {} : { leftOn: row.to_tmt as string, leftBy: row.ended_by as LeftBy }),
    appointedOn: row.appointed_on,
    ...(row.contract_until === null ? {} : { contractUntil: row.contract_until }),
  };
};

const leavingOf = (rows: readonly AssignmentRow[]): { tmt: string; by: LeftBy } | undefined => {
  const last = rows.at(-1);
  return last?.to_tmt != null && last.ended_by !== null ? { tmt: last.to_tmt, by: last.ended_by as LeftBy } : undefined;
};

/**
 * Opens the org chart in the consumer's own database, creating its tables (prefix `org_`) if needed.
 *
 * Each employee's decided decisions are stored as they arrive (keyed by employee, decision id and event
 * type, so a redelivered event overwrites itself); after each one the employee's assignments are folded
 * again from all their decisions in TMT order (ties in recording order), corrections applied. An employee
 * has few decisions, and every query by date is then an indexed lookup on `org_assignments`.
 */
export const openOrgChart = (db: Database, options: OrgChartOptions = {}): OrgChart => {
  db.exec(SCHEMA);
  const lazy = options.refold === 'lazy';
  const mark = db.prepare<[string]>('INSERT INTO org_pending (employee_id) VALUES (?) ON CONFLICT DO NOTHING');
  const pending = db.prepare<[], { employee_id: string }>('SELECT employee_id FROM org_pending');
  const unmark = db.prepare('DELETE FROM org_pending');

  const saveDecision = db.prepare<[string, string, string, string, string, string]>(
    `INSERT INTO org_decisions (employee_id, decision_id, event_type, kind, tmt, decision) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (employee_id, decision_id, event_type) DO UPDATE SET kind = excluded.kind, tmt = excluded.tmt, decision = excluded.decision`,
  );
  const decisionsOf = db.prepare<
    [string],
    { seq: number; decision_id: string; tmt: string; decision: string; standing: string }
  >('SELECT seq, decision_id, tmt, decision, standing FROM org_decisions WHERE employee_id = ? ORDER BY seq');
  const setStanding = db.prepare<[string, number]>('UPDATE org_decisions SET standing = ? WHERE seq = ?');
  const assignmentsFor = db.prepare<[string], AssignmentRow>(
    `SELECT ${COLUMNS} FROM org_assignments WHERE employee_id = ? ORDER BY from_tmt`,
  );
  const deleteAssignments = db.prepare<[string]>('DELETE FROM org_assignments WHERE employee_id = ?');
  const insertAssignment = db.prepare<[AssignmentRow]>(
    `INSERT INTO org_assignments (${COLUMNS}) VALUES (@employee_id, @from_tmt, @to_tmt, @unit_id, @position, @position_rank,
     @position_id, @position_since, @employee_type, @contract_until, @appointed_on, @ended_by)`,
  );
  const latestOn = db.prepare<[{ id: string; date: string }], AssignmentRow>(
    `SELECT ${COLUMNS} FROM org_assignments WHERE employee_id = @id AND from_tmt <= @date ORDER BY from_tmt DESC LIMIT 1`,
  );
  const activeOn = db.prepare<[{ id: string; date: string }], AssignmentRow>(
    `SELECT ${COLUMNS} FROM org_assignments WHERE employee_id = @id AND ${ACTIVE_ON}`,
  );
  const highestIn = db.prepare<[{ unit: string; date: string; below: number; self: string }], { employee_id: string }>(
    // The planner, without statistics, would scan the unit's whole history by date; the managers are few.
    `SELECT employee_id FROM org_assignments INDEXED BY org_assignments_by_rank
     WHERE unit_id = @unit AND position_rank < @below AND ${ACTIVE_ON} AND employee_id <> @self
     ORDER BY position_rank, position_since, employee_id LIMIT 1`,
  );
  const membersIn = db.prepare<[{ unit: string; date: string }], AssignmentRow>(
    `SELECT ${COLUMNS} FROM org_assignments WHERE unit_id = @unit AND ${ACTIVE_ON} ORDER BY position_rank, position_since, employee_id`,
  );
  const everyoneOn = db.prepare<[{ date: string }], AssignmentRow>(
    `SELECT ${COLUMNS} FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY employee_id ORDER BY from_tmt DESC) AS latest
       FROM org_assignments WHERE from_tmt <= @date
     ) WHERE latest = 1 ORDER BY employee_id`,
  );
  const unitRow = db.prepare<[string], UnitRow>(
    'SELECT unit_id, name, code, parent_unit_id, established_on, dissolved_on FROM org_units WHERE unit_id = ?',
  );
  const unitRows = db.prepare<[], UnitRow>('SELECT unit_id, name, code, parent_unit_id, established_on, dissolved_on FROM org_units ORDER BY name, unit_id');
  const toUnit = (row: UnitRow): OrgUnit => ({
    unitId: row.unit_id,
    name: row.name,
    ...(row.parent_unit_id === null ? {} : { parentUnitId: row.parent_unit_id }),
    ...(row.dissolved_on === null ? {} : { dissolvedOn: row.dissolved_on }),
  });
  const saveUnit = db.prepare<[UnitRow]>(
    `INSERT INTO org_units (unit_id, name, code, parent_unit_id, established_on, dissolved_on)
     VALUES (@unit_id, @name, @code, @parent_unit_id, @established_on, @dissolved_on)
     ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name, code = excluded.code, parent_unit_id = excluded.parent_unit_id,
       established_on = excluded.established_on, dissolved_on = excluded.dissolved_on`,
  );

  /** Folds the employee's assignments again from their decisions and says what that changed. */
  const refold = (employeeId: string): OrgChange | undefined => {
    const stored = decisionsOf.all(employeeId);
    const { inForce, standing } = decisionsInForce(
      stored.map((row) => ({
        decisionId: row.decision_id,
        seq: row.seq,
        tmt: row.tmt,
        decision: JSON.parse(row.decision) as Decision,
      })),
    );
    for (const row of stored) {
      const now: DecisionStanding = standing.get(row.decision_id) ?? 'in-force';
      if (now !== row.standing) setStanding.run(now, row.seq);
    }
    const before = assignmentsFor.all(employeeId);
    const after = assignmentsOf(inForce).map((a) => toRow(employeeId, a));
    if (canonical(before) === canonical(after)) return undefined;
    deleteAssignments.run(employeeId);
    for (const row of after) insertAssignment.run(row);
    const left = leavingOf(after);
    const wasLeft = leavingOf(before);
    if (left && (left.tmt !== wasLeft?.tmt || left.by !== wasLeft.by))
      return { kind: 'employee-left', employeeId, tmt: left.tmt, by: left.by };
    return { kind: 'employee-changed', employeeId };
  };

  const changeUnit = (
    unitId: string,
    change: (current: UnitRow | undefined) => UnitRow | undefined,
  ): OrgChange | undefined => {
    const current = unitRow.get(unitId);
    const next = change(current);
    if (!next || JSON.stringify(next) === JSON.stringify(current)) return undefined;
    saveUnit.run(next);
    return { kind: 'unit-changed', unitId };
  };

  const applyNow = (event: PersonnelTopicEvent): OrgChange | undefined => {
    if (!personnelTopicRegistry.has(event.eventType)) throw new UnknownEventTypeError(event.eventType);
    // Decoded by the caller (`decodeWith`): validated and upcast to the latest version once, not again here.
    const parsed = { type: event.eventType, data: event.data } as PersonnelTopicData;
    const { category, id } = parseStreamId(event.subject);
    const expected = personnelEventRegistry.has(parsed.type)
      ? 'employee'
      : unitEventRegistry.has(parsed.type)
        ? 'unit'
        : undefined;
    if (category !== expected) throw new InvalidStreamIdError(`${parsed.type} does not belong on a ${category} stream`);

    switch (parsed.type) {
      case 'DecisionProposed':
      case 'DecisionRejected':
      case 'PersonalDataErased':
      case 'PersonalDataCorrected':
      case 'PositionCreated':
      case 'PositionAbolished':
        return undefined;
      case 'EmployeeAppointed':
      case 'EmployeeConfirmedAsPns':
      case 'EmployeePromoted':
      case 'EmployeeTransferred':
      case 'EmployeeAssignedToPosition':
      case 'DisciplinarySanctionImposed':
      case 'EmployeeDismissed':
      case 'EmployeeRetired':
      case 'ContractRenewed':
      case 'ContractEnded':
      case 'DecisionCorrected': {
        // Only the decision and its TMT are kept: never the sealed personal data an event may carry.
        const { decisionId, decision, decree } = parsed.data;
        saveDecision.run(id, decisionId, parsed.type, decision.kind, decree.tmt, JSON.stringify(decision));
        if (lazy) {
          mark.run(id);
          return undefined;
        }
        return refold(id);
      }
      case 'UnitEstablished': {
        const { name, code, parentUnitId, tmt } = parsed.data;
        return changeUnit(id, (current) => ({
          unit_id: id,
          name,
          code,
          parent_unit_id: parentUnitId ?? null,
          established_on: tmt,
          dissolved_on: current?.dissolved_on ?? null,
        }));
      }
      case 'UnitRenamed': {
        const { name } = parsed.data;
        return changeUnit(id, (current) => current && { ...current, name });
      }
      case 'UnitDissolved': {
        const { tmt } = parsed.data;
        return changeUnit(id, (current) => current && { ...current, dissolved_on: tmt });
      }
    }
  };
  /**
   * `fn` inside the caller's (inbox) transaction when one is open, without a savepoint of its own (SQLite copies
   * every page a savepoint touches to a sub-journal first, which made each event cost several times its writes);
   * otherwise in a transaction of its own.
   */
  const transactional = <Args extends unknown[], Result>(fn: (...args: Args) => Result): ((...args: Args) => Result) => {
    const own = db.transaction(fn);
    return (...args) => (db.inTransaction ? fn(...args) : own(...args));
  };
  const apply = transactional(applyNow);
  const settleNow = transactional((): void => {
    for (const { employee_id } of pending.all()) refold(employee_id);
    unmark.run();
  });
  /** Before a query of employees: refold the marked ones (lazy mode; nothing is marked in eager mode). */
  const settle = (): void => {
    if (lazy && pending.get() !== undefined) settleNow();
  };

  return {
    apply: (event) => apply(event),
    settle,
    employeeOn: (employeeId, date) => {
      settle();
      const row = latestOn.get({ id: employeeId, date });
      return row && employeeOf(row, date);
    },
    supervisorOf: (employeeId, date) => {
      settle();
      const self = activeOn.get({ id: employeeId, date });
      if (!self) return undefined;
      let unitId: string | undefined = self.unit_id;
      let below = self.position_rank;
      // A parent chain with a cycle would be a broken unit map; stop rather than loop.
      const visited = new Set<string>();
      while (unitId !== undefined && !visited.has(unitId)) {
        visited.add(unitId);
        const head = highestIn.get({ unit: unitId, date, below, self: employeeId });
        if (head) return head.employee_id;
        unitId = unitRow.get(unitId)?.parent_unit_id ?? undefined;
        // Above the employee's own unit, whoever heads the unit supervises, whatever the levels.
        below = NON_MANAGERIAL_RANK;
      }
      return undefined;
    },
    membersOf: (unitId, date) => {
      settle();
      return membersIn.all({ unit: unitId, date }).flatMap((row) => employeeOf(row, date) ?? []);
    },
    unit: (unitId) => {
      const row = unitRow.get(unitId);
      return row && toUnit(row);
    },
    units: () => unitRows.all().map(toUnit),
    employees: (date) => {
      settle();
      return everyoneOn.all({ date }).flatMap((row) => employeeOf(row, date) ?? []);
    },
  };
};
