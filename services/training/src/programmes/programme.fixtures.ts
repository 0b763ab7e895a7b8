import type { EnrollmentBasis } from '@asn/contracts';
import type { ProgrammeDetails, ProgrammeEvent } from './programme.domain';

const uuid = (group: string, n: number): string => `0190${group}-0000-7000-8000-${String(n).padStart(12, '0')}`;

export const anEmployeeId = (n: number): string => uuid('c000', n);
export const anEnrollmentId = (n: number): string => uuid('e000', n);
export const aNeedId = (n: number): string => uuid('d000', n);
export const anAppraisalId = (n: number): string => uuid('f000', n);

export const aProgramme = (overrides: Partial<ProgrammeDetails> = {}): ProgrammeDetails => ({
  title: 'Pelatihan Pelayanan Publik',
  competencyArea: 'technical',
  jp: 24,
  capacity: 2,
  startsOn: '2026-03-02',
  endsOn: '2026-03-05',
  deliveryMode: 'classroom',
  organiser: 'BKPSDM Kota Tanjungbalai',
  ...overrides,
});

export const byOfficer = (note?: string): EnrollmentBasis => ({ kind: 'officer', by: 'officer-1', ...(note ? { note } : {}) });

export const byNeed = (n: number): EnrollmentBasis => ({
  kind: 'training-need',
  needId: aNeedId(n),
  appraisalId: anAppraisalId(n),
  period: { kind: 'annual', year: 2025 },
  source: 'predicate',
  predicate: 'butuh-perbaikan',
});

export const scheduled = (overrides: Partial<ProgrammeDetails> = {}): ProgrammeEvent => ({
  type: 'ProgrammeScheduled',
  data: { ...aProgramme(overrides), scheduledBy: 'officer-1' },
});

export const enrolled = (n: number, basis: EnrollmentBasis = byOfficer()): ProgrammeEvent => ({
  type: 'ParticipantEnrolled',
  data: { enrollmentId: anEnrollmentId(n), employeeId: anEmployeeId(n), basis },
});

export const waitlisted = (n: number, basis: EnrollmentBasis = byOfficer()): ProgrammeEvent => ({
  type: 'ParticipantWaitlisted',
  data: { enrollmentId: anEnrollmentId(n), employeeId: anEmployeeId(n), basis },
});
