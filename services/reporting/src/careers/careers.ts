import type { DecodedEvent } from '@asn/bus';
import { parseStreamId, type CorrectableDecision, type Decision, type Decree, type Position } from '@asn/contracts';
import { assignmentsOf, decisionsInForce, type DecisionStanding, type OrgChart, type StoredDecision } from '@asn/org-chart';
import type { Database } from 'better-sqlite3';

/**
 * Every civil servant's career as the personnel topic recorded it, for auditors: each proposal, rejection,
 * decision, correction and erasure with its decree (SK), who proposed and who approved it, when it took effect
 * (TMT) and when it was recorded. No personal data: the sealed personal fields are dropped on the way in.
 * The record as of any date (by TMT) and as recorded by any time is folded from these rows with the same
 * rules as the personnel service (corrections replace or revoke; the org chart's assignments).
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS career_events (
  seq INTEGER PRIMARY KEY,
  employee_id TEXT NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  decision_id TEXT,
  kind TEXT,
  tmt TEXT,
  recorded_at TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS career_events_by_employee ON career_events (employee_id, seq);
`;

interface Row {
  seq: number;
  employee_id: string;
  event_id: string;
  event_type: string;
  decision_id: string | null;
  kind: string | null;
  tmt: string | null;
  recorded_at: string;
  body: string;
}

interface Body {
  decisionId?: string;
  proposedBy?: string;
  approvedBy?: string;
  rejectedBy?: string;
  erasedBy?: string;
  reason?: string;
  unitId?: string;
  decision?: Decision;
  decree?: Decree;
}

/** A row with its body parsed. */
interface Entry extends Row {
  data: Body;
}

/** The decided events: a decision in force from its TMT on. */
const DECIDED = new Set([
  'EmployeeAppointed',
  'EmployeeConfirmedAsPns',
  'EmployeePromoted',
  'EmployeeTransferred',
  'EmployeeAssignedToPosition',
  'DisciplinarySanctionImposed',
  'EmployeeDismissed',
  'EmployeeRetired',
  'ContractRenewed',
  'ContractEnded',
  'DecisionCorrected',
  'PersonalDataCorrected',
]);
const RECORDED = new Set([...DECIDED, 'DecisionProposed', 'DecisionRejected', 'PersonalDataErased']);

/** Who decided something, and on what authority: the decision's SK, its proposer and approver, and when each happened. */
export interface DecidedBy {
  decisionId: string;
  eventType: string;
  skNumber: string;
  skDate: string;
  tmt: string;
  signedBy: string;
  legalBasis: string;
  proposedBy: string;
  proposedAt?: string;
  approvedBy: string;
  /** When the approval was recorded. */
  recordedAt: string;
  /** When the decision was corrected, the correction that put the version in force in its place. */
  correctedBy?: DecidedBy;
}

export interface TimelineEntry {
  eventId: string;
  eventType: string;
  recordedAt: string;
  decisionId?: string;
  kind?: string;
  tmt?: string;
  decree?: Decree;
  proposedBy?: string;
  approvedBy?: string;
  rejectedBy?: string;
  /** Who erased the employee's personal data (a PersonalDataErased entry). */
  erasedBy?: string;
  reason?: string;
  /** For a decided decision: whether it is in force, revoked or replaced by a correction (as recorded now). */
  standing?: DecisionStanding;
  decision?: Decision;
}

export interface RecordAsOf {
  employeeId: string;
  asOf: string;
  recordedBy?: string;
  status: 'active' | 'left';
  leftBy?: string;
  leftOn?: string;
  employeeType: string;
  rank?: { golongan?: string; pppkGrade?: string; decidedBy: DecidedBy };
  unit: { unitId: string; name: string | null; decidedBy: DecidedBy };
  position: { position: Position; positionId?: string; since: string; decidedBy: DecidedBy };
  appointedOn: string;
  contractUntil?: string;
}

/** The kinds of movement: every decision kind a correction may replace (a correction itself is not one). */
export type MovementKind = CorrectableDecision['kind'];

/**
 * One decision in force that took effect on its TMT: an appointment, promotion, transfer, dismissal... A revoked
 * decision is none; a replaced one counts as its replacement (kind, content and the correcting decree's TMT).
 */
export interface Movement {
  employeeId: string;
  decisionId: string;
  kind: MovementKind;
  tmt: string;
  /** The unit concerned: the receiving one of an appointment, otherwise the one held when it took effect (the one left by a transfer). */
  unitId?: string;
  unitName?: string;
  /** The receiving unit of a transfer within the city; absent when the employee left the city. */
  toUnitId?: string;
  toUnitName?: string;
  golongan?: string;
  pppkGrade?: string;
  /** The decision's own SK, proposer, approver and when its approval was recorded. */
  skNumber: string;
  proposedBy: string;
  approvedBy: string;
  recordedAt: string;
  /** For a replaced decision: the correction that put the version counted here in its place. */
  correctedBy?: { decisionId: string; skNumber: string; proposedBy: string; approvedBy: string; recordedAt: string };
}

export interface Careers {
  /** Records one personnel-topic event (inside the consumer's inbox transaction); other events are ignored; an event recorded before changes nothing. */
  apply(event: DecodedEvent): void;
  timeline(employeeId: string): TimelineEntry[];
  /** The record as effective on `asOf` (decisions with TMT on or before it) as recorded by `recordedBy`; undefined when not in service then. */
  recordOf(employeeId: string, asOf: string, recordedBy?: Date): RecordAsOf | undefined;
  /** Everyone in service on `asOf` (as recorded by `recordedBy`), by unit then id. */
  roster(asOf: string, recordedBy?: Date): RecordAsOf[];
  employeeIds(): string[];
  /** The movements with TMT in [from, to] (as recorded by `recordedBy`), folded with the same corrections as the record: by TMT, employee, recording order. */
  movements(from: string, to: string, recordedBy?: Date): Movement[];
}

export const openCareers = (db: Database, orgChart: OrgChart): Careers => {
  db.exec(SCHEMA);
  const insert = db.prepare<[string, string, string, string | null, string | null, string | null, string, string]>(
    'INSERT INTO career_events (employee_id, event_id, event_type, decision_id, kind, tmt, recorded_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
  );
  const rowsOf = db.prepare<[string], Row>('SELECT * FROM career_events WHERE employee_id = ? ORDER BY seq');
  /** An employee's rows with their bodies parsed once (each fold below reads them several times). */
  const entriesOf = (employeeId: string): Entry[] => rowsOf.all(employeeId).map((row) => ({ ...row, data: JSON.parse(row.body) as Body }));
  // Every movement in a period has a row (its own decree, or the correction that replaced it) with a TMT in the period.
  const movementIds = db.prepare<[string, string], { employee_id: string }>('SELECT DISTINCT employee_id FROM career_events WHERE tmt BETWEEN ? AND ?');
  const ids = db.prepare<[], { employee_id: string }>("SELECT DISTINCT employee_id FROM career_events WHERE event_type = 'EmployeeAppointed' ORDER BY employee_id");

  const decidedBy = (rows: readonly Entry[], decisionId: string): DecidedBy | undefined => {
    const decided = rows.find((r) => r.decision_id === decisionId && DECIDED.has(r.event_type));
    if (!decided) return undefined;
    const body = decided.data;
    const proposed = rows.find((r) => r.decision_id === decisionId && r.event_type === 'DecisionProposed');
    const decree = body.decree as Decree;
    return {
      decisionId,
      eventType: decided.event_type,
      skNumber: decree.skNumber,
      skDate: decree.skDate,
      tmt: decree.tmt,
      signedBy: decree.signedBy,
      legalBasis: decree.legalBasis,
      proposedBy: body.proposedBy ?? '',
      ...(proposed ? { proposedAt: proposed.recorded_at } : {}),
      approvedBy: body.approvedBy ?? '',
      recordedAt: decided.recorded_at,
    };
  };

  const storedDecisions = (rows: readonly Entry[], recordedBy?: Date): StoredDecision[] =>
    rows
      .filter((r) => DECIDED.has(r.event_type) && (recordedBy === undefined || Date.parse(r.recorded_at) <= recordedBy.getTime()))
      .map((r) => {
        const body = r.data;
        return { decisionId: r.decision_id ?? '', seq: r.seq, tmt: r.tmt ?? '', decision: body.decision as Decision };
      });

  /** Who decided a decision in force, with the latest correction (recorded by then) that put it in its place. */
  const decidedInForce = (rows: readonly Entry[], decisionId: string, recordedBy?: Date): DecidedBy | undefined => {
    const who = decidedBy(rows, decisionId);
    if (!who) return undefined;
    const correction = [...rows]
      .reverse()
      .find((r) => {
        if (r.event_type !== 'DecisionCorrected' || (recordedBy !== undefined && Date.parse(r.recorded_at) > recordedBy.getTime())) return false;
        const decision = r.data.decision;
        return decision?.kind === 'correction' && decision.correctsDecisionId === decisionId;
      });
    const correctedBy = correction?.decision_id ? decidedBy(rows, correction.decision_id) : undefined;
    return correctedBy ? { ...who, correctedBy } : who;
  };

  const movementsOf = (employeeId: string, from: string, to: string, recordedBy?: Date): Movement[] => {
    const rows = entriesOf(employeeId);
    const { inForce } = decisionsInForce(storedDecisions(rows, recordedBy));
    const unitNamed = (key: 'unit' | 'toUnit', unitId: string | undefined) => {
      if (unitId === undefined) return {};
      const name = orgChart.unit(unitId)?.name;
      return key === 'unit' ? { unitId, ...(name ? { unitName: name } : {}) } : { toUnitId: unitId, ...(name ? { toUnitName: name } : {}) };
    };
    // The unit held, walked through the decisions in force in the order the record folds them.
    let unitId: string | undefined;
    const movements: Movement[] = [];
    for (const { decisionId, tmt, decision } of inForce) {
      const held = decision.kind === 'appointment' ? decision.unitId : unitId;
      if (decision.kind === 'appointment') unitId = decision.unitId;
      if (decision.kind === 'transfer') unitId = decision.toUnitId;
      if (tmt < from || tmt > to) continue;
      const who = decidedInForce(rows, decisionId, recordedBy);
      if (!who) continue;
      const rank = decision.kind === 'promotion' || decision.kind === 'appointment' ? decision : undefined;
      movements.push({
        employeeId,
        decisionId,
        kind: decision.kind,
        tmt,
        ...unitNamed('unit', held),
        ...(decision.kind === 'transfer' ? unitNamed('toUnit', decision.toUnitId) : {}),
        ...(rank?.golongan ? { golongan: rank.golongan } : {}),
        ...(rank?.kind === 'appointment' && rank.pppkGrade ? { pppkGrade: rank.pppkGrade } : {}),
        skNumber: who.skNumber,
        proposedBy: who.proposedBy,
        approvedBy: who.approvedBy,
        recordedAt: who.recordedAt,
        ...(who.correctedBy
          ? { correctedBy: { decisionId: who.correctedBy.decisionId, skNumber: who.correctedBy.skNumber, proposedBy: who.correctedBy.proposedBy, approvedBy: who.correctedBy.approvedBy, recordedAt: who.correctedBy.recordedAt } }
          : {}),
      });
    }
    return movements;
  };

  const recordOf = (employeeId: string, asOf: string, recordedBy?: Date): RecordAsOf | undefined => {
    const rows = entriesOf(employeeId);
    const { inForce } = decisionsInForce(storedDecisions(rows, recordedBy));
    const effective = inForce.filter((d) => d.tmt <= asOf);
    const assignments = assignmentsOf(inForce);
    const assignment = [...assignments].reverse().find((a) => a.from <= asOf);
    if (!assignment) return undefined;
    const left = assignment.to !== undefined && assignment.to <= asOf;
    // Which decision in force gave each part: the last one on or before the date that sets it.
    const whoDecided = (decisionId: string): DecidedBy | undefined => decidedInForce(rows, decisionId, recordedBy);
    const by = (test: (d: (typeof effective)[number]) => boolean): DecidedBy => {
      const found = [...effective].reverse().find(test);
      const who = found && whoDecided(found.decisionId);
      if (!who) throw new Error(`no decision in force gives this part of ${employeeId}'s record`);
      return who;
    };
    const rankDecision = [...effective].reverse().find((d) => d.decision.kind === 'promotion' || (d.decision.kind === 'appointment' && (d.decision.golongan ?? d.decision.pppkGrade) !== undefined));
    const rank =
      rankDecision === undefined
        ? undefined
        : rankDecision.decision.kind === 'promotion'
          ? { golongan: rankDecision.decision.golongan }
          : rankDecision.decision.kind === 'appointment'
            ? { ...(rankDecision.decision.golongan ? { golongan: rankDecision.decision.golongan } : {}), ...(rankDecision.decision.pppkGrade ? { pppkGrade: rankDecision.decision.pppkGrade } : {}) }
            : undefined;
    const rankBy = rankDecision && whoDecided(rankDecision.decisionId);
    return {
      employeeId,
      asOf,
      ...(recordedBy ? { recordedBy: recordedBy.toISOString() } : {}),
      status: left ? 'left' : 'active',
      ...(left && assignment.endedBy ? { leftBy: assignment.endedBy, leftOn: assignment.to } : {}),
      employeeType: assignment.employeeType,
      ...(rank && rankBy ? { rank: { ...rank, decidedBy: rankBy } } : {}),
      unit: {
        unitId: assignment.unitId,
        name: orgChart.unit(assignment.unitId)?.name ?? null,
        decidedBy: by((d) => d.decision.kind === 'appointment' || (d.decision.kind === 'transfer' && d.decision.toUnitId === assignment.unitId)),
      },
      position: {
        position: assignment.position,
        ...(assignment.positionId ? { positionId: assignment.positionId } : {}),
        since: assignment.positionSince,
        decidedBy: by((d) => d.decision.kind === 'appointment' || d.decision.kind === 'position-assignment' || (d.decision.kind === 'sanction' && d.decision.position !== undefined)),
      },
      appointedOn: assignment.appointedOn,
      ...(assignment.contractUntil ? { contractUntil: assignment.contractUntil } : {}),
    };
  };

  return {
    apply: (event) => {
      if (!RECORDED.has(event.eventType)) return;
      const { category, id: employeeId } = parseStreamId(event.subject);
      if (category !== 'employee') return;
      const { personal: _personal, ...body } = event.data as Body & { personal?: unknown };
      const decree = body.decree;
      insert.run(employeeId, event.id, event.eventType, body.decisionId ?? null, body.decision?.kind ?? null, decree?.tmt ?? null, event.time ?? new Date(0).toISOString(), JSON.stringify(body));
    },
    timeline: (employeeId) => {
      const rows = entriesOf(employeeId);
      const { standing } = decisionsInForce(storedDecisions(rows));
      return rows.map((r) => {
        const body = r.data;
        return {
          eventId: r.event_id,
          eventType: r.event_type,
          recordedAt: r.recorded_at,
          ...(r.decision_id ? { decisionId: r.decision_id } : {}),
          ...(r.kind ? { kind: r.kind } : {}),
          ...(r.tmt ? { tmt: r.tmt } : {}),
          ...(body.decree ? { decree: body.decree } : {}),
          ...(body.proposedBy ? { proposedBy: body.proposedBy } : {}),
          ...(body.approvedBy ? { approvedBy: body.approvedBy } : {}),
          ...(body.rejectedBy ? { rejectedBy: body.rejectedBy } : {}),
          ...(body.erasedBy ? { erasedBy: body.erasedBy } : {}),
          ...(body.reason ? { reason: body.reason } : {}),
          ...(DECIDED.has(r.event_type) && r.decision_id ? { standing: standing.get(r.decision_id) ?? 'in-force' } : {}),
          ...(body.decision ? { decision: body.decision } : {}),
        };
      });
    },
    recordOf,
    roster: (asOf, recordedBy) =>
      ids
        .all()
        .flatMap((r) => recordOf(r.employee_id, asOf, recordedBy) ?? [])
        .filter((r) => r.status === 'active')
        .sort((a, b) => (a.unit.unitId < b.unit.unitId ? -1 : a.unit.unitId > b.unit.unitId ? 1 : a.employeeId < b.employeeId ? -1 : 1)),
    employeeIds: () => ids.all().map((r) => r.employee_id),
    // Already by TMT then recording order per employee; a stable sort by TMT then employee keeps that order.
    movements: (from, to, recordedBy) =>
      movementIds
        .all(from, to)
        .flatMap((r) => movementsOf(r.employee_id, from, to, recordedBy))
        .sort((a, b) => (a.tmt < b.tmt ? -1 : a.tmt > b.tmt ? 1 : a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0)),
  };
};
