import type { z } from 'zod';

/** The environment did not match the service's config schema; the message names keys, never values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { key: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.message}`).join('\n')}`);
  }
}

const isMissing = (env: Readonly<Record<string, string | undefined>>, path: readonly PropertyKey[]): boolean =>
  path.length === 1 && typeof path[0] === 'string' && (env[path[0]] === undefined || env[path[0]] === '');

/**
 * Parses the environment with `schema` once at start and fails fast with a {@link ConfigError} that
 * names every bad key. Values are never echoed, since some are secrets.
 */
export const parseConfig = <S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>> = process.env): z.output<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ key: [...issue.path, key].join('.'), message: 'not a known setting' }))
        : [{ key: issue.path.map(String).join('.') || '(root)', message: issue.code !== 'custom' && isMissing(env, issue.path) ? 'required' : issue.message }],
    ),
  );
};
