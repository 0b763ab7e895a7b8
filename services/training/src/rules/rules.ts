import { DEFAULT_TRAINING_RULES, TrainingRules, type Entitlement } from '@asn/contracts';
import { rulesLoader } from '@asn/runtime';

// The yearly JP entitlement is a rule the service applies on its own (the shortfall list), so it is data:
// versioned, each entry naming its regulation, replaceable with RULES_FILE without a code change. The schema
// and the shipped set live in @asn/contracts (packages/contracts/src/training/training-rules.json), shared with
// the reporting service's JP compliance.

export { TrainingRules, type Entitlement };
export { InvalidRulesError } from '@asn/runtime';
export const { loadRules, loadRulesFile } = rulesLoader(TrainingRules, 'training');

export const DEFAULT_RULES: TrainingRules = DEFAULT_TRAINING_RULES;
