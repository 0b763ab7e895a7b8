import { loadServiceConfig, serviceConfig } from '@asn/runtime';
import { z } from 'zod';

/**
 * The reporting service's settings: the common ones (port 3005, audience `reporting`, DATA_DIR, auth, BUS…)
 * and its own. Every key is documented in .env.example.
 */
export const ReportingConfig = serviceConfig(
  { port: 3005, audience: 'reporting' },
  {
    /** The Ed25519 key that signs digests of the event store; created (0600, with its .pub) when absent. Default DATA_DIR/digest-signing.key. */
    DIGEST_KEY_FILE: z.string().min(1).optional(),
    /** How often a signed digest of every stream head is made and kept in DATA_DIR/digests; 0 turns the schedule off. */
    DIGEST_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(1_440),
    /** The feedback service's rules file when it runs with one (RULES_FILE there): the same deadlines and holidays for the complaint reports. */
    FEEDBACK_RULES_FILE: z.string().min(1).optional(),
    /** The training service's rules file when it runs with one (RULES_FILE there): the same JP entitlements for the JP compliance report. */
    TRAINING_RULES_FILE: z.string().min(1).optional(),
    /** Requests for the public figures per client address per window; further ones get 429. */
    PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(60),
    PUBLIC_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  },
);
export type ReportingConfig = z.output<typeof ReportingConfig>;

/** Parses the environment (the only place the service reads it); throws a ConfigError naming every bad key. */
export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): ReportingConfig => loadServiceConfig(ReportingConfig, env);
