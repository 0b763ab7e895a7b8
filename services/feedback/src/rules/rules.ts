import { DEFAULT_FEEDBACK_RULES, FeedbackRules } from '@asn/contracts';
import { rulesLoader } from '@asn/runtime';

// The SP4N-LAPOR! deadlines and the working calendar are data: versioned, naming their regulation. The schema
// and the shipped set live in @asn/contracts (packages/contracts/src/feedback/feedback-rules.json), shared with
// the reporting service; the service replaces the shipped set with RULES_FILE (a city adds each year's holidays)
// without a code change.

export { FeedbackRules };
export { InvalidRulesError } from '@asn/runtime';
export const { loadRules, loadRulesFile } = rulesLoader(FeedbackRules, 'feedback');

export const DEFAULT_RULES: FeedbackRules = DEFAULT_FEEDBACK_RULES;
