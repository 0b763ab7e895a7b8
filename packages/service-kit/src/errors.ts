/** One entry of a 400 problem: where in the input, and what is wrong (never the submitted value). */
export interface ValidationIssue {
  readonly in: 'body' | 'query' | 'params' | 'header';
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * An error that maps to one RFC 9457 problem. `detail` is sent to the client, so it must not carry
 * personal data or internals; `extensions` become extra members of the problem document.
 */
export class HttpProblem extends Error {
  override readonly name: string = 'HttpProblem';
  constructor(
    readonly status: number,
    /** Short slug, rendered as the problem `type` URI `urn:asn:problem:<slug>`. */
    readonly slug: string,
    readonly title: string,
    detail?: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? title);
  }
  get detail(): string {
    return this.message;
  }
}

/** 400: the request does not match its schema; `issues` list each problem by path. */
export class ValidationError extends HttpProblem {
  override readonly name = 'ValidationError';
  constructor(
    detail = 'The request is invalid.',
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(400, 'validation', 'Invalid request', detail, issues.length > 0 ? { issues } : {});
  }
}

/** 401: no valid credentials. The reason is deliberately generic for the client. */
export class UnauthorizedError extends HttpProblem {
  override readonly name = 'UnauthorizedError';
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail, {}, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
}

/** 403: authenticated, but the role or scope does not allow this. */
export class ForbiddenError extends HttpProblem {
  override readonly name = 'ForbiddenError';
  constructor(detail = 'Your role does not allow this action.') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

/** 404: the resource or route does not exist (or is not visible to the caller). */
export class NotFoundError extends HttpProblem {
  override readonly name = 'NotFoundError';
  constructor(detail = 'The resource was not found.') {
    super(404, 'not-found', 'Not found', detail);
  }
}

/** 409: the command does not fit the current state (a broken invariant, a duplicate, a second approval). */
export class InvalidStateError extends HttpProblem {
  override readonly name = 'InvalidStateError';
  constructor(detail = 'The request conflicts with the current state.') {
    super(409, 'invalid-state', 'Conflict', detail);
  }
}

/** 409: the same Idempotency-Key is still being processed. */
export class IdempotencyInFlightError extends HttpProblem {
  override readonly name = 'IdempotencyInFlightError';
  constructor() {
    super(409, 'idempotency-in-flight', 'Request in progress', 'A request with this Idempotency-Key is still being processed; retry later.', {}, { 'Retry-After': '1' });
  }
}

/** 412: `If-Match` named a revision the stream is no longer at. */
export class ConcurrencyError extends HttpProblem {
  override readonly name = 'ConcurrencyError';
  constructor(detail = 'The resource was changed by someone else; reload it and retry.') {
    super(412, 'concurrency', 'Precondition failed', detail);
  }
}

/** 413: the body is larger than the limit (measured after decompression). */
export class PayloadTooLargeError extends HttpProblem {
  override readonly name = 'PayloadTooLargeError';
  constructor(detail = 'The request body is too large.') {
    super(413, 'payload-too-large', 'Payload too large', detail);
  }
}

/** 415: the body is not `application/json` (or uses an unsupported encoding or charset). */
export class UnsupportedMediaTypeError extends HttpProblem {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(detail = 'The request body must be application/json.') {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}

/** 422: well-formed but unusable, e.g. an Idempotency-Key reused with a different request. */
export class UnprocessableError extends HttpProblem {
  override readonly name = 'UnprocessableError';
  constructor(detail = 'The request cannot be processed.') {
    super(422, 'unprocessable', 'Unprocessable request', detail);
  }
}

/** 428: the service requires a precondition header such as `If-Match`. */
export class PreconditionRequiredError extends HttpProblem {
  override readonly name = 'PreconditionRequiredError';
  constructor(detail = 'This request requires an If-Match header with the current ETag.') {
    super(428, 'precondition-required', 'Precondition required', detail);
  }
}

/** 503: a dependency is unavailable (store unreachable, disk full); the client may retry. */
export class ServiceUnavailableError extends HttpProblem {
  override readonly name = 'ServiceUnavailableError';
  constructor(detail = 'The service is temporarily unavailable.', extensions: Readonly<Record<string, unknown>> = {}) {
    super(503, 'unavailable', 'Service unavailable', detail, extensions, { 'Retry-After': '5' });
  }
}

/** Context an {@link ErrorMapper} may use, e.g. whether the request carried `If-Match`. */
export interface ErrorContext {
  readonly hadIfMatch: boolean;
}

/**
 * Turns a foreign error (from a store, a driver) into an {@link HttpProblem}, or returns undefined
 * to let the next mapper try. Unmapped errors become a 500 without detail.
 */
export type ErrorMapper = (error: unknown, context: ErrorContext) => HttpProblem | undefined;
