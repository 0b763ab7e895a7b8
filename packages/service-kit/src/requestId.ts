import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** Client-supplied ids are echoed into headers and logs, so only a short, plain token is accepted. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a sane `X-Request-Id`, otherwise generates one; echoes it and keeps it on `res.locals`. */
export const requestId = (): RequestHandler => (req, res, next) => {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  res.locals['requestId'] = id;
  (req as { id?: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** The id assigned by {@link requestId} (undefined before it ran). */
export const requestIdOf = (res: Response): string | undefined => {
  const id: unknown = res.locals['requestId'];
  return typeof id === 'string' ? id : undefined;
};
