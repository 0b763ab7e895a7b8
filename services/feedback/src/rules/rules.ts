import { readFileSync } from 'node:fs';
import { CalendarDate } from '@asn/contracts';
import { z } from 'zod';
import shipped from './feedback-rules.json' with { type: 'json' };

// The SP4N-LAPOR! deadlines and the working calendar are data: versioned, naming their regulation,
// replaceable with RULES_FILE (a city adds each year's holidays) without a code change.

const Deadline = z.strictObject({
  workingDays: z.number().int().min(1).max(365),
  regulation: z.string().trim().min(1).max(300),
});

export const FeedbackRules = z.strictObject({
  version: z.string().trim().min(1).max(50),
  regulation: z.string().trim().min(1).max(300),
  /** The city's clock against UTC (WIB: +420); a working day runs from local midnight to local midnight. */
  utcOffsetMinutes: z.number().int().min(-720).max(840),
  deadlines: z.strictObject({
    firstResponse: Deadline,
    resolution: z.strictObject({
      complaint: Deadline,
      'information-request': Deadline,
      dispute: Deadline,
      'dispute-field-check': Deadline,
    }),
  }),
  /** A ticket is "due soon" when its next deadline falls within this many working days from today. */
  dueSoonWorkingDays: z.number().int().min(0).max(30),
  holidays: z.strictObject({ source: z.string().trim().min(1).max(500), dates: z.array(CalendarDate).max(1000) }),
});
export type FeedbackRules = z.infer<typeof FeedbackRules>;

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
export const loadRules = (json: unknown): FeedbackRules => {
  const parsed = FeedbackRules.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidRulesError(`Invalid feedback rules: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
};

/** @throws InvalidRulesError when the file cannot be read, is not JSON, or breaks the schema. */
export const loadRulesFile = (file: string): FeedbackRules => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidRulesError(`Cannot read the feedback rules from ${file}: ${error instanceof Error ? error.message : String(error)}`, [], { cause: error });
  }
  try {
    return loadRules(json);
  } catch (error) {
    if (error instanceof InvalidRulesError) throw new InvalidRulesError(`${file}: ${error.message}`, error.issues, { cause: error });
    throw error;
  }
};

export const DEFAULT_RULES: FeedbackRules = Object.freeze(loadRules(shipped));
