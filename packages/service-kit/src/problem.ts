import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import {
  HttpProblem,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorMapper,
} from './errors';
import { requestIdOf } from './requestId';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 document we send. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

/** body-parser / http-errors carry a `type` naming the failure; their messages can quote the body. */
const bodyParserProblem = (error: unknown): HttpProblem | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  switch ((error as { type?: unknown }).type) {
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'entity.parse.failed':
      return new ValidationError('The request body is not valid JSON.');
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('The Content-Encoding is not supported.');
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('The charset is not supported; use utf-8.');
    case 'request.aborted':
    case 'request.size.invalid':
      return new ValidationError('The request body was incomplete.');
    default: {
      // Other client-side read failures (a corrupt gzip stream) carry an exposable 4xx from http-errors.
      const { status, expose } = error as { status?: unknown; expose?: unknown };
      if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
        return new HttpProblem(status, 'bad-request', 'Bad request', 'The request body could not be read.');
      }
      return undefined;
    }
  }
};

/** Maps any thrown value to an {@link HttpProblem}, or undefined when it is an unexpected failure. */
export const toHttpProblem = (error: unknown, mappers: readonly ErrorMapper[], hadIfMatch: boolean): HttpProblem | undefined => {
  if (error instanceof HttpProblem) return error;
  for (const mapper of mappers) {
    const mapped = mapper(error, { hadIfMatch });
    if (mapped) return mapped;
  }
  return bodyParserProblem(error);
};

/** Writes `problem` as `application/problem+json`, with the request id and path as `instance`. */
export const sendProblem = (req: Request, res: Response, problem: HttpProblem): void => {
  const doc: ProblemDocument = {
    ...problem.extensions,
    type: `urn:asn:problem:${problem.slug}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: req.originalUrl.split('?')[0],
    requestId: requestIdOf(res),
  };
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(doc));
};

/** Stack frames without the first line, because error messages may quote personal input. */
const framesOnly = (error: unknown): string | undefined =>
  error instanceof Error && error.stack ? error.stack.split('\n').slice(1, 11).join('\n') : undefined;

/**
 * The one error middleware: typed and mapped errors become their problem; anything else is logged
 * (class and stack frames, no message) and answered with a bare 500.
 */
export const problemHandler = (logger: Logger, mappers: readonly ErrorMapper[]): ErrorRequestHandler =>
  (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toHttpProblem(error, mappers, req.headers['if-match'] !== undefined);
    if (problem) {
      sendProblem(req, res, problem);
      return;
    }
    logger.error(
      { requestId: requestIdOf(res), errorClass: error instanceof Error ? error.name : typeof error, stack: framesOnly(error) },
      'unhandled error',
    );
    sendProblem(req, res, new HttpProblem(500, 'internal', 'Internal server error', 'An unexpected error occurred.'));
  };

/** Final handler for routes that do not exist. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError('No route matches this method and path.'));
};
