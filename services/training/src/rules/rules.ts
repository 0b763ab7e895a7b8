import { readFileSync } from 'node:fs';
import { EmployeeType } from '@asn/contracts';
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

/** A rule set that fails its schema or cannot be read; `issues` name the paths. */
export class InvalidRulesError extends Error {
  override readonly name = 'InvalidRulesError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** @throws InvalidRulesError naming every path that breaks the schema. */
export const loadRules = (json: unknown): TrainingRules => {
  const parsed = TrainingRules.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidRulesError(`Invalid training rules: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
};

/** @throws InvalidRulesError when the file cannot be read, is not JSON, or breaks the schema. */
export const loadRulesFile = (file: string): TrainingRules => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidRulesError(`Cannot read the training rules from ${file}: ${error instanceof Error ? error.message : String(error)}`, [], { cause: error });
  }
  try {
    return loadRules(json);
  } catch (error) {
    if (error instanceof InvalidRulesError) throw new InvalidRulesError(`${file}: ${error.message}`, error.issues, { cause: error });
    throw error;
  }
};

export const DEFAULT_RULES: TrainingRules = Object.freeze(loadRules(shipped));
