import { DECIDED_EVENT_TYPE, type Decision, type Decree } from '@asn/contracts';
import { DEFAULT_RULES } from '../rules/rules';
import type { DecideContext, EmployeeCommand, EmployeeEvent, PersonalData } from './employee.domain';

export const UNIT_A = '0190a000-0000-7000-8000-00000000000a';
export const UNIT_B = '0190a000-0000-7000-8000-00000000000b';
export const UNIT_DISSOLVED = '0190a000-0000-7000-8000-0000000000dd';
export const STAFF = 'staff-1';
export const APPROVER = 'approver-1';

let sequence = 0;
/** A fresh decision id per call, deterministic across runs. */
export const aDecisionId = (): string => `0190b000-0000-7000-8000-${String(++sequence).padStart(12, '0')}`;

export const aDecree = (tmt: string, overrides: Partial<Decree> = {}): Decree => ({
  skNumber: `800/${tmt.slice(0, 4)}/BKPSDM`,
  skDate: tmt,
  tmt,
  signedBy: 'Wali Kota Tanjungbalai',
  legalBasis: 'UU 20/2023 tentang ASN',
  ...overrides,
});

/** A CPNS with an S1, born 1990-03-15, started 2015-03: NIP 19900315 201503 2 001. */
export const aPerson = (overrides: Partial<PersonalData> = {}): PersonalData => ({
  name: 'Ni Luh Putu Ayu',
  nip: '199003152015032001',
  birthDate: '1990-03-15',
  gender: 'female',
  address: 'Jl. Sudirman No. 1, Tanjungbalai',
  education: 'S1',
  ...overrides,
});

export const context = (today = '2026-11-28'): DecideContext => ({
  today,
  rules: DEFAULT_RULES,
  units: {
    existsOn: (unitId, date) => unitId === UNIT_A || unitId === UNIT_B || (unitId === UNIT_DISSOLVED && date < '2020-01-01'),
    hasPositionOn: () => true,
  },
});

export const cpnsAppointment = (overrides: Partial<Extract<Decision, { kind: 'appointment' }>> = {}): Extract<Decision, { kind: 'appointment' }> => ({
  kind: 'appointment',
  employeeType: 'CPNS',
  golongan: 'III/a',
  unitId: UNIT_A,
  position: { kind: 'pelaksana', title: 'Analis Kepegawaian' },
  ...overrides,
});

export const propose = (decision: Decision, tmt: string, extra: { decisionId?: string; personal?: PersonalData; decree?: Decree; proposedBy?: string } = {}): EmployeeCommand => ({
  type: 'ProposeDecision',
  decisionId: extra.decisionId ?? aDecisionId(),
  proposedBy: extra.proposedBy ?? STAFF,
  decision,
  decree: extra.decree ?? aDecree(tmt),
  ...(extra.personal ? { personal: extra.personal } : {}),
});

/** The events of a proposal and its approval: how a decision gets into a stream. */
export const decided = (decision: Decision, tmt: string, extra: { decisionId?: string; personal?: PersonalData; unitId?: string } = {}): EmployeeEvent[] => {
  const decisionId = extra.decisionId ?? aDecisionId();
  const decree = aDecree(tmt);
  const personal = extra.personal ? { personal: extra.personal } : {};
  const unitId = extra.unitId ?? (decision.kind === 'appointment' ? decision.unitId : UNIT_A);
  return [
    { type: 'DecisionProposed', data: { decisionId, unitId, proposedBy: STAFF, decision, decree, ...personal } },
    {
      type: DECIDED_EVENT_TYPE[decision.kind],
      data: { decisionId, proposedBy: STAFF, approvedBy: APPROVER, decision, decree, ...personal },
    } as EmployeeEvent,
  ];
};


/** A CPNS appointed 2015-03-01 in unit A at III/a, confirmed as PNS on 2016-03-01. */
export const anAppointedPns = (): EmployeeEvent[] => [
  ...decided(cpnsAppointment(), '2015-03-01', { personal: aPerson() }),
  ...decided({ kind: 'confirmation' }, '2016-03-01'),
];
