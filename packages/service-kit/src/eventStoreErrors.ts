import { DuplicateEventIdError, InvalidAppendError, WrongExpectedRevisionError } from '@asn/event-store';
import { ConcurrencyError, InvalidStateError, ValidationError, type ErrorMapper } from './errors';

/**
 * Maps event-store errors: a wrong expected revision is 412 when the client sent `If-Match` (its copy
 * is stale) and 409 otherwise; a reused event id is 409; an invalid append is 400.
 */
export const eventStoreErrorMapper: ErrorMapper = (error, { hadIfMatch }) => {
  if (error instanceof WrongExpectedRevisionError) {
    return hadIfMatch ? new ConcurrencyError() : new InvalidStateError('The resource was changed concurrently; retry.');
  }
  if (error instanceof DuplicateEventIdError) return new InvalidStateError('These events were already recorded by another request.');
  if (error instanceof InvalidAppendError) return new ValidationError('The request cannot be stored as given.');
  return undefined;
};
