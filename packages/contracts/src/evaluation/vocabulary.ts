import { z } from 'zod';

/** The words of appraisal (PermenPANRB 6/2022) and competency development, shared by evaluation and training. */

/** A rating of work results (hasil kerja) or work behaviour (perilaku): Di Atas / Sesuai / Di Bawah Ekspektasi. */
export const Rating = z.enum(['above', 'meets', 'below']);
export type Rating = z.infer<typeof Rating>;

/** The aspects the city's policy names besides the two ratings, each rated and noted. */
export const ASPECTS = ['competence', 'discipline', 'integrity'] as const;
export const Aspect = z.enum(ASPECTS);
export type Aspect = z.infer<typeof Aspect>;

/** Competency areas (PermenPANRB 38/2017): technical, managerial, socio-cultural. Training programmes carry one. */
export const CompetencyArea = z.enum(['technical', 'managerial', 'socio-cultural']);
export type CompetencyArea = z.infer<typeof CompetencyArea>;

const Year = z.number().int().min(2000).max(2199);

/** An appraisal period: a calendar year, or one of its quarters. */
export const AppraisalPeriod = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('annual'), year: Year }),
  z.strictObject({ kind: z.literal('quarterly'), year: Year, quarter: z.number().int().min(1).max(4) }),
]);
export type AppraisalPeriod = z.infer<typeof AppraisalPeriod>;

/** First and last day of a period, `YYYY-MM-DD`. */
export const periodBounds = (period: AppraisalPeriod): { from: string; to: string } => {
  if (period.kind === 'annual') return { from: `${period.year}-01-01`, to: `${period.year}-12-31` };
  const firstMonth = (period.quarter - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(period.year, lastMonth, 0)).getUTCDate();
  const mm = (m: number) => String(m).padStart(2, '0');
  return { from: `${period.year}-${mm(firstMonth)}-01`, to: `${period.year}-${mm(lastMonth)}-${lastDay}` };
};

/** `2026` or `2026-Q3`: a period's name in URLs, reports and logs. */
export const periodName = (period: AppraisalPeriod): string =>
  period.kind === 'annual' ? String(period.year) : `${period.year}-Q${period.quarter}`;

/** Complaint categories of public feedback (SP4N-LAPOR! practice). */
export const FeedbackCategory = z.enum([
  'abuse-of-authority',
  'illegal-levy',
  'discrimination',
  'procedure',
  'service-quality',
  'ethics',
  'other',
]);
export type FeedbackCategory = z.infer<typeof FeedbackCategory>;
