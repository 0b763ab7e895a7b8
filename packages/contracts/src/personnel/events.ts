import { z } from 'zod';
import { createEventRegistry, defineEvent, type EventData } from '../registry';
import { SealedValue } from '../sealed';
import {
  CalendarDate,
  DISMISSAL_GROUNDS,
  DismissalKind,
  EmployeeType,
  Golongan,
  Position,
  PppkGrade,
  PromotionKind,
  SANCTIONS,
  SanctionSeverity,
  TransferKind,
} from './vocabulary';

/**
 * Free text as officials type it: trimmed, bounded, no control characters and no bidirectional overrides
 * (both make text display differently from what is stored, in logs, reports and decrees). Letters of every
 * script pass, so do apostrophes, hyphens and dots.
 */
export const Text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(value), 'Must not contain control characters or bidirectional overrides.');

const Uuid = z.uuid().toLowerCase();


/** The decree (SK) that makes a decision legal. TMT is the effective date; it may lie in the past or the future. */
export const Decree = z.strictObject({
  skNumber: Text(1, 100),
  skDate: CalendarDate,
  tmt: CalendarDate,
  /** The signing official (name and office), under the PPK's authority. */
  signedBy: Text(2, 200),
  legalBasis: Text(2, 500),
  /** SHA-256 (hex) of the signed document, when it was scanned. */
  documentSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type Decree = z.infer<typeof Decree>;

const SanctionKind = z.enum([...SANCTIONS.light, ...SANCTIONS.medium, ...SANCTIONS.heavy]);
const DismissalGround = z.enum([
  ...DISMISSAL_GROUNDS['own-request'],
  ...DISMISSAL_GROUNDS.honourable,
  ...DISMISSAL_GROUNDS.dishonourable,
]);

const Appointment = z.strictObject({
  kind: z.literal('appointment'),
  employeeType: EmployeeType,
  /** Rank of a CPNS or PNS. */
  golongan: Golongan.optional(),
  /** Grade of a PPPK. */
  pppkGrade: PppkGrade.optional(),
  unitId: Uuid,
  position: Position,
  /** End of a PPPK's work agreement (exclusive). */
  contractUntil: CalendarDate.optional(),
});
const Confirmation = z.strictObject({ kind: z.literal('confirmation') });
const Promotion = z.strictObject({ kind: z.literal('promotion'), promotionKind: PromotionKind, golongan: Golongan });
const Transfer = z.strictObject({
  kind: z.literal('transfer'),
  transferKind: TransferKind,
  /** The receiving unit of the city; absent when the employee leaves the city. */
  toUnitId: Uuid.optional(),
  /** Why the 2–5 year tenure rule is overridden; required when it is. */
  tenureOverrideReason: Text(5, 1000).optional(),
  /** BKN's technical approval (Pertek) of a move to another region or a central agency. */
  pertekNumber: Text(1, 100).optional(),
});
const PositionAssignment = z.strictObject({
  kind: z.literal('position-assignment'),
  position: Position,
  /** The position in the unit's position map, when it has one. */
  positionId: Uuid.optional(),
});
const Sanction = z.strictObject({
  kind: z.literal('sanction'),
  severity: SanctionSeverity,
  sanction: SanctionKind,
  /** Duration of a medium or heavy sanction; a light one has none. */
  months: z.number().int().min(1).max(36).optional(),
  /**
   * The position held from the TMT on, for the heavy sanctions that change it (PP 94/2021: demotion to a
   * position one level lower, or release to a pelaksana position, each for 12 months). Getting a position
   * back afterwards is a new position assignment, not automatic.
   */
  position: Position.optional(),
});
const Dismissal = z.strictObject({ kind: z.literal('dismissal'), dismissalKind: DismissalKind, ground: DismissalGround });
const Retirement = z.strictObject({ kind: z.literal('retirement') });
const ContractRenewal = z.strictObject({ kind: z.literal('contract-renewal'), contractUntil: CalendarDate });
const ContractEnd = z.strictObject({ kind: z.literal('contract-end') });
const PersonalDataCorrection = z.strictObject({ kind: z.literal('personal-data-correction') });

/** A decision other than a correction: what a correction may put in the place of the decision it corrects. */
export const CorrectableDecision = z.discriminatedUnion('kind', [
  Appointment,
  Confirmation,
  Promotion,
  Transfer,
  PositionAssignment,
  Sanction,
  Dismissal,
  Retirement,
  ContractRenewal,
  ContractEnd,
]);
export type CorrectableDecision = z.infer<typeof CorrectableDecision>;

const Correction = z.strictObject({
  kind: z.literal('correction'),
  correctsDecisionId: Uuid,
  reason: Text(5, 1000),
  /** The decision as it should have been (same kind); absent when the decision is revoked. */
  replacement: CorrectableDecision.optional(),
});

/** A personnel decision, as proposed and, once approved, as decided. */
export const Decision = z.discriminatedUnion('kind', [...CorrectableDecision.options, Correction, PersonalDataCorrection]);
export type Decision = z.infer<typeof Decision>;
export type DecisionKind = Decision['kind'];

/** The event type each decision kind is recorded as once approved. */
export const DECIDED_EVENT_TYPE = {
  appointment: 'EmployeeAppointed',
  confirmation: 'EmployeeConfirmedAsPns',
  promotion: 'EmployeePromoted',
  transfer: 'EmployeeTransferred',
  'position-assignment': 'EmployeeAssignedToPosition',
  sanction: 'DisciplinarySanctionImposed',
  dismissal: 'EmployeeDismissed',
  retirement: 'EmployeeRetired',
  'contract-renewal': 'ContractRenewed',
  'contract-end': 'ContractEnded',
  correction: 'DecisionCorrected',
  'personal-data-correction': 'PersonalDataCorrected',
} as const satisfies Record<DecisionKind, string>;
export type DecidedEventType = (typeof DECIDED_EVENT_TYPE)[DecisionKind];

export const DecisionProposedData = z.strictObject({
  decisionId: Uuid,
  /** The unit whose pending list shows the proposal: the employee's unit, or the receiving one of an appointment. */
  unitId: Uuid,
  proposedBy: Text(1, 200),
  decision: Decision,
  decree: Decree,
  /** Personal data of an appointment or a personal-data correction, sealed with the employee's key. */
  personal: SealedValue.optional(),
});

const decidedData = <K extends DecisionKind>(kind: K) =>
  z.strictObject({
    decisionId: Uuid,
    proposedBy: Text(1, 200),
    approvedBy: Text(1, 200),
    decision: Decision.options.find((option) => option.shape.kind.value === kind) as Extract<
      (typeof Decision.options)[number],
      { shape: { kind: z.ZodLiteral<K> } }
    >,
    decree: Decree,
    personal: SealedValue.optional(),
  });

export const DecisionRejectedData = z.strictObject({ decisionId: Uuid, rejectedBy: Text(1, 200), reason: Text(5, 1000) });
export const PersonalDataErasedData = z.strictObject({ erasedBy: Text(1, 200), reason: Text(5, 1000) });

export const PersonnelEvents = {
  DecisionProposed: defineEvent({ type: 'DecisionProposed', version: 1, schema: DecisionProposedData }),
  DecisionRejected: defineEvent({ type: 'DecisionRejected', version: 1, schema: DecisionRejectedData }),
  PersonalDataErased: defineEvent({ type: 'PersonalDataErased', version: 1, schema: PersonalDataErasedData }),
  EmployeeAppointed: defineEvent({ type: 'EmployeeAppointed', version: 1, schema: decidedData('appointment') }),
  EmployeeConfirmedAsPns: defineEvent({ type: 'EmployeeConfirmedAsPns', version: 1, schema: decidedData('confirmation') }),
  EmployeePromoted: defineEvent({ type: 'EmployeePromoted', version: 1, schema: decidedData('promotion') }),
  EmployeeTransferred: defineEvent({ type: 'EmployeeTransferred', version: 1, schema: decidedData('transfer') }),
  EmployeeAssignedToPosition: defineEvent({ type: 'EmployeeAssignedToPosition', version: 1, schema: decidedData('position-assignment') }),
  DisciplinarySanctionImposed: defineEvent({ type: 'DisciplinarySanctionImposed', version: 1, schema: decidedData('sanction') }),
  EmployeeDismissed: defineEvent({ type: 'EmployeeDismissed', version: 1, schema: decidedData('dismissal') }),
  EmployeeRetired: defineEvent({ type: 'EmployeeRetired', version: 1, schema: decidedData('retirement') }),
  ContractRenewed: defineEvent({ type: 'ContractRenewed', version: 1, schema: decidedData('contract-renewal') }),
  ContractEnded: defineEvent({ type: 'ContractEnded', version: 1, schema: decidedData('contract-end') }),
  DecisionCorrected: defineEvent({ type: 'DecisionCorrected', version: 1, schema: decidedData('correction') }),
  PersonalDataCorrected: defineEvent({ type: 'PersonalDataCorrected', version: 1, schema: decidedData('personal-data-correction') }),
} as const;

/** Stored data of each employee event type, at its latest version. */
export type EmployeeEventData = { [T in keyof typeof PersonnelEvents]: { type: T; data: EventData<(typeof PersonnelEvents)[T]> } }[keyof typeof PersonnelEvents];

export const personnelEventRegistry = createEventRegistry(Object.values(PersonnelEvents));

// --- Organisation: units (OPD) and their position map -------------------------------------------------

const OrgChange = { tmt: CalendarDate, legalBasis: Text(2, 500) };

export const UnitEvents = {
  UnitEstablished: defineEvent({
    type: 'UnitEstablished',
    version: 1,
    schema: z.strictObject({ name: Text(2, 200), code: Text(1, 30), parentUnitId: Uuid.optional(), ...OrgChange }),
  }),
  UnitRenamed: defineEvent({ type: 'UnitRenamed', version: 1, schema: z.strictObject({ name: Text(2, 200), ...OrgChange }) }),
  UnitDissolved: defineEvent({
    type: 'UnitDissolved',
    version: 1,
    schema: z.strictObject({ successorUnitId: Uuid.optional(), ...OrgChange }),
  }),
  PositionCreated: defineEvent({
    type: 'PositionCreated',
    version: 1,
    schema: z.strictObject({ positionId: Uuid, position: Position, quota: z.number().int().min(1).max(10_000), ...OrgChange }),
  }),
  PositionAbolished: defineEvent({ type: 'PositionAbolished', version: 1, schema: z.strictObject({ positionId: Uuid, ...OrgChange }) }),
} as const;

export type UnitEventData = { [T in keyof typeof UnitEvents]: { type: T; data: EventData<(typeof UnitEvents)[T]> } }[keyof typeof UnitEvents];

export const unitEventRegistry = createEventRegistry(Object.values(UnitEvents));

/** The reservation of one NIP (its stream is named by a keyed hash of the number, never the number). */
export const NipEvents = {
  NipReserved: defineEvent({ type: 'NipReserved', version: 1, schema: z.strictObject({ employeeId: Uuid }) }),
} as const;
export const nipEventRegistry = createEventRegistry(Object.values(NipEvents));
