import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** A rule set that does not fit its schema or cannot be read; `issues` name the path of every bad field. */
export class InvalidRulesError extends Error {
  override readonly name = 'InvalidRulesError';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const pathOf = (path: readonly PropertyKey[]): string => (path.length === 0 ? '(root)' : path.map(String).join('.'));

/**
 * How a service reads its rules (the shipped JSON, or a RULES_FILE replacing it): `loadRules` parses a value
 * against the schema, `loadRulesFile` reads a file; both throw an InvalidRulesError naming the file and the path
 * of every bad field (each unknown key by name).
 */
export const rulesLoader = <S extends z.ZodType>(schema: S, label: string) => {
  const loadRules = (json: unknown): z.output<S> => {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'Unknown key.' }))
        : [{ path: pathOf(issue.path), message: issue.message }],
    );
    throw new InvalidRulesError(`Invalid ${label} rules: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  };
  const loadRulesFile = (file: string): z.output<S> => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InvalidRulesError(`Cannot read the ${label} rules from ${file}: ${error instanceof Error ? error.message : String(error)}`, [], { cause: error });
    }
    try {
      return loadRules(json);
    } catch (error) {
      if (error instanceof InvalidRulesError) throw new InvalidRulesError(`${file}: ${error.message}`, error.issues, { cause: error });
      throw error;
    }
  };
  return { loadRules, loadRulesFile };
};
