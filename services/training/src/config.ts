import { loadServiceConfig, serviceConfig } from '@asn/runtime';
import { z } from 'zod';

/**
 * The training service's settings: the common ones (port 3003, audience `training`, DATA_DIR, auth, BUS…)
 * and its own. Every key is documented in .env.example.
 */
export const TrainingConfig = serviceConfig(
  { port: 3003, audience: 'training' },
  {
    /** A JSON rule set (yearly JP entitlement per employee type) replacing the shipped one (packages/contracts/src/training/training-rules.json). */
    RULES_FILE: z.string().min(1).optional(),
  },
);
export type TrainingConfig = z.output<typeof TrainingConfig>;

/** Parses the environment (the only place the service reads it); throws a ConfigError naming every bad key. */
export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): TrainingConfig => loadServiceConfig(TrainingConfig, env);
