import { CalendarDate, CompetencyArea, DeliveryMode, Text } from '@asn/contracts';
import { derivedId, newId } from '@asn/event-store';
import { defineRoute, etagOf, limitParam, NotFoundError, type Logger, type Principal, type Role, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import { employmentOf } from '../employees/employment';
import { placeOpenNeeds, type PlacementDeps } from '../needs/placement';
import type { TrainingReadModel } from '../readModel';
import { seatsLeft, type Enrollment, type Programme, type ProgrammeCommand } from './programme.domain';
import { handleProgrammeCommand, loadProgramme, programmeStreamId, type CommandOrigin } from './programme.handlers';

const Id = z.uuid().toLowerCase();
const ProgrammeParams = z.strictObject({ programmeId: Id });
const EnrollmentParams = z.strictObject({ programmeId: Id, enrollmentId: Id });

export const ScheduleProgrammeBody = z
  .strictObject({
    title: Text(2, 200),
    competencyArea: CompetencyArea,
    /** Lesson hours (jam pelajaran) a completion counts. */
    jp: z.number().int().min(1).max(500),
    capacity: z.number().int().min(1).max(1000),
    startsOn: CalendarDate,
    endsOn: CalendarDate,
    deliveryMode: DeliveryMode,
    organiser: Text(2, 200),
  })
  .refine((body) => body.endsOn >= body.startsOn, { path: ['endsOn'], message: 'A programme ends on or after its first day.' });
export type ScheduleProgrammeBody = z.infer<typeof ScheduleProgrammeBody>;

export const CancelProgrammeBody = z.strictObject({ reason: Text(5, 500) });
export const EnrollBody = z.strictObject({ employeeId: Id, note: Text(1, 500).optional() });
export const AttendanceBody = z.strictObject({ date: CalendarDate, present: z.boolean() });
export const CompletionBody = z.strictObject({ certificateNumber: Text(1, 100), completedOn: CalendarDate });
export const CancelEnrollmentBody = z.strictObject({ note: Text(1, 500) });

const OFFICERS: readonly Role[] = ['training-officer'];
/** Who sees a programme's participants (employee ids, bases, attendance). */
const PARTICIPANT_READERS: readonly Role[] = ['training-officer', 'auditor', 'hr-staff', 'hr-approver'];
const PROGRAMME_READERS: readonly Role[] = [...PARTICIPANT_READERS, 'evaluator', 'employee'];

const Accepted = z.object({ programmeId: z.string(), enrollmentId: z.string().optional(), status: z.string().optional(), revision: z.number() });

const seesParticipants = (principal: Principal | undefined): boolean => PARTICIPANT_READERS.some((role) => principal?.roles.includes(role));

const enrollmentView = (e: Enrollment, waitlist: readonly string[]) => ({
  enrollmentId: e.enrollmentId,
  employeeId: e.employeeId,
  status: e.status,
  basis: e.basis,
  ...(e.status === 'waitlisted' ? { waitlistPosition: waitlist.indexOf(e.enrollmentId) + 1 } : {}),
  attendance: e.attendance,
  ...(e.completion ? { completion: e.completion } : {}),
  ...(e.cancellation ? { cancellation: e.cancellation } : {}),
});

/** A programme as the caller may see it: participants for officials, only their own enrolment for an employee. */
export const programmeView = (programmeId: string, state: Programme, revision: number, principal: Principal | undefined) => {
  if (state.status === 'unscheduled') throw new NotFoundError('No such programme.');
  const all = Object.values(state.enrollments);
  const base = {
    programmeId,
    status: state.status,
    ...state.details,
    ...(state.cancellation ? { cancellation: state.cancellation } : {}),
    seatsLeft: seatsLeft(state),
    waitlisted: state.waitlist.length,
    revision,
  };
  if (seesParticipants(principal)) {
    return {
      ...base,
      participants: all.filter((e) => e.status === 'enrolled' || e.status === 'completed').map((e) => enrollmentView(e, state.waitlist)),
      waitlist: state.waitlist.flatMap((id) => {
        const e = state.enrollments[id];
        return e ? [enrollmentView(e, state.waitlist)] : [];
      }),
      cancelled: all.filter((e) => e.status === 'cancelled').map((e) => enrollmentView(e, state.waitlist)),
    };
  }
  const own = all.filter((e) => e.employeeId === principal?.subject).map((e) => enrollmentView(e, state.waitlist));
  return { ...base, yourEnrollments: own };
};

export interface ProgrammeRouteDeps extends PlacementDeps {
  readModel: TrainingReadModel;
  logger: Logger;
}

type AnyContext = RouteContext<unknown, unknown, unknown>;

const originOf = (ctx: AnyContext): CommandOrigin & { id(label: string): string } => {
  // Every command POST carries an Idempotency-Key: ids derived from its digest make a re-run write nothing new.
  const seed = ctx.idempotencyKey ?? newId();
  return {
    actor: { subject: ctx.principal?.subject ?? 'anonymous', role: 'training-officer' },
    correlationId: ctx.requestId,
    eventId: (i) => derivedId(seed, `event-${i}`),
    id: (label) => derivedId(seed, label),
  };
};

export const programmeRoutes = (deps: ProgrammeRouteDeps): Route[] => {
  const run = async (programmeId: string, command: ProgrammeCommand, ctx: AnyContext, origin = originOf(ctx)) => {
    const outcome = await handleProgrammeCommand(deps, programmeId, command, origin, ctx.expectedRevision);
    return outcome;
  };
  const accepted = (programmeId: string, revision: number, status = 200, extra: Record<string, unknown> = {}) => ({
    status,
    headers: { ETag: etagOf(revision), Location: `/v1/programmes/${programmeId}` },
    body: { programmeId, ...extra, revision },
  });
  const enrollmentCommand = (build: (ctx: AnyContext & { params: { programmeId: string; enrollmentId: string } }, by: string) => ProgrammeCommand) => async (
    ctx: AnyContext & { params: { programmeId: string; enrollmentId: string } },
  ) => {
    const outcome = await run(ctx.params.programmeId, build(ctx, ctx.principal?.subject ?? 'anonymous'), ctx);
    const enrollment = outcome.state.status === 'unscheduled' ? undefined : outcome.state.enrollments[ctx.params.enrollmentId];
    return accepted(ctx.params.programmeId, outcome.revision, 200, { enrollmentId: ctx.params.enrollmentId, ...(enrollment ? { status: enrollment.status } : {}) });
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/programmes',
      summary: 'Schedule a training programme (competency area, JP, capacity, dates, delivery mode, organiser)',
      description: 'Open training needs of the same area identified before the programme starts are enrolled into it at once, up to its capacity, then waitlisted.',
      tags: ['programmes'],
      operationId: 'scheduleProgramme',
      access: OFFICERS,
      body: ScheduleProgrammeBody,
      responses: { 201: { description: 'The programme is scheduled', schema: Accepted } },
      handler: async (ctx) => {
        const origin = originOf(ctx);
        const programmeId = origin.id('programme');
        const outcome = await run(programmeId, { type: 'ScheduleProgramme', details: ctx.body, scheduledBy: origin.actor.subject }, ctx, origin);
        // Open needs of the area: idempotent (ids derived from each need's event), also done by the consumer.
        let enrolledFromNeeds = 0;
        try {
          enrolledFromNeeds = await placeOpenNeeds(deps, programmeId);
        } catch (error) {
          deps.logger.warn({ err: error, programmeId }, 'placing open training needs failed; the consumer retries');
        }
        const { revision } = await loadProgramme(deps.store, programmeId);
        return accepted(programmeId, Math.max(revision, outcome.revision), 201, { enrolledFromNeeds });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/programmes/:programmeId/cancellation',
      summary: 'Cancel a programme: every enrolment and waitlist entry is cancelled with reason programme-cancelled',
      tags: ['programmes'],
      operationId: 'cancelProgramme',
      access: OFFICERS,
      params: ProgrammeParams,
      body: CancelProgrammeBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'The programme is cancelled', schema: Accepted } },
      handler: async (ctx) => {
        const outcome = await run(ctx.params.programmeId, { type: 'CancelProgramme', reason: ctx.body.reason, cancelledBy: ctx.principal?.subject ?? 'anonymous' }, ctx);
        return accepted(ctx.params.programmeId, outcome.revision);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/programmes',
      summary: 'Programmes by competency area and first day, earliest first, with seats left',
      tags: ['programmes'],
      operationId: 'listProgrammes',
      access: PROGRAMME_READERS,
      query: z.strictObject({ area: CompetencyArea.optional(), from: CalendarDate.optional(), limit: limitParam({ max: 200, fallback: 50 }), offset: z.coerce.number().int().min(0).max(1_000_000).default(0) }),
      responses: { 200: { description: 'A page of programmes' } },
      handler: (ctx) => {
        const items = deps.readModel.programmes({ ...ctx.query, ...(ctx.query.area ? { area: ctx.query.area } : {}), ...(ctx.query.from ? { from: ctx.query.from } : {}) });
        return { status: 200, body: { items, limit: ctx.query.limit, offset: ctx.query.offset } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/programmes/:programmeId',
      summary: 'A programme with its participants, waitlist (in order) and seats left',
      description: 'Officials see every participant with the basis of their enrolment; an employee sees only their own enrolment.',
      tags: ['programmes'],
      operationId: 'getProgramme',
      access: PROGRAMME_READERS,
      params: ProgrammeParams,
      responses: { 200: { description: 'The programme' } },
      handler: async (ctx) => {
        const { state, revision } = await loadProgramme(deps.store, ctx.params.programmeId);
        return { status: 200, headers: { ETag: etagOf(revision) }, body: programmeView(ctx.params.programmeId, state, revision, ctx.principal) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/programmes/:programmeId/enrollments',
      summary: 'Enrol an active employee (waitlisted when the programme is full)',
      tags: ['enrolments'],
      operationId: 'enrollParticipant',
      access: OFFICERS,
      params: ProgrammeParams,
      body: EnrollBody,
      ifMatch: 'optional',
      responses: { 201: { description: 'Enrolled or waitlisted', schema: Accepted } },
      handler: async (ctx) => {
        const origin = originOf(ctx);
        const enrollmentId = origin.id('enrollment');
        // A leaving recorded ahead of its TMT counts too. The org chart may not have seen a leaving that is
        // already committed (the consumer is behind): then the consumer withdraws this enrolment as soon as
        // it has both (see startTrainingConsumer).
        const employment = employmentOf(deps.readModel.orgChart, ctx.body.employeeId, deps.today());
        const outcome = await run(
          ctx.params.programmeId,
          {
            type: 'EnrollParticipant',
            enrollmentId,
            employeeId: ctx.body.employeeId,
            basis: { kind: 'officer', by: origin.actor.subject, ...(ctx.body.note ? { note: ctx.body.note } : {}) },
            employeeActive: employment.activeToday,
            ...(employment.leavesOn === undefined ? {} : { employeeLeavesOn: employment.leavesOn }),
          },
          ctx,
          origin,
        );
        const status = outcome.state.status === 'unscheduled' ? undefined : outcome.state.enrollments[enrollmentId]?.status;
        return {
          ...accepted(ctx.params.programmeId, outcome.revision, 201, { enrollmentId, ...(status ? { status } : {}) }),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/programmes/:programmeId/enrollments/:enrollmentId/attendance',
      summary: "Record a participant's attendance on a day of the programme",
      tags: ['enrolments'],
      operationId: 'recordAttendance',
      access: OFFICERS,
      params: EnrollmentParams,
      body: AttendanceBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'Recorded (or already recorded the same way)', schema: Accepted } },
      handler: (ctx) =>
        enrollmentCommand((c, by) => ({ type: 'RecordAttendance', enrollmentId: c.params.enrollmentId, date: ctx.body.date, present: ctx.body.present, recordedBy: by }))(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/programmes/:programmeId/enrollments/:enrollmentId/completion',
      summary: "Record a participant's completion with the certificate number; JP and competency area come from the programme",
      description:
        "Answers once the employee's training record (GET /v1/employees/{employeeId}/training: JP tally, competency record) shows the completion, so that the caller reads their own write; `tallyUpdated: false` says the read model did not get there within 5 seconds (the completion is recorded all the same and shows shortly).",
      tags: ['enrolments'],
      operationId: 'completeParticipant',
      access: OFFICERS,
      params: EnrollmentParams,
      body: CompletionBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'Completed', schema: Accepted.extend({ tallyUpdated: z.boolean() }) } },
      handler: async (ctx) => {
        const response = await enrollmentCommand((c, by) => ({
          type: 'CompleteParticipant',
          enrollmentId: c.params.enrollmentId,
          certificateNumber: ctx.body.certificateNumber,
          completedOn: ctx.body.completedOn,
          recordedBy: by,
        }))(ctx);
        // The tally is a read model fed by the consumer (from the store, a few milliseconds behind): wait for
        // it to apply the revision this command wrote (or found, on a retry) before answering.
        const tallyUpdated = await deps.readModel.waitForApplied(programmeStreamId(ctx.params.programmeId), response.body.revision);
        if (!tallyUpdated) deps.logger.warn({ programmeId: ctx.params.programmeId, revision: response.body.revision }, 'the read model is behind a completion');
        return { ...response, body: { ...response.body, tallyUpdated } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/programmes/:programmeId/enrollments/:enrollmentId/cancellation',
      summary: 'Cancel an enrolment or waitlist entry; a freed seat goes to the first waitlisted',
      tags: ['enrolments'],
      operationId: 'cancelEnrollment',
      access: OFFICERS,
      params: EnrollmentParams,
      body: CancelEnrollmentBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'Cancelled', schema: Accepted } },
      handler: (ctx) => enrollmentCommand((c, by) => ({ type: 'CancelEnrollment', enrollmentId: c.params.enrollmentId, note: ctx.body.note, cancelledBy: by }))(ctx),
    }),
  ];
};
