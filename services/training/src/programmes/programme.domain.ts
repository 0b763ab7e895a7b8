import type { CompetencyArea, DeliveryMode, EnrollmentBasis, TrainingEventData } from '@asn/contracts';

/** An event of a programme stream, as stored: the programme and its participants. */
export type ProgrammeEvent = TrainingEventData;

export interface ProgrammeDetails {
  title: string;
  competencyArea: CompetencyArea;
  jp: number;
  capacity: number;
  startsOn: string;
  endsOn: string;
  deliveryMode: DeliveryMode;
  organiser: string;
}

export type EnrollmentStatus = 'enrolled' | 'waitlisted' | 'completed' | 'cancelled';

export interface Enrollment {
  enrollmentId: string;
  employeeId: string;
  basis: EnrollmentBasis;
  status: EnrollmentStatus;
  attendance: readonly { date: string; present: boolean }[];
  completion?: { certificateNumber: string; completedOn: string; jp: number; competencyArea: CompetencyArea };
  cancellation?: { reason: 'officer' | 'employee-left' | 'programme-cancelled'; note?: string };
}

export type Programme =
  | { status: 'unscheduled'; events: number }
  | {
      status: 'scheduled' | 'cancelled';
      details: ProgrammeDetails;
      /** Enrolments by id, every status. */
      enrollments: Readonly<Record<string, Enrollment>>;
      /** Waitlisted enrolment ids, first come first. */
      waitlist: readonly string[];
      cancellation?: { reason: string };
      events: number;
    };

export type ScheduledProgramme = Extract<Programme, { status: 'scheduled' | 'cancelled' }>;

export const initialProgramme = (): Programme => ({ status: 'unscheduled', events: 0 });

export type ProgrammeCommand =
  | { type: 'ScheduleProgramme'; details: ProgrammeDetails; scheduledBy: string }
  | { type: 'CancelProgramme'; reason: string; cancelledBy: string }
  | {
      type: 'EnrollParticipant';
      enrollmentId: string;
      employeeId: string;
      basis: EnrollmentBasis;
      /** Whether the org chart shows the employee active today (the handler looks it up). */
      employeeActive: boolean;
      /** The TMT of a recorded dismissal, retirement or contract end, if any, also one in the future. */
      employeeLeavesOn?: string;
    }
  | { type: 'RecordAttendance'; enrollmentId: string; date: string; present: boolean; recordedBy: string }
  | { type: 'CompleteParticipant'; enrollmentId: string; certificateNumber: string; completedOn: string; recordedBy: string }
  | { type: 'CancelEnrollment'; enrollmentId: string; note?: string; cancelledBy: string }
  /** The employee was dismissed, retired, or their contract ended, from the TMT on (org chart `employee-left`). */
  | { type: 'WithdrawLeaver'; employeeId: string; tmt: string; cancelledBy: string };

/** What decide may consult besides the state: today's date (the injected clock). */
export interface ProgrammeContext {
  today: string;
}

/**
 * A refusal naming its rule: `code` is stable for clients. `not-found` maps to 404, `refused` to 422
 * (a business rule), `invalid` to 400.
 */
export class ProgrammeDecisionError extends Error {
  override readonly name = 'ProgrammeDecisionError';
  constructor(
    readonly kind: 'invalid' | 'refused' | 'not-found',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (code: string, message: string): never => {
  throw new ProgrammeDecisionError('refused', code, message);
};

const requireScheduled = (state: Programme): ScheduledProgramme => {
  if (state.status === 'unscheduled') throw new ProgrammeDecisionError('not-found', 'programme-not-found', 'No such programme.');
  return state;
};

const requireOpen = (state: Programme): ScheduledProgramme => {
  const programme = requireScheduled(state);
  if (programme.status === 'cancelled') refuse('programme-cancelled', 'The programme was cancelled.');
  return programme;
};

const enrollmentOf = (programme: ScheduledProgramme, enrollmentId: string): Enrollment => {
  const enrollment = programme.enrollments[enrollmentId];
  if (!enrollment) throw new ProgrammeDecisionError('not-found', 'enrollment-not-found', 'No such enrolment in this programme.');
  return enrollment;
};

/** Seats taken: enrolled and completed participants (a waitlisted or cancelled one holds none). */
export const seatsTaken = (programme: ScheduledProgramme): number =>
  Object.values(programme.enrollments).filter((e) => e.status === 'enrolled' || e.status === 'completed').length;

export const seatsLeft = (programme: ScheduledProgramme): number => Math.max(0, programme.details.capacity - seatsTaken(programme));

/** The enrolment of the employee that is still running (enrolled, waitlisted or completed), if any. */
export const activeEnrollmentOf = (programme: ScheduledProgramme, employeeId: string): Enrollment | undefined =>
  Object.values(programme.enrollments).find((e) => e.employeeId === employeeId && e.status !== 'cancelled');

/**
 * Whether an enrolment is lost when its employee leaves from `tmt` on: a place on a waitlist always, a seat
 * when the programme starts on or after the TMT (someone who left on the TMT is not in service that day).
 */
export const lostOnLeaving = (status: EnrollmentStatus, startsOn: string, tmt: string): boolean =>
  status === 'waitlisted' || (status === 'enrolled' && startsOn >= tmt);

/** Whether a need's placement may enrol here: open, not started by `day`, and not already holding the employee. */
export const acceptsEnrollments = (programme: Programme, day: string): boolean =>
  programme.status === 'scheduled' && programme.details.startsOn > day;

/**
 * Cancels one enrolment and, when it held a seat in a programme not started yet, admits the first on the
 * waitlist in the same decision: the freed seat never stays empty while someone waits.
 */
const cancelAndAdmit = (
  programme: ScheduledProgramme,
  cancelled: readonly Enrollment[],
  reason: 'officer' | 'employee-left',
  cancelledBy: string,
  today: string,
  note?: string,
): ProgrammeEvent[] => {
  const events: ProgrammeEvent[] = [];
  let freed = 0;
  const leaving = new Set(cancelled.map((e) => e.enrollmentId));
  for (const e of cancelled) {
    events.push({
      type: 'EnrollmentCancelled',
      data: { enrollmentId: e.enrollmentId, employeeId: e.employeeId, reason, ...(note === undefined ? {} : { note }), cancelledBy },
    });
    if (e.status === 'enrolled') freed += 1;
  }
  if (programme.details.startsOn > today) {
    const waiting = programme.waitlist.filter((id) => !leaving.has(id));
    for (const id of waiting.slice(0, freed)) {
      const next = programme.enrollments[id];
      if (next) events.push({ type: 'ParticipantAdmittedFromWaitlist', data: { enrollmentId: id, employeeId: next.employeeId } });
    }
  }
  return events;
};

export const decideProgramme = (command: ProgrammeCommand, state: Programme, context: ProgrammeContext): ProgrammeEvent[] => {
  const { today } = context;
  switch (command.type) {
    case 'ScheduleProgramme': {
      if (state.status !== 'unscheduled') refuse('programme-exists', 'The programme was already scheduled.');
      const { details } = command;
      if (details.endsOn < details.startsOn) throw new ProgrammeDecisionError('invalid', 'ends-before-start', 'The programme ends before it starts.');
      if (details.startsOn <= today) refuse('starts-in-past', 'A programme is scheduled before its first day.');
      return [{ type: 'ProgrammeScheduled', data: { ...details, scheduledBy: command.scheduledBy } }];
    }
    case 'CancelProgramme': {
      const programme = requireOpen(state);
      if (programme.details.endsOn < today) refuse('programme-ended', 'The programme has already ended.');
      const running = Object.values(programme.enrollments).filter((e) => e.status === 'enrolled' || e.status === 'waitlisted');
      return [
        { type: 'ProgrammeCancelled', data: { reason: command.reason, cancelledBy: command.cancelledBy } },
        ...running.map(
          (e): ProgrammeEvent => ({
            type: 'EnrollmentCancelled',
            data: { enrollmentId: e.enrollmentId, employeeId: e.employeeId, reason: 'programme-cancelled', cancelledBy: command.cancelledBy },
          }),
        ),
      ];
    }
    case 'EnrollParticipant': {
      const programme = requireOpen(state);
      if (programme.details.startsOn <= today) refuse('programme-started', 'The programme has already started.');
      if (!command.employeeActive) refuse('employee-not-active', 'The employee is not active according to the org chart.');
      if (command.employeeLeavesOn !== undefined && command.employeeLeavesOn <= programme.details.startsOn) {
        refuse('employee-leaves-before-start', 'The employee leaves the service before the programme starts.');
      }
      if (programme.enrollments[command.enrollmentId]) refuse('enrollment-exists', 'An enrolment with this id exists.');
      const existing = activeEnrollmentOf(programme, command.employeeId);
      if (existing) {
        const codes = { enrolled: 'already-enrolled', waitlisted: 'already-waitlisted', completed: 'already-completed', cancelled: 'already-enrolled' } as const;
        refuse(codes[existing.status], `The employee is already ${existing.status} in this programme.`);
      }
      const data = { enrollmentId: command.enrollmentId, employeeId: command.employeeId, basis: command.basis };
      return [seatsLeft(programme) > 0 ? { type: 'ParticipantEnrolled', data } : { type: 'ParticipantWaitlisted', data }];
    }
    case 'RecordAttendance': {
      const programme = requireOpen(state);
      const enrollment = enrollmentOf(programme, command.enrollmentId);
      if (enrollment.status !== 'enrolled' && enrollment.status !== 'completed') {
        refuse('not-a-participant', `Attendance is recorded for participants; this enrolment is ${enrollment.status}.`);
      }
      const { startsOn, endsOn } = programme.details;
      if (command.date < startsOn || command.date > endsOn) refuse('outside-schedule', 'The date is outside the programme schedule.');
      if (command.date > today) refuse('date-in-future', 'Attendance is recorded on or after the day.');
      const same = enrollment.attendance.find((a) => a.date === command.date);
      if (same?.present === command.present) return [];
      return [
        {
          type: 'AttendanceRecorded',
          data: { enrollmentId: enrollment.enrollmentId, employeeId: enrollment.employeeId, date: command.date, present: command.present, recordedBy: command.recordedBy },
        },
      ];
    }
    case 'CompleteParticipant': {
      const programme = requireOpen(state);
      const enrollment = enrollmentOf(programme, command.enrollmentId);
      if (enrollment.status === 'completed') refuse('already-completed', 'The participant has already completed the programme.');
      if (enrollment.status !== 'enrolled') refuse('not-a-participant', `Only enrolled participants complete; this enrolment is ${enrollment.status}.`);
      if (command.completedOn < programme.details.startsOn) refuse('before-start', 'The completion date is before the programme started.');
      if (command.completedOn > today) refuse('date-in-future', 'The completion date is in the future.');
      const taken = Object.values(programme.enrollments).some((e) => e.completion?.certificateNumber === command.certificateNumber);
      if (taken) refuse('certificate-number-taken', 'This certificate number was already issued in this programme.');
      return [
        {
          type: 'ParticipantCompleted',
          data: {
            enrollmentId: enrollment.enrollmentId,
            employeeId: enrollment.employeeId,
            certificateNumber: command.certificateNumber,
            competencyArea: programme.details.competencyArea,
            jp: programme.details.jp,
            completedOn: command.completedOn,
            recordedBy: command.recordedBy,
          },
        },
      ];
    }
    case 'CancelEnrollment': {
      const programme = requireOpen(state);
      const enrollment = enrollmentOf(programme, command.enrollmentId);
      if (enrollment.status === 'cancelled') refuse('already-cancelled', 'The enrolment was already cancelled.');
      if (enrollment.status === 'completed') refuse('already-completed', 'A completed enrolment is not cancelled.');
      return cancelAndAdmit(programme, [enrollment], 'officer', command.cancelledBy, today, command.note);
    }
    case 'WithdrawLeaver': {
      if (state.status !== 'scheduled') return [];
      const leaving = Object.values(state.enrollments).filter((e) => e.employeeId === command.employeeId && lostOnLeaving(e.status, state.details.startsOn, command.tmt));
      if (leaving.length === 0) return [];
      return cancelAndAdmit(state, leaving, 'employee-left', command.cancelledBy, today);
    }
    default:
      return command satisfies never;
  }
};

const withEnrollment = (state: ScheduledProgramme, enrollmentId: string, change: (e: Enrollment) => Enrollment): ScheduledProgramme => {
  const existing = state.enrollments[enrollmentId];
  if (!existing) return state;
  return { ...state, enrollments: { ...state.enrollments, [enrollmentId]: change(existing) } };
};

export const evolveProgramme = (state: Programme, event: ProgrammeEvent): Programme => {
  const events = state.events + 1;
  if (event.type === 'ProgrammeScheduled') {
    const { scheduledBy: _by, ...details } = event.data;
    return { status: 'scheduled', details, enrollments: {}, waitlist: [], events };
  }
  // Events of a stream that was never scheduled cannot exist; ignore rather than invent a programme.
  if (state.status === 'unscheduled') return { ...state, events };
  const next = { ...state, events };
  switch (event.type) {
    case 'ProgrammeCancelled':
      return { ...next, status: 'cancelled', cancellation: { reason: event.data.reason } };
    case 'ParticipantEnrolled':
    case 'ParticipantWaitlisted': {
      const { enrollmentId, employeeId, basis } = event.data;
      const status = event.type === 'ParticipantEnrolled' ? 'enrolled' : 'waitlisted';
      return {
        ...next,
        enrollments: { ...next.enrollments, [enrollmentId]: { enrollmentId, employeeId, basis, status, attendance: [] } },
        waitlist: status === 'waitlisted' ? [...next.waitlist, enrollmentId] : next.waitlist,
      };
    }
    case 'ParticipantAdmittedFromWaitlist':
      return {
        ...withEnrollment(next, event.data.enrollmentId, (e) => ({ ...e, status: 'enrolled' })),
        waitlist: next.waitlist.filter((id) => id !== event.data.enrollmentId),
      };
    case 'AttendanceRecorded': {
      const { date, present } = event.data;
      return withEnrollment(next, event.data.enrollmentId, (e) => ({
        ...e,
        attendance: [...e.attendance.filter((a) => a.date !== date), { date, present }].sort((a, b) => (a.date < b.date ? -1 : 1)),
      }));
    }
    case 'ParticipantCompleted': {
      const { certificateNumber, completedOn, jp, competencyArea } = event.data;
      return withEnrollment(next, event.data.enrollmentId, (e) => ({ ...e, status: 'completed', completion: { certificateNumber, completedOn, jp, competencyArea } }));
    }
    case 'EnrollmentCancelled': {
      const { reason, note } = event.data;
      return {
        ...withEnrollment(next, event.data.enrollmentId, (e) => ({ ...e, status: 'cancelled', cancellation: { reason, ...(note === undefined ? {} : { note }) } })),
        waitlist: next.waitlist.filter((id) => id !== event.data.enrollmentId),
      };
    }
    default:
      return event satisfies never;
  }
};
