import { InvalidAppendError } from './errors';
import type { ExpectedRevision, NewEvent } from './types';

const STREAM = /^[a-z][a-z0-9_]*-[A-Za-z0-9_.:-]{1,200}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;

/** The category of a stream: the part of its name before the first '-'. */
export const categoryOf = (stream: string): string => stream.slice(0, stream.indexOf('-'));

/** Refuses what no engine may store; shared so that every engine refuses the same things. */
export const assertAppendable = (
  stream: string,
  events: readonly NewEvent[],
  expectedRevision: ExpectedRevision,
): void => {
  if (!STREAM.test(stream)) throw new InvalidAppendError(`stream name must look like <category>-<id>`);
  if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  if (
    typeof expectedRevision === 'number'
      ? !Number.isSafeInteger(expectedRevision) || expectedRevision < 0
      : !['no_stream', 'exists', 'any'].includes(expectedRevision)
  ) {
    throw new InvalidAppendError('expectedRevision must be a revision, no_stream, exists or any');
  }
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppendError('event id must be a UUID');
    if (ids.has(event.id.toLowerCase())) throw new InvalidAppendError('event ids repeat inside one append');
    ids.add(event.id.toLowerCase());
    if (!TYPE.test(event.type)) throw new InvalidAppendError('event type must be an identifier');
    const version = event.schemaVersion ?? 1;
    if (!Number.isSafeInteger(version) || version < 1) throw new InvalidAppendError('schemaVersion must be ≥ 1');
    if (event.data === undefined) throw new InvalidAppendError('event data is required');
  }
};

/** Whether a stream at `actual` satisfies what the append expected. */
export const revisionMatches = (expected: ExpectedRevision, actual: number | 'no_stream'): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
};
