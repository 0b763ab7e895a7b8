import type { ExpectedRevision } from './types';

/** The stream was not at the revision the append expected (optimistic concurrency). */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream} is at ${String(actual)}, the append expected ${String(expected)}`);
  }
}

/** Event ids of an append were already recorded, but not as the same append (another stream or other events). */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventId: string) {
    super(`event id ${eventId} was already recorded by a different append`);
  }
}

/** The caller asked for something the store cannot do: a bad stream name, event id, type or option. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}
