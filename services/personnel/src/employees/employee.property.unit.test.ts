import { describe, expect, it } from '@jest/globals';
import { type Decision, DISMISSAL_GROUNDS, GOLONGAN, PPPK_GRADES, SANCTIONS } from '@asn/contracts';
import fc from 'fast-check';
import { applyDecision, decide, decisionsInForce, EmployeeDecisionError, evolve, initialState, type Career, type Employee, type EmployeeCommand } from './employee.domain';
import { aDecree, aPerson, APPROVER, context, STAFF, UNIT_A, UNIT_B, UNIT_DISSOLVED } from './employee.fixtures';

// A step names what to do; which proposal or decision it acts on is picked from the state at that moment.
type Step =
  | { do: 'propose'; decision: Decision; tmt: string; personal: boolean }
  | { do: 'approve'; pick: number; by: string }
  | { do: 'reject'; pick: number; by: string }
  | { do: 'correct'; pick: number; revoke: boolean; tmt: string }
  | { do: 'erase' };

const tmt = fc.record({ year: fc.integer({ min: 2013, max: 2050 }), month: fc.integer({ min: 1, max: 12 }) }).map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}-01`);
const golongan = fc.constantFrom(...GOLONGAN);
const unit = fc.constantFrom(UNIT_A, UNIT_B, UNIT_DISSOLVED);
const severity = fc.constantFrom('light', 'medium', 'heavy' as const);
const sanction = fc.constantFrom(...SANCTIONS.light, ...SANCTIONS.medium, ...SANCTIONS.heavy);
const dismissalKind = fc.constantFrom('own-request', 'honourable', 'dishonourable' as const);
const ground = fc.constantFrom(...DISMISSAL_GROUNDS['own-request'], ...DISMISSAL_GROUNDS.honourable, ...DISMISSAL_GROUNDS.dishonourable);

const decision: fc.Arbitrary<Decision> = fc.oneof(
  fc.record({
    kind: fc.constant('appointment' as const),
    employeeType: fc.constantFrom('CPNS', 'PNS', 'PPPK' as const),
    golongan: fc.option(golongan, { nil: undefined }),
    pppkGrade: fc.option(fc.constantFrom(...PPPK_GRADES), { nil: undefined }),
    unitId: unit,
    position: fc.constant({ kind: 'pelaksana' as const, title: 'Pengadministrasi' }),
    contractUntil: fc.option(tmt, { nil: undefined }),
  }, { requiredKeys: ['kind', 'employeeType', 'unitId', 'position'] }),
  fc.constant({ kind: 'confirmation' as const }),
  fc.record({ kind: fc.constant('promotion' as const), promotionKind: fc.constantFrom('regular', 'pilihan', 'anumerta', 'pengabdian' as const), golongan }),
  fc.record({ kind: fc.constant('transfer' as const), transferKind: fc.constant('within-city' as const), toUnitId: unit, tenureOverrideReason: fc.constant('Kebutuhan organisasi') }),
  fc.record({ kind: fc.constant('transfer' as const), transferKind: fc.constantFrom('to-other-region', 'to-central-agency' as const), pertekNumber: fc.constant('PERTEK-1') }),
  fc.record({ kind: fc.constant('sanction' as const), severity, sanction, months: fc.option(fc.constantFrom(6, 9, 12), { nil: undefined }) }, { requiredKeys: ['kind', 'severity', 'sanction'] }),
  fc.record({ kind: fc.constant('dismissal' as const), dismissalKind, ground }),
  fc.constant({ kind: 'retirement' as const }),
  fc.record({ kind: fc.constant('contract-renewal' as const), contractUntil: tmt }),
  fc.constant({ kind: 'contract-end' as const }),
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ do: fc.constant('propose' as const), decision, tmt, personal: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ do: fc.constant('approve' as const), pick: fc.nat(), by: fc.constantFrom(APPROVER, APPROVER, STAFF) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('reject' as const), pick: fc.nat(), by: fc.constantFrom(APPROVER, STAFF) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('correct' as const), pick: fc.nat(), revoke: fc.boolean(), tmt }) },
  { weight: 1, arbitrary: fc.constant({ do: 'erase' as const }) },
);

let ids = 0;
const nextId = () => `0190c000-0000-7000-8000-${String(++ids).padStart(12, '0')}`;

const commandOf = (s: Step, state: Employee): EmployeeCommand | undefined => {
  const pending = Object.values(state.proposals).filter((p) => p.status === 'pending');
  switch (s.do) {
    case 'propose':
      return { type: 'ProposeDecision', decisionId: nextId(), proposedBy: STAFF, decision: s.decision, decree: aDecree(s.tmt), ...(s.personal ? { personal: aPerson() } : {}) };
    case 'approve': {
      const p = pending[s.pick % Math.max(pending.length, 1)];
      return p && { type: 'ApproveDecision', decisionId: p.decisionId, approvedBy: s.by };
    }
    case 'reject': {
      const p = pending[s.pick % Math.max(pending.length, 1)];
      return p && { type: 'RejectDecision', decisionId: p.decisionId, rejectedBy: s.by, reason: 'Tidak memenuhi syarat' };
    }
    case 'correct': {
      const d = state.decided[s.pick % Math.max(state.decided.length, 1)];
      if (!d) return undefined;
      const replacement = d.decision.kind === 'correction' || d.decision.kind === 'personal-data-correction' || s.revoke ? undefined : d.decision;
      return {
        type: 'ProposeDecision',
        decisionId: nextId(),
        proposedBy: STAFF,
        decision: { kind: 'correction', correctsDecisionId: d.decisionId, reason: 'Koreksi SK', ...(replacement ? { replacement } : {}) },
        decree: aDecree(s.tmt),
      };
    }
    case 'erase':
      return { type: 'ErasePersonalData', erasedBy: 'dpo-1', reason: 'Permintaan subjek data' };
    default:
      return s satisfies never;
  }
};

// Most random appointments are invalid (a rank that does not fit, a PPPK without a contract), so half the runs
// start from a valid appointment: the steps after it then act on a real career.
const appointed: Step[] = [
  {
    do: 'propose',
    decision: { kind: 'appointment', employeeType: 'CPNS', golongan: 'III/a', unitId: UNIT_A, position: { kind: 'pelaksana', title: 'Pengadministrasi' } },
    tmt: '2015-03-01',
    personal: true,
  },
  { do: 'approve', pick: 0, by: APPROVER },
];
const steps = (min: number) =>
  fc.tuple(fc.boolean(), fc.array(step, { minLength: min, maxLength: 40 })).map(([start, rest]) => (start ? [...appointed, ...rest] : rest));


const assertValid = (state: Employee): void => {
  for (const record of state.decided) expect(record.approvedBy).not.toBe(record.proposedBy);
  expect(Object.values(state.proposals).filter((p) => p.decision.kind === 'appointment' && p.status === 'pending').length).toBeLessThanOrEqual(1);
  const career = state.career;
  if (!career) return;
  if (career.employeeType === 'PPPK') {
    expect(career.golongan).toBeUndefined();
    expect(career.pppkGrade).toBeDefined();
  } else {
    expect(GOLONGAN).toContain(career.golongan);
  }
  if (career.status === 'active') expect(career.unitId).toBeDefined();
  // Walk the decisions in force in TMT order: each one after the appointment meets an active career, so
  // nothing was decided for an employee whose career had ended by then (back-dated decisions included).
  let walked: Career | undefined;
  for (const record of decisionsInForce(state.decided)) {
    if (record.decision.kind !== 'appointment') expect({ kind: record.decision.kind, status: walked?.status }).toEqual({ kind: record.decision.kind, status: 'active' });
    if (record.decision.kind === 'promotion' && walked?.golongan) expect(GOLONGAN.indexOf(record.decision.golongan)).toBe(GOLONGAN.indexOf(walked.golongan) + 1);
    walked = applyDecision(walked, record);
  }
  expect(walked).toEqual(state.career);
};

describe('any sequence of commands', () => {
  it('never yields an invalid state, and refuses only with a decision error', () => {
    fc.assert(
      fc.property(steps(1), (steps) => {
        let state = initialState();
        for (const s of steps) {
          const command = commandOf(s, state);
          if (!command) continue;
          let events;
          try {
            events = decide(command, state, context());
          } catch (error) {
            if (!(error instanceof EmployeeDecisionError)) throw error;
            continue;
          }
          state = events.reduce(evolve, state);
          assertValid(state);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reaches careers of several decisions often enough to mean something', () => {
    // Guards the property above against vacuity: valid careers must actually occur in the generated runs.
    let careers = 0;
    fc.assert(
      fc.property(steps(5), (steps) => {
        let state = initialState();
        for (const s of steps) {
          const command = commandOf(s, state);
          if (!command) continue;
          try {
            state = decide(command, state, context()).reduce(evolve, state);
          } catch {
            /* refused: the state stays */
          }
        }
        if (state.career && state.decided.length >= 3) careers += 1;
      }),
      { numRuns: 1000, seed: 20261128 },
    );
    expect(careers).toBeGreaterThan(10);
  });
});
