import {
  MANAGERIAL_LEVELS,
  type CorrectableDecision,
  type Decision,
  type EmployeeType,
  type Position,
} from '@asn/contracts';

/** How an employee left the city's service. A transfer without a receiving unit of the city is `transfer-out`. */
export type LeftBy = 'dismissal' | 'retirement' | 'contract-end' | 'transfer-out';

/** One decided decision of an employee as stored: `seq` is the order in which it was recorded. */
export interface StoredDecision {
  decisionId: string;
  seq: number;
  tmt: string;
  decision: Decision;
}

/** What became of a stored decision once corrections are applied. */
export type DecisionStanding = 'in-force' | 'revoked' | 'replaced' | 'correction' | 'not-career';

/** A decision in force, with a correction's replacement and TMT already in its place. */
export interface DecisionInForce {
  decisionId: string;
  seq: number;
  tmt: string;
  decision: CorrectableDecision;
}

/**
 * One stretch of an employee's career during which their unit, position, type and contract stay the same:
 * [from, to), `to` absent while it lasts. A stretch that ends by leaving the service carries `endedBy`, so
 * that from `to` on the employee counts as left.
 */
export interface Assignment {
  unitId: string;
  position: Position;
  positionId?: string;
  /** Since when the position has been held in this unit (a transfer or a new position restarts it). */
  positionSince: string;
  employeeType: EmployeeType;
  contractUntil?: string;
  /** TMT of the appointment in force. */
  appointedOn: string;
  from: string;
  to?: string;
  endedBy?: LeftBy;
}

type Holding = Omit<Assignment, 'from' | 'to' | 'endedBy'>;

/**
 * Rank of a position for the supervisor rule: 0 for jpt-utama … 4 for pengawas (the order of
 * MANAGERIAL_LEVELS), and one below every managerial level for a functional or pelaksana position.
 */
export const NON_MANAGERIAL_RANK = MANAGERIAL_LEVELS.length;
export const positionRank = (position: Position): number =>
  position.kind === 'managerial' ? MANAGERIAL_LEVELS.indexOf(position.level) : NON_MANAGERIAL_RANK;

/**
 * The decisions in force, as the personnel service's own decider sees them: a correction replaces the
 * decision it names (the correcting decree's TMT becomes the effective date) or, without a replacement,
 * revokes it; the latest correction of a decision wins. Sorted by TMT, ties in recording order.
 */
export const decisionsInForce = (
  decisions: readonly StoredDecision[],
): { inForce: DecisionInForce[]; standing: Map<string, DecisionStanding> } => {
  const recorded = [...decisions].sort((a, b) => a.seq - b.seq);
  const corrections = new Map<string, { replacement: CorrectableDecision; tmt: string } | null>();
  const standing = new Map<string, DecisionStanding>();
  for (const record of recorded) {
    if (record.decision.kind === 'correction') {
      const { replacement, correctsDecisionId } = record.decision;
      corrections.set(correctsDecisionId, replacement ? { replacement, tmt: record.tmt } : null);
      standing.set(record.decisionId, 'correction');
    }
  }
  const inForce: DecisionInForce[] = [];
  for (const record of recorded) {
    const { decision } = record;
    if (decision.kind === 'correction') continue;
    if (decision.kind === 'personal-data-correction') {
      standing.set(record.decisionId, 'not-career');
      continue;
    }
    const correction = corrections.get(record.decisionId);
    if (correction === null) {
      standing.set(record.decisionId, 'revoked');
      continue;
    }
    standing.set(record.decisionId, correction === undefined ? 'in-force' : 'replaced');
    inForce.push(
      correction === undefined
        ? { decisionId: record.decisionId, seq: record.seq, tmt: record.tmt, decision }
        : { decisionId: record.decisionId, seq: record.seq, tmt: correction.tmt, decision: correction.replacement },
    );
  }
  inForce.sort((a, b) => (a.tmt < b.tmt ? -1 : a.tmt > b.tmt ? 1 : a.seq - b.seq));
  return { inForce, standing };
};

const sameHolding = (a: Holding, b: Holding, { sinceToo = true } = {}): boolean =>
  a.unitId === b.unitId &&
  JSON.stringify(a.position) === JSON.stringify(b.position) &&
  a.positionId === b.positionId &&
  (!sinceToo || a.positionSince === b.positionSince) &&
  a.employeeType === b.employeeType &&
  a.contractUntil === b.contractUntil &&
  a.appointedOn === b.appointedOn;

const holdingOf = (assignment: Assignment): Holding => {
  const { from: _from, to: _to, endedBy: _endedBy, ...holding } = assignment;
  return holding;
};

/** What one decision makes of the current holding: a new holding, a departure, or nothing. */
type Step = { holding: Holding } | { left: LeftBy } | undefined;

const step = (current: Holding | undefined, tmt: string, decision: CorrectableDecision): Step => {
  if (decision.kind === 'appointment') {
    return {
      holding: {
        unitId: decision.unitId,
        position: decision.position,
        positionSince: tmt,
        employeeType: decision.employeeType,
        ...(decision.contractUntil ? { contractUntil: decision.contractUntil } : {}),
        appointedOn: tmt,
      },
    };
  }
  // Nothing but an appointment starts a career; after leaving, decisions change nothing until one does.
  if (!current) return undefined;
  switch (decision.kind) {
    case 'confirmation':
      return { holding: { ...current, employeeType: 'PNS' } };
    case 'transfer': {
      if (!decision.toUnitId) return { left: 'transfer-out' };
      // The position map belongs to the unit: a slot of the old unit is not held in the new one.
      const { positionId: _slot, ...rest } = current;
      return { holding: { ...rest, unitId: decision.toUnitId, positionSince: tmt } };
    }
    case 'position-assignment': {
      const { positionId: _slot, ...rest } = current;
      return {
        holding: {
          ...rest,
          position: decision.position,
          positionSince: tmt,
          ...(decision.positionId ? { positionId: decision.positionId } : {}),
        },
      };
    }
    case 'sanction':
      // Only the heavy sanctions that demote or release to pelaksana carry a position (PP 94/2021).
      return decision.position
        ? { holding: { ...current, position: decision.position, positionSince: tmt } }
        : undefined;
    case 'dismissal':
      return { left: 'dismissal' };
    case 'retirement':
      return { left: 'retirement' };
    case 'contract-end':
      return { left: 'contract-end' };
    case 'contract-renewal':
      return { holding: { ...current, contractUntil: decision.contractUntil } };
    case 'promotion':
      // Rank (golongan) is not part of the org chart.
      return undefined;
  }
};

/**
 * Folds the decisions in force into the employee's assignments, oldest first. Changes on the same TMT
 * collapse into one assignment (the last one recorded wins), so no assignment is empty, except one that
 * only records an appointment ended on its own TMT.
 */
export const assignmentsOf = (inForce: readonly DecisionInForce[]): Assignment[] => {
  const assignments: Assignment[] = [];
  let current: Holding | undefined;
  for (const { tmt, decision } of inForce) {
    const next = step(current, tmt, decision);
    if (next === undefined) continue;
    const open = assignments.at(-1)?.to === undefined ? assignments.at(-1) : undefined;
    if ('left' in next) {
      if (!open) continue;
      open.to = tmt;
      open.endedBy = next.left;
      current = undefined;
      const previous = assignments.at(-2);
      if (open.from === tmt && previous?.to === tmt && previous.endedBy === undefined) {
        // The last change took effect on the day of leaving: the employee left from the previous assignment.
        assignments.pop();
        previous.endedBy = next.left;
      }
      continue;
    }
    current = next.holding;
    if (open && sameHolding(holdingOf(open), next.holding)) continue;
    if (open) {
      open.to = tmt;
      if (open.from === tmt) assignments.pop();
    }
    const previous = assignments.at(-1);
    if (
      previous?.to === tmt &&
      previous.endedBy === undefined &&
      sameHolding(holdingOf(previous), next.holding, { sinceToo: false })
    ) {
      // A change undone on the day it took effect: the previous assignment, and the time in its position, go on.
      delete previous.to;
      continue;
    }
    assignments.push({ ...next.holding, from: tmt });
  }
  return assignments;
};
