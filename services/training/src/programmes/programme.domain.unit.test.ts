import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@asn/testing';
import {
  decideProgramme,
  evolveProgramme,
  initialProgramme,
  lostOnLeaving,
  ProgrammeDecisionError,
  seatsLeft,
  type Programme,
  type ProgrammeCommand,
  type ProgrammeContext,
  type ProgrammeEvent,
} from './programme.domain';
import { aProgramme, anEmployeeId, anEnrollmentId, byNeed, byOfficer, enrolled, scheduled, waitlisted } from './programme.fixtures';

const spec = deciderSpec<ProgrammeCommand, ProgrammeEvent, Programme, ProgrammeContext>({
  decide: decideProgramme,
  evolve: evolveProgramme,
  initialState: initialProgramme,
  context: { today: '2026-02-01' },
});

const refusedWith = (code: string) => (error: ProgrammeDecisionError) => error.code === code;

const enroll = (n: number, extra: Partial<Extract<ProgrammeCommand, { type: 'EnrollParticipant' }>> = {}): ProgrammeCommand => ({
  type: 'EnrollParticipant',
  enrollmentId: anEnrollmentId(n),
  employeeId: anEmployeeId(n),
  basis: byOfficer('Needed for the new service counter'),
  employeeActive: true,
  ...extra,
});

describe('scheduling a programme', () => {
  it('records the programme with who scheduled it', () => {
    spec
      .given([])
      .when({ type: 'ScheduleProgramme', details: aProgramme(), scheduledBy: 'officer-1' })
      .then([scheduled()]);
  });

  it('refuses a programme that ends before it starts', () => {
    spec
      .given([])
      .when({ type: 'ScheduleProgramme', details: aProgramme({ startsOn: '2026-03-05', endsOn: '2026-03-02' }), scheduledBy: 'officer-1' })
      .thenThrows(ProgrammeDecisionError, refusedWith('ends-before-start'));
  });

  it('refuses a programme starting today or earlier', () => {
    spec
      .given([])
      .when({ type: 'ScheduleProgramme', details: aProgramme({ startsOn: '2026-02-01' }), scheduledBy: 'officer-1' })
      .thenThrows(ProgrammeDecisionError, refusedWith('starts-in-past'));
  });

  it('refuses scheduling the same programme twice', () => {
    spec
      .given([scheduled()])
      .when({ type: 'ScheduleProgramme', details: aProgramme(), scheduledBy: 'officer-1' })
      .thenThrows(ProgrammeDecisionError, refusedWith('programme-exists'));
  });
});

describe('enrolling', () => {
  it('enrols while seats are free, with the basis the employee sees', () => {
    spec.given([scheduled()]).when(enroll(1, { basis: byNeed(1) })).then([enrolled(1, byNeed(1))]);
  });

  it('waitlists when the programme is full', () => {
    spec.given([scheduled({ capacity: 1 }), enrolled(1)]).when(enroll(2, { basis: byOfficer() })).then([waitlisted(2)]);
  });

  it('refuses an employee who is not active', () => {
    spec.given([scheduled()]).when(enroll(1, { employeeActive: false })).thenThrows(ProgrammeDecisionError, refusedWith('employee-not-active'));
  });

  it('refuses an employee who leaves the service on or before the first day', () => {
    spec.given([scheduled()]).when(enroll(1, { employeeLeavesOn: '2026-03-02' })).thenThrows(ProgrammeDecisionError, refusedWith('employee-leaves-before-start'));
    spec.given([scheduled()]).when(enroll(1, { employeeLeavesOn: '2026-03-03' })).then([enrolled(1, byOfficer('Needed for the new service counter'))]);
  });

  it("refuses the placement of a training need the same way: the employee's leaving and activity come from the org chart", () => {
    spec
      .given([scheduled()])
      .when(enroll(1, { basis: byNeed(1), employeeLeavesOn: '2026-03-01' }))
      .thenThrows(ProgrammeDecisionError, refusedWith('employee-leaves-before-start'));
    spec.given([scheduled()]).when(enroll(1, { basis: byNeed(1), employeeActive: false })).thenThrows(ProgrammeDecisionError, refusedWith('employee-not-active'));
  });

  it('refuses an employee already enrolled or waitlisted there', () => {
    spec
      .given([scheduled({ capacity: 1 }), enrolled(1)])
      .when(enroll(9, { employeeId: anEmployeeId(1) }))
      .thenThrows(ProgrammeDecisionError, refusedWith('already-enrolled'));
    spec
      .given([scheduled({ capacity: 1 }), enrolled(1), waitlisted(2)])
      .when(enroll(9, { employeeId: anEmployeeId(2) }))
      .thenThrows(ProgrammeDecisionError, refusedWith('already-waitlisted'));
  });

  it('enrols again someone whose earlier enrolment was cancelled', () => {
    spec
      .given([
        scheduled(),
        enrolled(1),
        { type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), reason: 'officer', cancelledBy: 'officer-1' } },
      ])
      .when(enroll(9, { employeeId: anEmployeeId(1), basis: byOfficer() }))
      .then([{ type: 'ParticipantEnrolled', data: { enrollmentId: anEnrollmentId(9), employeeId: anEmployeeId(1), basis: byOfficer() } }]);
  });

  it('refuses a cancelled, started or unknown programme', () => {
    spec
      .given([scheduled(), { type: 'ProgrammeCancelled', data: { reason: 'Trainer unavailable', cancelledBy: 'officer-1' } }])
      .when(enroll(1))
      .thenThrows(ProgrammeDecisionError, refusedWith('programme-cancelled'));
    spec.given([scheduled()]).when(enroll(1), { today: '2026-03-02' }).thenThrows(ProgrammeDecisionError, refusedWith('programme-started'));
    spec.given([]).when(enroll(1)).thenThrows(ProgrammeDecisionError, (e) => e.kind === 'not-found');
  });
});

describe('cancelling an enrolment', () => {
  const cancel = (n: number): ProgrammeCommand => ({ type: 'CancelEnrollment', enrollmentId: anEnrollmentId(n), note: 'Sick leave', cancelledBy: 'officer-1' });

  it('frees the seat and admits the first waitlisted in the same decision', () => {
    spec
      .given([scheduled({ capacity: 1 }), enrolled(1), waitlisted(2), waitlisted(3)])
      .when(cancel(1))
      .then([
        { type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), reason: 'officer', note: 'Sick leave', cancelledBy: 'officer-1' } },
        { type: 'ParticipantAdmittedFromWaitlist', data: { enrollmentId: anEnrollmentId(2), employeeId: anEmployeeId(2) } },
      ]);
  });

  it('takes someone off the waitlist without admitting anyone', () => {
    spec
      .given([scheduled({ capacity: 1 }), enrolled(1), waitlisted(2)])
      .when(cancel(2))
      .then([{ type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(2), employeeId: anEmployeeId(2), reason: 'officer', note: 'Sick leave', cancelledBy: 'officer-1' } }]);
  });

  it('refuses a second cancellation and an unknown enrolment', () => {
    const cancelled: ProgrammeEvent = { type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), reason: 'officer', cancelledBy: 'o' } };
    spec.given([scheduled(), enrolled(1), cancelled]).when(cancel(1)).thenThrows(ProgrammeDecisionError, refusedWith('already-cancelled'));
    spec.given([scheduled()]).when(cancel(1)).thenThrows(ProgrammeDecisionError, refusedWith('enrollment-not-found'));
  });
});

describe('cancelling a programme', () => {
  it('cancels every enrolment and waitlist entry with reason programme-cancelled', () => {
    spec
      .given([scheduled({ capacity: 1 }), enrolled(1), waitlisted(2)])
      .when({ type: 'CancelProgramme', reason: 'Trainer unavailable', cancelledBy: 'officer-1' })
      .then([
        { type: 'ProgrammeCancelled', data: { reason: 'Trainer unavailable', cancelledBy: 'officer-1' } },
        { type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), reason: 'programme-cancelled', cancelledBy: 'officer-1' } },
        { type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(2), employeeId: anEmployeeId(2), reason: 'programme-cancelled', cancelledBy: 'officer-1' } },
      ]);
  });

  it('refuses a second cancellation and an ended programme', () => {
    const cancelled: ProgrammeEvent = { type: 'ProgrammeCancelled', data: { reason: 'Trainer unavailable', cancelledBy: 'o' } };
    spec.given([scheduled(), cancelled]).when({ type: 'CancelProgramme', reason: 'Again', cancelledBy: 'o' }).thenThrows(ProgrammeDecisionError, refusedWith('programme-cancelled'));
    spec
      .given([scheduled()])
      .when({ type: 'CancelProgramme', reason: 'Too late', cancelledBy: 'o' }, { today: '2026-03-06' })
      .thenThrows(ProgrammeDecisionError, refusedWith('programme-ended'));
  });
});

describe('attendance', () => {
  const attend = (date: string, present = true): ProgrammeCommand => ({ type: 'RecordAttendance', enrollmentId: anEnrollmentId(1), date, present, recordedBy: 'officer-1' });

  it('records a day of the schedule for a participant', () => {
    spec
      .given([scheduled(), enrolled(1)])
      .when(attend('2026-03-03'), { today: '2026-03-03' })
      .then([{ type: 'AttendanceRecorded', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), date: '2026-03-03', present: true, recordedBy: 'officer-1' } }]);
  });

  it('records nothing when the same day is recorded the same way again', () => {
    const recorded: ProgrammeEvent = { type: 'AttendanceRecorded', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), date: '2026-03-03', present: true, recordedBy: 'o' } };
    spec.given([scheduled(), enrolled(1), recorded]).when(attend('2026-03-03'), { today: '2026-03-04' }).thenNothingHappened();
  });

  it('refuses a day outside the schedule, in the future, or for someone waitlisted', () => {
    spec.given([scheduled(), enrolled(1)]).when(attend('2026-03-09'), { today: '2026-03-10' }).thenThrows(ProgrammeDecisionError, refusedWith('outside-schedule'));
    spec.given([scheduled(), enrolled(1)]).when(attend('2026-03-04'), { today: '2026-03-03' }).thenThrows(ProgrammeDecisionError, refusedWith('date-in-future'));
    spec
      .given([scheduled({ capacity: 1 }), enrolled(2), waitlisted(1)])
      .when(attend('2026-03-03'), { today: '2026-03-03' })
      .thenThrows(ProgrammeDecisionError, refusedWith('not-a-participant'));
  });
});

describe('completion', () => {
  const complete = (n: number, certificateNumber = 'CERT/2026/001', completedOn = '2026-03-05'): ProgrammeCommand => ({
    type: 'CompleteParticipant',
    enrollmentId: anEnrollmentId(n),
    certificateNumber,
    completedOn,
    recordedBy: 'officer-1',
  });

  it('records the certificate with the JP and area of the programme', () => {
    spec
      .given([scheduled({ jp: 32, competencyArea: 'managerial' }), enrolled(1)])
      .when(complete(1), { today: '2026-03-06' })
      .then([
        {
          type: 'ParticipantCompleted',
          data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), certificateNumber: 'CERT/2026/001', competencyArea: 'managerial', jp: 32, completedOn: '2026-03-05', recordedBy: 'officer-1' },
        },
      ]);
  });

  it('refuses the waitlisted, a second completion, a reused certificate number and dates out of range', () => {
    const done: ProgrammeEvent = {
      type: 'ParticipantCompleted',
      data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), certificateNumber: 'CERT/2026/001', competencyArea: 'technical', jp: 24, completedOn: '2026-03-05', recordedBy: 'o' },
    };
    const today = { today: '2026-03-06' };
    spec.given([scheduled({ capacity: 1 }), enrolled(2), waitlisted(1)]).when(complete(1), today).thenThrows(ProgrammeDecisionError, refusedWith('not-a-participant'));
    spec.given([scheduled(), enrolled(1), done]).when(complete(1), today).thenThrows(ProgrammeDecisionError, refusedWith('already-completed'));
    spec.given([scheduled(), enrolled(1), done, enrolled(2)]).when(complete(2), today).thenThrows(ProgrammeDecisionError, refusedWith('certificate-number-taken'));
    spec.given([scheduled(), enrolled(1)]).when(complete(1, 'C-1', '2026-03-01'), today).thenThrows(ProgrammeDecisionError, refusedWith('before-start'));
    spec.given([scheduled(), enrolled(1)]).when(complete(1, 'C-1', '2026-03-07'), today).thenThrows(ProgrammeDecisionError, refusedWith('date-in-future'));
  });
});

describe('when an employee leaves (dismissal, retirement, contract end)', () => {
  const leave = (n: number, tmt: string): ProgrammeCommand => ({ type: 'WithdrawLeaver', employeeId: anEmployeeId(n), tmt, cancelledBy: 'training' });

  it('cancels their enrolment in a programme starting on or after the TMT and admits the first waitlisted', () => {
    spec
      .given([scheduled({ capacity: 1 }), enrolled(1), waitlisted(2)])
      .when(leave(1, '2026-03-02'))
      .then([
        { type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), reason: 'employee-left', cancelledBy: 'training' } },
        { type: 'ParticipantAdmittedFromWaitlist', data: { enrollmentId: anEnrollmentId(2), employeeId: anEmployeeId(2) } },
      ]);
  });

  it('takes them off a waitlist', () => {
    spec
      .given([scheduled({ capacity: 1 }), enrolled(2), waitlisted(1)])
      .when(leave(1, '2026-04-01'))
      .then([{ type: 'EnrollmentCancelled', data: { enrollmentId: anEnrollmentId(1), employeeId: anEmployeeId(1), reason: 'employee-left', cancelledBy: 'training' } }]);
  });

  it('what a leaving takes: a waitlist place always, a seat when the programme starts on or after the TMT', () => {
    expect(lostOnLeaving('waitlisted', '2026-03-02', '2026-06-01')).toBe(true);
    expect(lostOnLeaving('enrolled', '2026-03-02', '2026-03-02')).toBe(true);
    expect(lostOnLeaving('enrolled', '2026-03-02', '2026-03-03')).toBe(false);
    expect(lostOnLeaving('completed', '2026-03-02', '2026-01-01')).toBe(false);
    expect(lostOnLeaving('cancelled', '2026-03-02', '2026-01-01')).toBe(false);
  });

  it('keeps an enrolment in a programme that started before the TMT, and changes nothing elsewhere', () => {
    spec.given([scheduled(), enrolled(1)]).when(leave(1, '2026-03-04')).thenNothingHappened();
    spec.given([scheduled(), enrolled(2)]).when(leave(1, '2026-01-01')).thenNothingHappened();
    spec.given([]).when(leave(1, '2026-01-01')).thenNothingHappened();
  });
});

describe('the seats', () => {
  it('counts enrolled and completed participants, not the waitlisted', () => {
    const state = [scheduled({ capacity: 2 }), enrolled(1), enrolled(2), waitlisted(3)].reduce(evolveProgramme, initialProgramme());
    expect(state.status === 'scheduled' && seatsLeft(state)).toBe(0);
    const after = evolveProgramme(state, { type: 'ParticipantAdmittedFromWaitlist', data: { enrollmentId: anEnrollmentId(3), employeeId: anEmployeeId(3) } });
    expect(after.status === 'scheduled' && after.waitlist).toEqual([]);
  });
});
