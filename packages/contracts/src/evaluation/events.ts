import { z } from 'zod';
import { createEventRegistry, defineEvent, type EventData } from '../registry';
import { SealedValue } from '../sealed';
import { Text } from '../personnel/events';
import { CalendarDate, Predicate } from '../personnel/vocabulary';
import { AppraisalPeriod, CompetencyArea, FeedbackCategory, Rating } from './vocabulary';

const Uuid = z.uuid().toLowerCase();
/** Who acted: the token's subject (an official's employee id for evaluators and reviewers). */
const Actor = Text(1, 200);

/**
 * Events of one appraisal: stream `evaluation-<appraisalId>`, one employee, one period.
 * Free-text notes about the employee are personal data: they travel sealed with the employee's key in the
 * evaluation service (`notes`, `reason`), so erasing that key erases them everywhere.
 */
export const EvaluationEvents = {
  AppraisalOpened: defineEvent({
    type: 'AppraisalOpened',
    version: 1,
    schema: z.strictObject({
      employeeId: Uuid,
      unitId: Uuid,
      period: AppraisalPeriod,
      /** The direct supervisor from the org chart as of the period's end (or the opening day, if earlier). */
      evaluatorId: Uuid,
      openedBy: Actor,
    }),
  }),
  AppraisalRated: defineEvent({
    type: 'AppraisalRated',
    version: 1,
    schema: z.strictObject({
      results: Rating,
      behaviour: Rating,
      aspects: z.strictObject({ competence: Rating, discipline: Rating, integrity: Rating }),
      /** Competency areas in which the employee falls short of the job's standard. */
      competencyGaps: z.array(CompetencyArea).max(3).refine((gaps) => new Set(gaps).size === gaps.length, 'Each area once.'),
      /** Sealed JSON `{ competence?, discipline?, integrity?, gaps? }`: the evaluator's notes. */
      notes: SealedValue.optional(),
      ratedBy: Actor,
    }),
  }),
  AppraisalSubmitted: defineEvent({
    type: 'AppraisalSubmitted',
    version: 1,
    schema: z.strictObject({
      submittedBy: Actor,
      /** The evaluator's own superior, who reviews. */
      reviewerId: Uuid,
      predicate: Predicate,
    }),
  }),
  AppraisalReturned: defineEvent({
    type: 'AppraisalReturned',
    version: 1,
    schema: z.strictObject({ returnedBy: Actor, note: SealedValue.optional() }),
  }),
  AppraisalReviewed: defineEvent({ type: 'AppraisalReviewed', version: 1, schema: z.strictObject({ reviewedBy: Actor }) }),
  AppraisalFinalised: defineEvent({
    type: 'AppraisalFinalised',
    version: 1,
    schema: z.strictObject({
      employeeId: Uuid,
      unitId: Uuid,
      period: AppraisalPeriod,
      results: Rating,
      behaviour: Rating,
      predicate: Predicate,
      finalisedBy: Actor,
      finalisedOn: CalendarDate,
      /** Last day on which the employee may object. */
      objectionUntil: CalendarDate,
      /** Set when the unit's predicates for the period break the cap of its unit rating (a warning, not a refusal). */
      distributionWarning: Text(1, 500).optional(),
    }),
  }),
  ObjectionFiled: defineEvent({
    type: 'ObjectionFiled',
    version: 1,
    schema: z.strictObject({ filedBy: Actor, filedOn: CalendarDate, reason: SealedValue }),
  }),
  ObjectionDecided: defineEvent({
    type: 'ObjectionDecided',
    version: 1,
    schema: z.strictObject({
      employeeId: Uuid,
      period: AppraisalPeriod,
      decidedBy: Actor,
      outcome: z.enum(['upheld', 'rejected']),
      results: Rating,
      behaviour: Rating,
      /** The predicate in force after the decision (changed only when upheld). */
      predicate: Predicate,
      note: SealedValue.optional(),
    }),
  }),
  AppraisalClosed: defineEvent({
    type: 'AppraisalClosed',
    version: 1,
    schema: z.strictObject({ reason: z.enum(['employee-left']), tmt: CalendarDate }),
  }),
  /**
   * The unit's own performance rating for a year (set by an HR approver): it caps how the predicates of the
   * unit's appraisals may be distributed. Stream `evaluation-<id>`, one per unit and year, the id derived
   * from both by the evaluation service.
   */
  UnitRated: defineEvent({
    type: 'UnitRated',
    version: 1,
    schema: z.strictObject({ unitId: Uuid, year: z.number().int().min(2000).max(2199), rating: Predicate, ratedBy: Actor }),
  }),
  /** A substantiated public complaint about the employee, shown to the evaluator; it never changes a rating. */
  ComplaintNoted: defineEvent({
    type: 'ComplaintNoted',
    version: 1,
    schema: z.strictObject({ ticketId: Uuid, category: FeedbackCategory, substantiatedOn: CalendarDate }),
  }),
  TrainingNeedIdentified: defineEvent({
    type: 'TrainingNeedIdentified',
    version: 1,
    schema: z.strictObject({
      needId: Uuid,
      employeeId: Uuid,
      unitId: Uuid,
      period: AppraisalPeriod,
      competencyArea: CompetencyArea,
      source: z.enum(['predicate', 'competency-gap']),
      /** The poor predicate behind a need of source `predicate`. */
      predicate: Predicate.optional(),
    }),
  }),
} as const;

export type EvaluationEventData = { [T in keyof typeof EvaluationEvents]: { type: T; data: EventData<(typeof EvaluationEvents)[T]> } }[keyof typeof EvaluationEvents];

export const evaluationEventRegistry = createEventRegistry(Object.values(EvaluationEvents));


