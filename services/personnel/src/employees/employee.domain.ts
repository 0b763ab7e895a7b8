import {
  type CorrectableDecision,
  DECIDED_EVENT_TYPE,
  type DecidedEventType,
  type Decision,
  type Decree,
  DISMISSAL_GROUNDS,
  type EmployeeEventData,
  type EmployeeType,
  FUNCTIONAL_LEVELS,
  type Golongan,
  MANAGERIAL_LEVELS,
  type Position,
  type PppkGrade,
  type Predicate,
  SANCTIONS,
} from '@asn/contracts';
import { validateNip } from '../nip/nip';
import { addMonths, nextGolongan, promotionEligibility, retirementDate, transferTenure } from '../rules/eligibility';
import type { PersonnelRules } from '../rules/rules';
import type { PersonalData } from './personal';

export type { PersonalData };

// ---------------------------------------------------------------------------------------------------
// Personal data: plaintext only inside the service, sealed with the employee's key in every event.

/** Personal data as read back: the plaintext, or 'erased' once the employee's key was deleted. */
export type Personal = PersonalData | 'erased';

type OpenPersonal<E> = E extends { type: infer T; data: infer D }
  ? 'personal' extends keyof D
    ? { type: T; data: Omit<D, 'personal'> & { personal?: Personal } }
    : E
  : never;

/** An employee event as the decider sees it: stored data with the personal data opened. */
export type EmployeeEvent = OpenPersonal<EmployeeEventData>;
type DecidedEvent = Extract<EmployeeEvent, { type: DecidedEventType }>;

// ---------------------------------------------------------------------------------------------------
// Commands

export type EmployeeCommand =
  | { type: 'ProposeDecision'; decisionId: string; proposedBy: string; decision: Decision; decree: Decree; personal?: PersonalData }
  | { type: 'ApproveDecision'; decisionId: string; approvedBy: string }
  | { type: 'RejectDecision'; decisionId: string; rejectedBy: string; reason: string }
  | { type: 'ErasePersonalData'; erasedBy: string; reason: string };

/** What decide may consult besides the state: the date, the rules in force and the org chart. */
export interface DecideContext {
  /** Today, YYYY-MM-DD (the clock comes in; decide never reads it). */
  today: string;
  rules: PersonnelRules;
  units: UnitDirectory;
  /** The employee's final annual appraisals (SKP predicates by year), for regular promotion; none when omitted. */
  appraisals?: readonly { year: number; predicate: Predicate }[];
}

/** The organisation as the employee decider needs it. */
export interface UnitDirectory {
  /** Whether the unit existed (established, not dissolved) on the date. */
  existsOn(unitId: string, date: string): boolean;
  /** Whether the unit's position map held the position on the date. */
  hasPositionOn(unitId: string, positionId: string, date: string): boolean;
}

// ---------------------------------------------------------------------------------------------------
// Errors: a refused command changes nothing.

/**
 * - `invalid`: the decision contradicts itself or the rules of its kind (400).
 * - `refused`: the decision is not possible in the employee's current state (409).
 * - `forbidden`: the caller may not do this to this proposal (403), e.g. approve their own.
 * - `not-found`: no such employee or proposal (404).
 */
export type RefusalKind = 'invalid' | 'refused' | 'forbidden' | 'not-found';

export interface RuleReason {
  rule: string;
  regulation: string;
  message: string;
}

export class EmployeeDecisionError extends Error {
  override readonly name = 'EmployeeDecisionError';
  constructor(
    readonly kind: RefusalKind,
    readonly code: string,
    message: string,
    /** Unmet rules, with their regulation, when a rule refused the decision. */
    readonly reasons: readonly RuleReason[] = [],
  ) {
    super(message);
  }
}

const invalid = (code: string, message: string): never => {
  throw new EmployeeDecisionError('invalid', code, message);
};
const refused = (code: string, message: string, reasons: readonly RuleReason[] = []): never => {
  throw new EmployeeDecisionError('refused', code, message, reasons);
};

// ---------------------------------------------------------------------------------------------------
// State

export interface DecidedRecord {
  decisionId: string;
  decision: Decision;
  decree: Decree;
  proposedBy: string;
  approvedBy: string;
  /** Order in which the decision was recorded: ties of TMT keep it. */
  order: number;
}

export interface Proposal {
  decisionId: string;
  decision: Decision;
  decree: Decree;
  proposedBy: string;
  unitId: string;
  personal?: Personal;
  status: 'pending' | 'approved' | 'rejected';
}

export type CareerStatus = 'active' | 'dismissed' | 'retired' | 'contract-ended' | 'transferred-out';

export interface Sanction {
  decisionId: string;
  severity: 'light' | 'medium' | 'heavy';
  sanction: string;
  from: string;
  /** Exclusive end; absent for a light sanction, which has no duration. */
  until?: string;
}

/** The employee's career as the decisions in force make it, folded in TMT order. */
export interface Career {
  status: CareerStatus;
  employeeType: EmployeeType;
  golongan?: Golongan;
  pppkGrade?: PppkGrade;
  /** TMT of the current rank. */
  rankSince?: string;
  /** The unit (OPD); absent after a transfer out of the city. */
  unitId?: string;
  unitSince: string;
  position: Position;
  positionId?: string;
  positionSince: string;
  contractUntil?: string;
  appointedOn: string;
  confirmedOn?: string;
  /** TMT and kind of the decision that ended the career. */
  ended?: { on: string; kind: string; ground?: string };
  sanctions: Sanction[];
}

export type EmployeeStatus = 'unknown' | 'proposed' | 'rejected' | CareerStatus;

export interface Employee {
  status: EmployeeStatus;
  personal?: Personal;
  proposals: Readonly<Record<string, Proposal>>;
  decided: readonly DecidedRecord[];
  career?: Career;
  /** The latest TMT among the decisions in force: a decision at or after it extends the career without a refold. */
  latestTmt?: string;
  erased: boolean;
  /** Number of events folded: the stream's next expected revision is `events - 1`. */
  events: number;
}

export const initialState = (): Employee => ({ status: 'unknown', proposals: {}, decided: [], erased: false, events: 0 });

// ---------------------------------------------------------------------------------------------------
// Career: decisions in force, corrections applied, folded by TMT.

/** The decisions in force: a correction replaces (or, without replacement, revokes) the decision it names. */
export const decisionsInForce = (decided: readonly DecidedRecord[]): DecidedRecord[] => {
  // The correcting SK governs the replacement: its TMT is the corrected effective date.
  const corrections = new Map<string, { replacement: CorrectableDecision; decree: Decree } | null>();
  for (const record of decided) {
    if (record.decision.kind === 'correction') {
      const { replacement } = record.decision;
      corrections.set(record.decision.correctsDecisionId, replacement ? { replacement, decree: record.decree } : null);
    }
  }
  const inForce: DecidedRecord[] = [];
  for (const record of decided) {
    if (record.decision.kind === 'correction' || record.decision.kind === 'personal-data-correction') continue;
    const correction = corrections.get(record.decisionId);
    if (correction === null) continue;
    inForce.push(correction === undefined ? record : { ...record, decision: correction.replacement, decree: correction.decree });
  }
  return inForce.sort((a, b) => (a.decree.tmt < b.decree.tmt ? -1 : a.decree.tmt > b.decree.tmt ? 1 : a.order - b.order));
};

/** One decision's effect on the career (the step of the TMT-ordered fold). */
export const applyDecision = (career: Career | undefined, record: DecidedRecord): Career | undefined => {
  const { decision, decree, decisionId } = record;
  const tmt = decree.tmt;
  if (decision.kind === 'appointment') {
    return {
      status: 'active',
      employeeType: decision.employeeType,
      ...(decision.golongan ? { golongan: decision.golongan, rankSince: tmt } : {}),
      ...(decision.pppkGrade ? { pppkGrade: decision.pppkGrade } : {}),
      unitId: decision.unitId,
      unitSince: tmt,
      position: decision.position,
      positionSince: tmt,
      ...(decision.contractUntil ? { contractUntil: decision.contractUntil } : {}),
      appointedOn: tmt,
      sanctions: [],
    };
  }
  if (!career) return career;
  switch (decision.kind) {
    case 'confirmation':
      return { ...career, employeeType: 'PNS', confirmedOn: tmt };
    case 'promotion':
      return { ...career, golongan: decision.golongan, rankSince: tmt };
    case 'transfer': {
      // The position map belongs to the unit: a position of the old unit is not held in the new one.
      const { unitId: _left, positionId: _position, ...rest } = career;
      return decision.toUnitId
        ? { ...rest, unitId: decision.toUnitId, unitSince: tmt }
        : { ...rest, status: 'transferred-out', ended: { on: tmt, kind: decision.transferKind } };
    }
    case 'position-assignment': {
      const { positionId: _old, ...rest } = career;
      return { ...rest, position: decision.position, positionSince: tmt, ...(decision.positionId ? { positionId: decision.positionId } : {}) };
    }
    case 'sanction':
      return {
        ...career,
        ...(decision.position ? { position: decision.position, positionSince: tmt } : {}),
        sanctions: [
          ...career.sanctions,
          { decisionId, severity: decision.severity, sanction: decision.sanction, from: tmt, ...(decision.months ? { until: addMonths(tmt, decision.months) } : {}) },
        ],
      };
    case 'dismissal':
      return { ...career, status: 'dismissed', ended: { on: tmt, kind: decision.dismissalKind, ground: decision.ground } };
    case 'retirement':
      return { ...career, status: 'retired', ended: { on: tmt, kind: 'retirement' } };
    case 'contract-renewal':
      return { ...career, contractUntil: decision.contractUntil };
    case 'contract-end':
      return { ...career, status: 'contract-ended', ended: { on: tmt, kind: 'contract-end' } };
    default:
      return career;
  }
};

/**
 * The career as the decisions make it: every decision in force, or (bitemporal "as of") only those
 * effective by `asOf` (TMT ≤ asOf). Undefined when no appointment is in force.
 */
export const careerOf = (decided: readonly DecidedRecord[], asOf?: string): Career | undefined =>
  decisionsInForce(decided)
    .filter((record) => asOf === undefined || record.decree.tmt <= asOf)
    .reduce<Career | undefined>(applyDecision, undefined);

const latestTmtOf = (decided: readonly DecidedRecord[]): string | undefined => decisionsInForce(decided).at(-1)?.decree.tmt;

/** The unit the employee was last in (also after leaving the city): where their proposals are listed. */
export const lastUnitOf = (decided: readonly DecidedRecord[]): string | undefined => {
  let unitId: string | undefined;
  for (const { decision } of decisionsInForce(decided)) {
    if (decision.kind === 'appointment') unitId = decision.unitId;
    if (decision.kind === 'transfer' && decision.toUnitId) unitId = decision.toUnitId;
  }
  return unitId;
};

/** The sanction running on `date`, if any: a medium or heavy one whose period covers the date. */
export const runningSanction = (career: Career, date: string): Sanction | undefined =>
  career.sanctions.find((s) => s.until !== undefined && s.from <= date && date < s.until);

const statusOf = (state: Omit<Employee, 'status'>): EmployeeStatus => {
  if (state.career) return state.career.status;
  const appointments = Object.values(state.proposals).filter((p) => p.decision.kind === 'appointment');
  if (appointments.some((p) => p.status === 'pending')) return 'proposed';
  if (appointments.length > 0) return 'rejected';
  return 'unknown';
};

const erasedOrKeep = (personal: Personal | undefined, erased: boolean): Personal | undefined =>
  erased && personal !== undefined ? 'erased' : personal;

export const evolve = (state: Employee, event: EmployeeEvent): Employee => {
  const events = state.events + 1;
  switch (event.type) {
    case 'DecisionProposed': {
      const { decisionId, decision, decree, proposedBy, unitId, personal } = event.data;
      const proposal: Proposal = { decisionId, decision, decree, proposedBy, unitId, status: 'pending', ...(personal ? { personal: erasedOrKeep(personal, state.erased)! } : {}) };
      // Until an appointment is approved, the proposed person's data is the only personal data there is.
      const first = decision.kind === 'appointment' && state.personal === undefined && proposal.personal !== undefined ? { personal: proposal.personal } : {};
      const next = { ...state, events, ...first, proposals: { ...state.proposals, [decisionId]: proposal } };
      return { ...next, status: statusOf(next) };
    }
    case 'DecisionRejected': {
      const proposal = state.proposals[event.data.decisionId];
      if (!proposal) return { ...state, events };
      const next = { ...state, events, proposals: { ...state.proposals, [proposal.decisionId]: { ...proposal, status: 'rejected' as const } } };
      return { ...next, status: statusOf(next) };
    }
    case 'PersonalDataErased': {
      const proposals = Object.fromEntries(
        Object.entries(state.proposals).map(([id, p]) => [id, p.personal === undefined ? p : { ...p, personal: 'erased' as const }]),
      );
      return { ...state, events, erased: true, proposals, ...(state.personal === undefined ? {} : { personal: 'erased' as const }) };
    }
    default:
      return decided(state, event, events);
  }
};

const decided = (state: Employee, event: DecidedEvent, events: number): Employee => {
  const { decisionId, decision, decree, proposedBy, approvedBy, personal } = event.data;
  const record: DecidedRecord = { decisionId, decision, decree, proposedBy, approvedBy, order: state.decided.length };
  const list = [...state.decided, record];
  const proposal = state.proposals[decisionId];
  const proposals = proposal ? { ...state.proposals, [decisionId]: { ...proposal, status: 'approved' as const } } : state.proposals;
  const next: Omit<Employee, 'status'> = {
    ...state,
    events,
    decided: list,
    proposals,
    ...(personal === undefined ? {} : { personal: erasedOrKeep(personal, state.erased)! }),
  };
  // Most decisions are recorded in TMT order: they extend the career; a back-dated one or a correction refolds it.
  const { career: previous, latestTmt: previousTmt, ...rest } = next as Employee;
  let career = previous;
  let latestTmt = previousTmt;
  if (decision.kind !== 'personal-data-correction') {
    const inOrder = decision.kind !== 'correction' && (previousTmt === undefined || decree.tmt >= previousTmt);
    career = inOrder ? applyDecision(previous, record) : careerOf(list);
    latestTmt = inOrder ? decree.tmt : latestTmtOf(list);
  }
  const withCareer = { ...rest, ...(career ? { career } : {}), ...(latestTmt ? { latestTmt } : {}) };
  return { ...withCareer, status: statusOf(withCareer) };
};

// ---------------------------------------------------------------------------------------------------
// Decide

export const decide = (command: EmployeeCommand, state: Employee, context: DecideContext): EmployeeEvent[] => {
  switch (command.type) {
    case 'ProposeDecision':
      return propose(command, state, context);
    case 'ApproveDecision':
      return approve(command, state, context);
    case 'RejectDecision':
      return reject(command, state);
    case 'ErasePersonalData':
      return erase(command, state);
    default:
      return command satisfies never;
  }
};

const propose = (
  command: Extract<EmployeeCommand, { type: 'ProposeDecision' }>,
  state: Employee,
  context: DecideContext,
): EmployeeEvent[] => {
  if (state.proposals[command.decisionId] || state.decided.some((d) => d.decisionId === command.decisionId)) {
    refused('decision-exists', 'A decision with this id was already proposed.');
  }
  if (command.personal && command.decision.kind !== 'appointment' && command.decision.kind !== 'personal-data-correction') {
    invalid('personal-data-not-expected', 'Only an appointment or a personal-data correction carries personal data.');
  }
  checkProposal(state, command.decisionId, command.decision, command.decree, command.personal, context);
  const { tmt } = command.decree;
  const careerAtTmt = state.latestTmt !== undefined && tmt >= state.latestTmt ? state.career : careerOf(state.decided, tmt);
  const unitId = command.decision.kind === 'appointment' ? command.decision.unitId : (careerAtTmt?.unitId ?? lastUnitOf(state.decided));
  if (unitId === undefined) refused('no-unit', 'The employee belongs to no unit of the city.');
  return [
    {
      type: 'DecisionProposed',
      data: {
        decisionId: command.decisionId,
        unitId: unitId!,
        proposedBy: command.proposedBy,
        decision: command.decision,
        decree: command.decree,
        ...(command.personal ? { personal: command.personal } : {}),
      },
    },
  ];
};

const pendingProposal = (state: Employee, decisionId: string): Proposal => {
  const proposal = state.proposals[decisionId];
  if (!proposal) throw new EmployeeDecisionError('not-found', 'proposal-not-found', 'No such proposal for this employee.');
  if (proposal.status !== 'pending') refused(`proposal-${proposal.status}`, `This proposal was already ${proposal.status}.`);
  return proposal;
};

const approve = (
  command: Extract<EmployeeCommand, { type: 'ApproveDecision' }>,
  state: Employee,
  context: DecideContext,
): EmployeeEvent[] => {
  const proposal = pendingProposal(state, command.decisionId);
  if (proposal.proposedBy === command.approvedBy) {
    throw new EmployeeDecisionError('forbidden', 'own-proposal', 'Nobody may approve their own proposal (separation of duties).');
  }
  if (proposal.personal === 'erased') refused('personal-data-erased', "The proposal's personal data was erased; propose it again.");
  // The state may have changed since the proposal: the rules are checked again against today's state.
  checkProposal(state, proposal.decisionId, proposal.decision, proposal.decree, proposal.personal, context);
  return [
    {
      type: DECIDED_EVENT_TYPE[proposal.decision.kind],
      data: {
        decisionId: proposal.decisionId,
        proposedBy: proposal.proposedBy,
        approvedBy: command.approvedBy,
        decision: proposal.decision,
        decree: proposal.decree,
        ...(proposal.personal ? { personal: proposal.personal } : {}),
      },
    } as EmployeeEvent,
  ];
};

const reject = (command: Extract<EmployeeCommand, { type: 'RejectDecision' }>, state: Employee): EmployeeEvent[] => {
  const proposal = pendingProposal(state, command.decisionId);
  return [{ type: 'DecisionRejected', data: { decisionId: proposal.decisionId, rejectedBy: command.rejectedBy, reason: command.reason } }];
};

const erase = (command: Extract<EmployeeCommand, { type: 'ErasePersonalData' }>, state: Employee): EmployeeEvent[] => {
  if (state.events === 0) throw new EmployeeDecisionError('not-found', 'employee-not-found', 'No such employee.');
  if (state.erased) return [];
  return [{ type: 'PersonalDataErased', data: { erasedBy: command.erasedBy, reason: command.reason } }];
};

// ---------------------------------------------------------------------------------------------------
// The rules of each decision kind

const requireActive = (career: Career | undefined, state: Employee): Career => {
  if (!career) {
    return refused('not-appointed', state.status === 'proposed' ? 'The appointment is still awaiting approval.' : 'The employee has not been appointed.');
  }
  if (career.status !== 'active') return refused(`employee-${career.status}`, `Nothing can be decided for an employee who is ${career.status.replace('-', ' ')}.`);
  return career;
};

const checkPersonal = (personal: PersonalData | undefined, employeeType: EmployeeType, today: string): PersonalData => {
  if (!personal) return invalid('personal-data-required', 'This decision needs the personal data of the employee.');
  const nip = validateNip(personal.nip, { employeeType, birthDate: personal.birthDate, gender: personal.gender }, today);
  if (!nip.ok) {
    throw new EmployeeDecisionError(
      'invalid',
      'nip-invalid',
      employeeType === 'PPPK' ? 'The NI PPPK is not valid.' : 'The NIP is not valid.',
      nip.issues.map((issue) => ({ rule: `nip.${issue.code}`, regulation: 'Peraturan BKN (NIP / NI PPPK)', message: issue.message })),
    );
  }
  return personal;
};

/**
 * The rules of one decision against the career just before its TMT (`before`). `strict` is for the decision
 * being decided now: then every rule applies. The decisions already in force after it are checked again
 * without `strict`, for the rules that depend on the career alone (an active employee, a PNS, the next rank,
 * …): the units, the position map, eligibility, tenure and personal data were checked when they were made.
 */
const checkDecision = (
  before: Career | undefined,
  state: Employee,
  decision: Decision,
  decree: Decree,
  personal: Personal | undefined,
  context: DecideContext,
  strict: boolean,
): void => {
  const { tmt } = decree;
  const { rules, units } = context;
  // The decision's own personal data (an appointment, a correction), else the employee's as recorded.
  const open = personal === 'erased' ? undefined : personal;
  const known = open ?? (state.personal === 'erased' ? undefined : state.personal);
  switch (decision.kind) {
    case 'appointment': {
      if (before) refused('already-appointed', 'The employee is already appointed.');
      if (decision.employeeType === 'PPPK') {
        if (!decision.pppkGrade || decision.golongan) invalid('pppk-grade', 'A PPPK has a grade (I–XVII), not a golongan.');
        if (!decision.contractUntil) return invalid('contract-required', 'A PPPK appointment needs the end of its work agreement.');
        if (decision.contractUntil < addMonths(tmt, rules.contract.minMonths)) {
          invalid('contract-too-short', `A PPPK work agreement lasts at least ${rules.contract.minMonths} months.`);
        }
      } else {
        if (!decision.golongan || decision.pppkGrade) invalid('golongan', 'A CPNS or PNS has a golongan, not a PPPK grade.');
        if (decision.contractUntil) invalid('contract-not-allowed', 'Only a PPPK has a work agreement.');
      }
      if (!strict) return;
      const data = checkPersonal(known, decision.employeeType, context.today);
      if (decision.employeeType === 'CPNS' && decision.golongan !== rules.promotion.startingRank[data.education]) {
        invalid('starting-rank', "A CPNS starts at the rank of their education (starting rank rule).");
      }
      if (!units.existsOn(decision.unitId, tmt)) refused('unit-not-found', 'The unit did not exist on the TMT.');
      return;
    }
    case 'confirmation': {
      const active = requireActive(before, state);
      if (active.employeeType !== 'CPNS') refused('not-cpns', 'Only a CPNS is confirmed as PNS.');
      if (tmt < addMonths(active.appointedOn, rules.probation.cpnsMonths)) {
        refused('probation-running', `The probation of a CPNS lasts ${rules.probation.cpnsMonths} months.`, [
          { rule: 'probation.cpnsMonths', regulation: rules.probation.regulation, message: 'Probation not completed by the TMT.' },
        ]);
      }
      return;
    }
    case 'promotion': {
      const active = requireActive(before, state);
      if (active.employeeType !== 'PNS' || !active.golongan) refused('not-pns', 'Only a PNS is promoted in rank.');
      const next = nextGolongan(active.golongan!);
      if (!next) return refused('highest-rank', 'IV/e is the highest rank: no promotion past it.');
      if (decision.golongan !== next) invalid('not-next-rank', `A promotion goes one step, from ${active.golongan} to ${next}.`);
      if (!strict) return;
      if (decision.promotionKind === 'regular') {
        const verdict = promotionEligibility(
          {
            employeeType: active.employeeType,
            status: active.status,
            golongan: active.golongan!,
            rankSince: active.rankSince ?? active.appointedOn,
            ...(known ? { education: known.education } : {}),
            ...runningUntil(active, tmt),
            appraisals: context.appraisals ?? [],
          },
          tmt,
          rules,
        );
        if (!verdict.eligible) refused('not-eligible', 'The employee is not eligible for a regular promotion on the TMT.', verdict.reasons);
      } else if (decision.promotionKind === 'pilihan' && runningSanction(active, tmt)) {
        refused('sanction-running', 'A running discipline sanction blocks promotion.');
      }
      return;
    }
    case 'transfer': {
      const active = requireActive(before, state);
      if (decision.transferKind === 'within-city') {
        if (!decision.toUnitId) return invalid('to-unit-required', 'A transfer within the city names the receiving unit.');
        if (decision.pertekNumber) invalid('pertek-not-allowed', 'A transfer within the city needs no Pertek.');
        if (decision.toUnitId === active.unitId) invalid('same-unit', 'The employee already works in this unit.');
        if (strict && !units.existsOn(decision.toUnitId, tmt)) refused('unit-not-found', 'The receiving unit did not exist on the TMT.');
      } else {
        if (decision.toUnitId) invalid('to-unit-not-allowed', 'A transfer out of the city names no unit of the city.');
        if (!decision.pertekNumber) invalid('pertek-required', "A move to another region or agency needs BKN's technical approval (Pertek).");
      }
      if (!strict) return;
      const tenure = transferTenure(active.unitSince, tmt, rules);
      if (tenure.reason === 'too-short' && !decision.tenureOverrideReason) {
        refused('tenure-too-short', `At least ${rules.transfer.minYearsInPost} years in post before a transfer, unless a reason is recorded.`, [
          { rule: 'transfer.minYearsInPost', regulation: rules.transfer.regulation, message: `${tenure.years.toFixed(1)} years in post on the TMT.` },
        ]);
      }
      return;
    }
    case 'position-assignment': {
      const active = requireActive(before, state);
      if (strict && decision.positionId && (!active.unitId || !units.hasPositionOn(active.unitId, decision.positionId, tmt))) {
        refused('position-not-found', "The position is not in the unit's position map on the TMT.");
      }
      if (decision.position.kind === 'managerial' && active.employeeType === 'CPNS') refused('cpns-managerial', 'A CPNS cannot hold a managerial position.');
      return;
    }
    case 'sanction': {
      const active = requireActive(before, state);
      const allowed: readonly string[] = SANCTIONS[decision.severity];
      if (!allowed.includes(decision.sanction)) invalid('sanction-severity', `A ${decision.severity} sanction is one of: ${allowed.join(', ')}.`);
      if (decision.sanction === 'dismissal') invalid('use-dismissal', 'Dismissal as a sanction is recorded as a dismissal (ground: heavy-discipline-sanction).');
      if (decision.severity === 'light' && decision.months !== undefined) invalid('light-no-duration', 'A light sanction has no duration.');
      if (decision.severity === 'medium' && ![6, 9, 12].includes(decision.months ?? 0)) invalid('medium-duration', 'A medium sanction lasts 6, 9 or 12 months.');
      if (decision.severity === 'heavy' && decision.months !== 12) invalid('heavy-duration', 'A heavy sanction (demotion, removal to pelaksana) lasts 12 months.');
      const changesPosition = decision.sanction === 'demotion' || decision.sanction === 'removal-to-pelaksana';
      if (changesPosition && !decision.position) invalid('sanction-position-required', 'A demotion or removal to pelaksana names the position held during the sanction.');
      if (!changesPosition && decision.position) invalid('sanction-position-not-allowed', 'Only a demotion or a removal to pelaksana changes the position.');
      if (decision.sanction === 'removal-to-pelaksana' && decision.position?.kind !== 'pelaksana') invalid('sanction-position-pelaksana', 'A removal to pelaksana names a pelaksana position.');
      if (decision.sanction === 'demotion' && decision.position && sameOrHigher(decision.position, active.position)) {
        invalid('sanction-position-not-lower', 'A demotion names a position lower than the one held.');
      }
      return;
    }
    case 'dismissal': {
      const active = requireActive(before, state);
      const grounds: readonly string[] = DISMISSAL_GROUNDS[decision.dismissalKind];
      if (!grounds.includes(decision.ground)) invalid('dismissal-ground', `A ${decision.dismissalKind} dismissal has one of the grounds: ${grounds.join(', ')}.`);
      if (decision.ground === 'contract-end' && active.employeeType !== 'PPPK') invalid('contract-end-not-pppk', 'Only a PPPK has a contract that ends.');
      // Reaching the retirement age is a retirement with its own check; the ground cannot be used to skip it.
      if (strict && decision.ground === 'retirement-age') checkRetirementAge(active, known, tmt, rules);
      return;
    }
    case 'retirement': {
      const active = requireActive(before, state);
      if (active.employeeType !== 'PNS') refused('not-pns', 'Only a PNS retires with a pension; a PPPK contract ends.');
      if (strict) checkRetirementAge(active, known, tmt, rules);
      return;
    }
    case 'contract-renewal': {
      const active = requireActive(before, state);
      if (active.employeeType !== 'PPPK') refused('not-pppk', 'Only a PPPK work agreement is renewed.');
      if (active.contractUntil !== undefined && decision.contractUntil <= active.contractUntil) {
        invalid('renewal-not-later', 'A renewal must end after the current work agreement.');
      }
      if (decision.contractUntil < addMonths(tmt, rules.contract.minMonths)) {
        invalid('contract-too-short', `A PPPK work agreement lasts at least ${rules.contract.minMonths} months.`);
      }
      return;
    }
    case 'contract-end': {
      const active = requireActive(before, state);
      if (active.employeeType !== 'PPPK') refused('not-pppk', 'Only a PPPK work agreement ends.');
      return;
    }
    case 'correction': {
      if (!state.career) refused('not-appointed', 'The employee has not been appointed.');
      const original = state.decided.find((d) => d.decisionId === decision.correctsDecisionId);
      if (!original) return refused('decision-not-found', 'The corrected decision is not a decision of this employee.');
      if (original.decision.kind === 'correction' || original.decision.kind === 'personal-data-correction') {
        invalid('not-correctable', 'A correction corrects a active decision, not another correction.');
      }
      if (decision.replacement && decision.replacement.kind !== original.decision.kind) {
        invalid('replacement-kind', `The replacement must be a decision of the same kind (${original.decision.kind}).`);
      }
      return;
    }
    case 'personal-data-correction': {
      if (!state.career) refused('not-appointed', 'The employee has not been appointed.');
      if (state.erased) refused('personal-data-erased', 'The personal data of this employee was erased.');
      checkPersonal(open, state.career!.employeeType === 'PPPK' ? 'PPPK' : 'PNS', context.today);
      return;
    }
    default:
      decision satisfies never;
  }
};

const checkRetirementAge = (career: Career, known: PersonalData | undefined, tmt: string, rules: PersonnelRules): void => {
  if (!known) return refused('personal-data-erased', 'The birth date is needed to check the retirement age.');
  // The date itself is not given: it tells the birth month and year.
  if (tmt < retirementDate(known.birthDate, career.position, rules)) {
    refused('before-retirement-age', 'The TMT is before the retirement age (BUP) is reached; an earlier end is a dismissal at own request.', [
      { rule: 'retirement.age', regulation: rules.retirement.regulation, message: 'TMT before the retirement date.' },
    ]);
  }
};

/**
 * Checks a decision (or the replacement a correction brings) where its TMT puts it in the career, and every
 * decision in force around it again, so that no decision — back-dated, future-dated or corrected — leaves the
 * timeline with a step the rules forbid (a promotion after a dismissal, a rank jump, a transfer of someone
 * who has left).
 */
const checkTimeline = (state: Employee, record: DecidedRecord, personal: Personal | undefined, context: DecideContext): void => {
  // The usual case: a decision at or after every TMT in force comes last, meets the career as it is and
  // moves nothing after it. Only a back-dated decision or a correction needs the walk through the timeline.
  if (record.decision.kind !== 'correction' && (state.latestTmt === undefined || record.decree.tmt >= state.latestTmt)) {
    checkDecision(state.career, state, record.decision, record.decree, personal, context, true);
    return;
  }
  const subject = record.decision.kind === 'correction' ? record.decision.correctsDecisionId : record.decisionId;
  let career: Career | undefined;
  for (const r of decisionsInForce([...state.decided, record])) {
    if (r.decisionId === subject) {
      checkDecision(career, state, r.decision, r.decree, personal, context, true);
    } else {
      try {
        checkDecision(career, state, r.decision, r.decree, undefined, context, false);
      } catch (error) {
        if (!(error instanceof EmployeeDecisionError)) throw error;
        refused('timeline-conflict', `This contradicts the ${r.decision.kind} in force from ${r.decree.tmt}: ${error.message}`);
      }
    }
    career = applyDecision(career, r);
  }
};

/** Every rule a proposed decision must meet, at proposal and again at approval. */
const checkProposal = (state: Employee, decisionId: string, decision: Decision, decree: Decree, personal: Personal | undefined, context: DecideContext): void => {
  if (decision.kind === 'appointment') {
    if (state.career) refused('already-appointed', 'The employee is already appointed.');
    const pending = Object.values(state.proposals).some((p) => p.decision.kind === 'appointment' && p.status === 'pending' && p.decisionId !== decisionId);
    if (pending) refused('appointment-pending', 'An appointment of this employee is already awaiting approval.');
  }
  if (decision.kind === 'correction' || decision.kind === 'personal-data-correction') {
    checkDecision(state.career, state, decision, decree, personal, context, true);
  }
  if (decision.kind === 'personal-data-correction') return;
  checkTimeline(state, { decisionId, decision, decree, proposedBy: '', approvedBy: '', order: state.decided.length }, personal, context);
};

/**
 * Whether `next` is at the level of `held` or above, within one kind of position (managerial levels run from
 * JPT utama down, functional ones from pemula up); pelaksana is below every other, and a change of kind
 * otherwise is not compared.
 */
const sameOrHigher = (next: Position, held: Position): boolean => {
  if (next.kind === 'pelaksana') return held.kind === 'pelaksana';
  if (next.kind === 'managerial' && held.kind === 'managerial') return MANAGERIAL_LEVELS.indexOf(next.level) <= MANAGERIAL_LEVELS.indexOf(held.level);
  if (next.kind === 'functional' && held.kind === 'functional') return FUNCTIONAL_LEVELS.indexOf(next.level) >= FUNCTIONAL_LEVELS.indexOf(held.level);
  return held.kind === 'pelaksana';
};

const runningUntil = (career: Career, date: string): { runningSanctionUntil?: string } => {
  const running = runningSanction(career, date);
  return running?.until ? { runningSanctionUntil: running.until } : {};
};
