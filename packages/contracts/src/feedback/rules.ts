import { z } from 'zod';
import { CalendarDate } from '../personnel/vocabulary';
import shipped from './feedback-rules.json' with { type: 'json' };

// The SP4N-LAPOR! deadlines and the working calendar are data: versioned, naming their regulation. The
// feedback service applies them (and may replace the shipped set with its RULES_FILE: a city adds each year's
// holidays without a code change); the reporting service computes the same deadlines from the feedback events.
// Both read the shipped set from here, so there is one file to edit.

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

/** The shipped rules (feedback-rules.json next to this file), parsed: the default of both services. */
export const DEFAULT_FEEDBACK_RULES: FeedbackRules = Object.freeze(FeedbackRules.parse(shipped));
