import { z } from 'zod';

/** The domain's words, shared by the decider, the rules and the HTTP schemas. See docs/glossary.md. */

/** CPNS: candidate on probation; PNS: permanent; PPPK: on a work agreement. */
export const EmployeeType = z.enum(['CPNS', 'PNS', 'PPPK']);
export type EmployeeType = z.infer<typeof EmployeeType>;

/** Pangkat/golongan-ruang of a (C)PNS, lowest first: 17 steps. */
export const GOLONGAN = [
  'I/a', 'I/b', 'I/c', 'I/d',
  'II/a', 'II/b', 'II/c', 'II/d',
  'III/a', 'III/b', 'III/c', 'III/d',
  'IV/a', 'IV/b', 'IV/c', 'IV/d', 'IV/e',
] as const;
export const Golongan = z.enum(GOLONGAN);
export type Golongan = z.infer<typeof Golongan>;

/** PPPK grades I–XVII (no ruang). */
export const PPPK_GRADES = [
  'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII',
] as const;
export const PppkGrade = z.enum(PPPK_GRADES);
export type PppkGrade = z.infer<typeof PppkGrade>;

/** Highest education completed; decides the starting rank and the ceiling of regular promotion. */
export const Education = z.enum(['SD', 'SLTP', 'SLTA', 'D-I', 'D-II', 'D-III', 'S1', 'D-IV', 'S2', 'S3']);
export type Education = z.infer<typeof Education>;

export const Gender = z.enum(['male', 'female']);
export type Gender = z.infer<typeof Gender>;

export const MANAGERIAL_LEVELS = ['jpt-utama', 'jpt-madya', 'jpt-pratama', 'administrator', 'pengawas'] as const;
export const FUNCTIONAL_LEVELS = [
  'pemula', 'terampil', 'mahir', 'penyelia', // keterampilan
  'ahli-pertama', 'ahli-muda', 'ahli-madya', 'ahli-utama', // keahlian
] as const;

const title = z.string().trim().min(2).max(200);

/** Jabatan: managerial (JPT, administrator, pengawas), functional (JF, with its level) or pelaksana. */
export const Position = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('managerial'), level: z.enum(MANAGERIAL_LEVELS), title }),
  z.strictObject({ kind: z.literal('functional'), level: z.enum(FUNCTIONAL_LEVELS), title }),
  z.strictObject({ kind: z.literal('pelaksana'), title }),
]);
export type Position = z.infer<typeof Position>;
export type PositionKind = Position['kind'];

/** Kinds of promotion in rank. */
export const PromotionKind = z.enum(['regular', 'pilihan', 'anumerta', 'pengabdian']);
export type PromotionKind = z.infer<typeof PromotionKind>;

/** Kinds of transfer (mutasi, Peraturan BKN 5/2019). */
// A move into the city is an appointment (of a PNS coming from elsewhere), not a transfer of one of ours.
export const TransferKind = z.enum(['within-city', 'to-other-region', 'to-central-agency']);
export type TransferKind = z.infer<typeof TransferKind>;

/** Discipline sanctions (PP 94/2021) by severity. */
export const SANCTIONS = {
  light: ['oral-warning', 'written-warning', 'statement-of-dissatisfaction'],
  medium: ['allowance-cut-25-percent'],
  heavy: ['demotion', 'removal-to-pelaksana', 'dismissal'],
} as const;
export const SanctionSeverity = z.enum(['light', 'medium', 'heavy']);
export type SanctionSeverity = z.infer<typeof SanctionSeverity>;

/** Kinds of dismissal (pemberhentian) and the grounds each admits. */
export const DISMISSAL_GROUNDS = {
  'own-request': ['own-request'],
  honourable: ['death', 'retirement-age', 'contract-end', 'reorganisation', 'unfit-for-duty', 'not-performing', 'heavy-discipline-sanction'],
  dishonourable: ['crime-related-to-office', 'political-party-membership', 'sentence-2-years-or-more', 'betrayal-of-pancasila'],
} as const;
export const DismissalKind = z.enum(['own-request', 'honourable', 'dishonourable']);
export type DismissalKind = z.infer<typeof DismissalKind>;

/** SKP predicate (PermenPANRB 6/2022), best first. */
export const Predicate = z.enum(['sangat-baik', 'baik', 'butuh-perbaikan', 'kurang', 'sangat-kurang']);
export type Predicate = z.infer<typeof Predicate>;

/** A calendar date `YYYY-MM-DD` that exists (no Feb 30, no year 0000). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a date as YYYY-MM-DD.')
  .refine((value) => isCalendarDate(value), 'Not a real calendar date.');
export type CalendarDate = z.infer<typeof CalendarDate>;

/** Whether `YYYY-MM-DD` names a real day between 1900-01-01 and 2199-12-31. */
export const isCalendarDate = (value: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
};
