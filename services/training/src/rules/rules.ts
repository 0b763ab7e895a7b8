import { EmployeeType } from '@asn/contracts';
import { rulesLoader } from '@asn/runtime';
import { z } from 'zod';
import shipped from './training-rules.json' with { type: 'json' };

// The yearly JP entitlement is a rule the service applies on its own (the shortfall list), so it is data:
// versioned, each entry naming its regulation, replaceable with RULES_FILE without a code change.

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

export { InvalidRulesError } from '@asn/runtime';
export const { loadRules, loadRulesFile } = rulesLoader(TrainingRules, 'training');

export const DEFAULT_RULES: TrainingRules = Object.freeze(loadRules(shipped));
