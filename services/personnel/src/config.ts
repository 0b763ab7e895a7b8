import { loadServiceConfig, serviceConfig } from '@asn/runtime';
import { z } from 'zod';

/**
 * The personnel service's settings, parsed from the environment once at start: the settings every service
 * has (@asn/runtime) and its own. Every key is documented in .env.example. Unknown environment variables are
 * ignored (the process environment holds many).
 */
export const PersonnelConfig = serviceConfig(
  { port: 3001, audience: 'personnel' },
  {
    /** A JSON rule set (promotion, transfer, retirement) replacing the shipped one; see services/personnel/src/rules/README.md. */
    RULES_FILE: z.string().min(1).optional(),
  },
);
export type PersonnelConfig = z.output<typeof PersonnelConfig>;

/** Parses the environment (the only place the service reads it); throws a ConfigError naming every bad key. */
export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): PersonnelConfig =>
  loadServiceConfig(PersonnelConfig, env);
