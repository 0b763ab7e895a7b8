import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';

type Where = ValidationIssue['in'];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper input is never legitimate here and only costs CPU in every walker downstream. */
export const MAX_JSON_DEPTH = 32;

const pathOf = (path: readonly PropertyKey[]): string => path.map((p) => String(p)).join('.');

/** zod issues as {@link ValidationIssue}s: path, code and zod's message, never the input value. */
export const issuesOf = (error: z.ZodError, where: Where): ValidationIssue[] =>
  error.issues.flatMap((issue): ValidationIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ in: where, path: pathOf([...issue.path, key]), code: 'unrecognized_key', message: 'Unknown key.' }))
      : [{ in: where, path: pathOf(issue.path), code: issue.code, message: issue.message }],
  );

/**
 * Rejects prototype-pollution keys at any depth and nesting beyond {@link MAX_JSON_DEPTH}, also inside
 * parts a schema would pass through (records, unions), before any schema sees the value.
 */
export const assertSafeInput = (value: unknown, where: Where): void => {
  const walk = (node: unknown, path: string[], depth: number): void => {
    if (typeof node !== 'object' || node === null) return;
    if (depth > MAX_JSON_DEPTH) {
      throw new ValidationError('The input is nested too deeply.', [
        { in: where, path: path.join('.'), code: 'too_deep', message: `Nesting deeper than ${MAX_JSON_DEPTH} levels is not accepted.` },
      ]);
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ValidationError('The input contains a forbidden key.', [
          { in: where, path: [...path, key].join('.'), code: 'forbidden_key', message: 'This key is not accepted.' },
        ]);
      }
      walk((node as Record<string, unknown>)[key], [...path, key], depth + 1);
    }
  };
  walk(value, [], 0);
};

/** Parses `value` with `schema`, throwing a 400 {@link ValidationError} that lists the issues by path. */
export const parseInput = <S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> => {
  assertSafeInput(value, where);
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`The request ${where} is invalid.`, issuesOf(result.error, where));
  return result.data;
};

export interface InputSchemas {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly params?: z.ZodType;
}

/** Parsed request parts; `undefined` where no schema was given. */
export interface ValidInput<B = unknown, Q = unknown, P = unknown> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
}

const VALID_LOCAL = 'validInput';

/**
 * Middleware for plain express routers: validates body, query and params and keeps the parsed values
 * for {@link validInput} (express 5 makes `req.query` read-only, so they live on `res.locals`).
 * Routes declared with `defineRoute` do this themselves.
 */
export const validate = (schemas: InputSchemas): RequestHandler => (req, res, next) => {
  const input: ValidInput = {
    body: schemas.body ? parseInput(schemas.body, req.body, 'body') : undefined,
    query: schemas.query ? parseInput(schemas.query, req.query, 'query') : undefined,
    params: schemas.params ? parseInput(schemas.params, req.params, 'params') : undefined,
  };
  res.locals[VALID_LOCAL] = input;
  next();
};

/** The values parsed by {@link validate}; the caller names the types its schemas produce. */
export const validInput = <B = unknown, Q = unknown, P = unknown>(res: Response): ValidInput<B, Q, P> => {
  const input = res.locals[VALID_LOCAL] as ValidInput<B, Q, P> | undefined;
  if (!input) throw new Error('validInput() called on a route without validate()');
  return input;
};

/**
 * A list `limit` query parameter: a positive integer, clamped to `max` so a huge value cannot make a
 * request expensive; zero, negatives and non-numbers are a 400.
 */
export const limitParam = ({ max = 100, fallback = 20 }: { max?: number; fallback?: number } = {}) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .default(fallback)
    .transform((n) => Math.min(n, max))
    .meta({ description: `Page size, 1..${max} (larger values are clamped).` });
