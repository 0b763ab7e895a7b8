import { z } from 'zod';
import { createEventRegistry, defineEvent, type EventData } from '../registry';
import { Text } from '../personnel/events';
import { CalendarDate, Predicate } from '../personnel/vocabulary';
import { AppraisalPeriod, CompetencyArea } from '../evaluation/vocabulary';

const Uuid = z.uuid().toLowerCase();
const Actor = Text(1, 200);

export const DeliveryMode = z.enum(['classroom', 'online', 'blended', 'on-the-job']);
export type DeliveryMode = z.infer<typeof DeliveryMode>;

/** Why an employee was enrolled: shown to the employee and the officer. */
export const EnrollmentBasis = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('officer'), by: Actor, note: Text(1, 500).optional() }),
  z.strictObject({
    kind: z.literal('training-need'),
    needId: Uuid,
    appraisalId: Uuid,
    period: AppraisalPeriod,
    source: z.enum(['predicate', 'competency-gap']),
    predicate: Predicate.optional(),
  }),
]);
export type EnrollmentBasis = z.infer<typeof EnrollmentBasis>;

/**
 * Events of one training programme and its participants: stream `programme-<programmeId>`. Seats are the
 * programme's own invariant, so enrolments live in its stream and capacity is checked on one revision.
 */
export const TrainingEvents = {
  ProgrammeScheduled: defineEvent({
    type: 'ProgrammeScheduled',
    version: 1,
    schema: z.strictObject({
      title: Text(2, 200),
      competencyArea: CompetencyArea,
      /** Lesson hours (jam pelajaran) a completion counts towards the yearly entitlement. */
      jp: z.number().int().min(1).max(500),
      capacity: z.number().int().min(1).max(1000),
      startsOn: CalendarDate,
      endsOn: CalendarDate,
      deliveryMode: DeliveryMode,
      organiser: Text(2, 200),
      scheduledBy: Actor,
    }),
  }),
  ProgrammeCancelled: defineEvent({
    type: 'ProgrammeCancelled',
    version: 1,
    schema: z.strictObject({ reason: Text(5, 500), cancelledBy: Actor }),
  }),
  ParticipantEnrolled: defineEvent({
    type: 'ParticipantEnrolled',
    version: 1,
    schema: z.strictObject({ enrollmentId: Uuid, employeeId: Uuid, basis: EnrollmentBasis }),
  }),
  ParticipantWaitlisted: defineEvent({
    type: 'ParticipantWaitlisted',
    version: 1,
    schema: z.strictObject({ enrollmentId: Uuid, employeeId: Uuid, basis: EnrollmentBasis }),
  }),
  ParticipantAdmittedFromWaitlist: defineEvent({
    type: 'ParticipantAdmittedFromWaitlist',
    version: 1,
    schema: z.strictObject({ enrollmentId: Uuid, employeeId: Uuid }),
  }),
  AttendanceRecorded: defineEvent({
    type: 'AttendanceRecorded',
    version: 1,
    schema: z.strictObject({ enrollmentId: Uuid, employeeId: Uuid, date: CalendarDate, present: z.boolean(), recordedBy: Actor }),
  }),
  ParticipantCompleted: defineEvent({
    type: 'ParticipantCompleted',
    version: 1,
    schema: z.strictObject({
      enrollmentId: Uuid,
      employeeId: Uuid,
      certificateNumber: Text(1, 100),
      competencyArea: CompetencyArea,
      jp: z.number().int().min(1).max(500),
      completedOn: CalendarDate,
      recordedBy: Actor,
    }),
  }),
  EnrollmentCancelled: defineEvent({
    type: 'EnrollmentCancelled',
    version: 1,
    schema: z.strictObject({
      enrollmentId: Uuid,
      employeeId: Uuid,
      reason: z.enum(['officer', 'employee-left', 'programme-cancelled']),
      note: Text(1, 500).optional(),
      cancelledBy: Actor,
    }),
  }),
} as const;

export type TrainingEventData = { [T in keyof typeof TrainingEvents]: { type: T; data: EventData<(typeof TrainingEvents)[T]> } }[keyof typeof TrainingEvents];

export const trainingEventRegistry = createEventRegistry(Object.values(TrainingEvents));
