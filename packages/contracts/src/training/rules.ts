import { z } from 'zod';
import { EmployeeType } from '../personnel/vocabulary';
import shipped from './training-rules.json' with { type: 'json' };

// The yearly JP entitlement is data: versioned, each entry naming its regulation. The training service applies it
// (the shortfall list; its RULES_FILE may replace the shipped set without a code change) and the reporting
// service counts JP compliance per unit against it. Both read the shipped set from here: one file to edit.

const Entitlement = z.strictObject({
  /** Lesson hours (jam pelajaran) per year. */
  jp: z.number().int().min(1).max(500),
  /** The year the JP are counted in: the calendar year, or the year of the work agreement from its anniversary. */
  per: z.enum(['calendar-year', 'contract-year']),
  regulation: z.string().trim().min(1).max(300),
});
export type Entitlement = z.infer<typeof Entitlement>;

export const TrainingRules = z.strictObject({
  version: z.string().trim().min(1).max(50),
  entitlements: z.record(EmployeeType, Entitlement),
});
export type TrainingRules = z.infer<typeof TrainingRules>;

/** The shipped rules (training-rules.json next to this file), parsed: the default of both services. */
export const DEFAULT_TRAINING_RULES: TrainingRules = Object.freeze(TrainingRules.parse(shipped));
