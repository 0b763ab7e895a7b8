import { describe, expect, it } from '@jest/globals';
import { evolveProgramme, initialProgramme, type ProgrammeEvent } from '../programmes/programme.domain';
import { anEmployeeId, enrolled, scheduled } from '../programmes/programme.fixtures';
import { choosePlacement, type Candidate } from './placement';

const programme = (programmeId: string, events: ProgrammeEvent[]): Candidate => ({ programmeId, state: events.reduce(evolveProgramme, initialProgramme()) });
const cancelled: ProgrammeEvent = { type: 'ProgrammeCancelled', data: { reason: 'Trainer unavailable', cancelledBy: 'o' } };

describe('choosing a programme for a training need', () => {
  const full = programme('p-full', [scheduled({ startsOn: '2026-03-02', capacity: 1 }), enrolled(1)]);
  const later = programme('p-later', [scheduled({ startsOn: '2026-04-06', capacity: 1 })]);
  const past = programme('p-past', [scheduled({ startsOn: '2026-01-05', endsOn: '2026-01-06' })]);
  const off = programme('p-cancelled', [scheduled({ startsOn: '2026-02-10', endsOn: '2026-02-11' }), cancelled]);

  it('takes the earliest with a free seat, skipping cancelled and started ones', () => {
    expect(choosePlacement([past, off, full, later], anEmployeeId(7), '2026-02-01')).toEqual({ programmeId: 'p-later', seat: true });
  });

  it('falls back to the earliest waitlist when every match is full', () => {
    const laterFull = programme('p-later', [scheduled({ startsOn: '2026-04-06', capacity: 1 }), enrolled(2)]);
    expect(choosePlacement([full, laterFull], anEmployeeId(7), '2026-02-01')).toEqual({ programmeId: 'p-full', seat: false });
  });

  it('skips a programme already holding the employee, and finds nothing when none is left', () => {
    expect(choosePlacement([full], anEmployeeId(1), '2026-02-01')).toBeUndefined();
    expect(choosePlacement([full, later], anEmployeeId(7), '2026-04-06')).toBeUndefined();
  });

  it('skips a programme on whose first day the employee is no longer (or not yet) in service', () => {
    const early = programme('p-early', [scheduled({ startsOn: '2026-03-02', capacity: 1 })]);
    const leavesApril = (day: string): boolean => day < '2026-04-01';
    expect(choosePlacement([early, later], anEmployeeId(7), '2026-02-01', leavesApril)).toEqual({ programmeId: 'p-early', seat: true });
    expect(choosePlacement([later], anEmployeeId(7), '2026-02-01', leavesApril)).toBeUndefined();
    const earlyFull = programme('p-early', [scheduled({ startsOn: '2026-03-02', capacity: 1 }), enrolled(1)]);
    // No waitlist of a programme they could not attend either.
    expect(choosePlacement([earlyFull, later], anEmployeeId(7), '2026-02-01', (day) => day >= '2026-04-01')).toEqual({ programmeId: 'p-later', seat: true });
    expect(choosePlacement([earlyFull], anEmployeeId(7), '2026-02-01', (day) => day >= '2026-04-01')).toBeUndefined();
  });
});
