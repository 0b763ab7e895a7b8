import type { Request, Response } from 'express';
import { PreconditionRequiredError, ValidationError } from './errors';

/** Sets `ETag: "<revision>"`: the stream revision a client sends back in `If-Match`. */
export const setETag = (res: Response, revision: number): void => {
  res.setHeader('ETag', etagOf(revision));
};

/** The strong ETag for a stream revision. */
export const etagOf = (revision: number): string => `"${revision}"`;

const STRONG = /^"(0|[1-9][0-9]{0,15})"$/;

/**
 * Reads `If-Match` as an expected stream revision: `"7"` → 7, `*` → 'exists', absent → undefined
 * (or 428 when `required`). Weak, listed or non-numeric tags are a 400: they cannot name one revision.
 */
export function parseIfMatch(req: Request, options: { required: true }): number | 'exists';
export function parseIfMatch(req: Request, options?: { required?: boolean }): number | 'exists' | undefined;
export function parseIfMatch(req: Request, { required = false }: { required?: boolean } = {}): number | 'exists' | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) {
    if (required) throw new PreconditionRequiredError();
    return undefined;
  }
  const value = header.trim();
  if (value === '*') return 'exists';
  const match = STRONG.exec(value);
  const revision = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(revision)) {
    throw new ValidationError('If-Match must be one strong ETag such as "3", as returned in ETag.', [
      { in: 'header', path: 'if-match', code: 'invalid_format', message: 'Expected a quoted revision number.' },
    ]);
  }
  return revision;
}
