import { loadServiceConfig, serviceConfig } from '@asn/runtime';
import { z } from 'zod';

/**
 * The evaluation service's settings, parsed from the environment once at start: the settings every service
 * has (@asn/runtime, port 3002, audience `evaluation`) and its own. Unknown environment variables are ignored.
 */
export const EvaluationConfig = serviceConfig(
  { port: 3002, audience: 'evaluation' },
  {
    /** A JSON rule set (predicate grid, distribution caps, objection window, training-need areas) replacing the shipped one. */
    RULES_FILE: z.string().min(1).optional(),
  },
);
export type EvaluationConfig = z.output<typeof EvaluationConfig>;

/** Parses the environment (the only place the service reads it); throws a ConfigError naming every bad key. */
export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): EvaluationConfig =>
  loadServiceConfig(EvaluationConfig, env);
