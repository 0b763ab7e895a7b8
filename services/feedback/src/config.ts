import { loadServiceConfig, serviceConfig } from '@asn/runtime';
import { z } from 'zod';

/**
 * The feedback service's settings: the common ones (port 3004, audience `feedback`, DATA_DIR, auth, BUS…)
 * and its own. Every key is documented in .env.example.
 */
export const FeedbackConfig = serviceConfig(
  { port: 3004, audience: 'feedback' },
  {
    /** A JSON rule set (deadlines in working days, holidays) replacing the shipped one (packages/contracts/src/feedback/feedback-rules.json). */
    RULES_FILE: z.string().min(1).optional(),
    /** Days after a ticket closes when its submitter's contact details are erased (the contact key shredded). */
    CONTACT_RETENTION_DAYS: z.coerce.number().int().min(0).max(3_650).default(180),
    /** The unit that receives tickets naming no unit nor employee ("no wrong door"): the city's complaint desk. */
    INTAKE_UNIT_ID: z.uuid().toLowerCase().optional(),
    /** Public submissions per client address per window; further ones get 429. */
    PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
    PUBLIC_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    /** How often the deadline watch escalates late tickets and the retention sweep runs. */
    SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  },
);
export type FeedbackConfig = z.output<typeof FeedbackConfig>;

/** Parses the environment (the only place the service reads it); throws a ConfigError naming every bad key. */
export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): FeedbackConfig => loadServiceConfig(FeedbackConfig, env);
