import type { Context } from './topics';

/** Stream categories: one per aggregate. The store groups streams by the part before the first '-'. */
export const StreamCategories = {
  employee: 'employee',
  /** A unit of the city (OPD) with its position map. */
  unit: 'unit',
  /** The reservation of one NIP, named by a keyed hash of it: uniqueness enforced by the store. */
  nip: 'nip',
  evaluation: 'evaluation',
  /** A training programme with its participants (seats are its invariant). */
  programme: 'programme',
  feedback: 'feedback',
} as const;

export type StreamCategory = keyof typeof StreamCategories;

/** The bounded context that owns each category: it decides the topic and the CloudEvents source. */
export const contextOfCategory: Readonly<Record<StreamCategory, Context>> = {
  employee: 'personnel',
  unit: 'personnel',
  nip: 'personnel',
  evaluation: 'evaluation',
  programme: 'training',
  feedback: 'feedback',
};

/**
 * The categories each context publishes on its topic. `nip` stays inside personnel: a reservation stream is
 * named by a keyed hash of the NIP, which is of no use to a department and is still a pseudonym of it.
 */
export const publishedCategories: Readonly<Record<Context, readonly StreamCategory[]>> = {
  personnel: ['employee', 'unit'],
  evaluation: ['evaluation'],
  training: ['programme'],
  feedback: ['feedback'],
};

// Stream names travel into logs, Kafka keys and CloudEvents subjects, so the id must be opaque:
// a UUID carries no personal data, whereas a NIP encodes a birth date and gender.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A stream name or aggregate id that is not `<known category>-<lowercase UUID>`. */
export class InvalidStreamIdError extends Error {
  override readonly name = 'InvalidStreamIdError';
}

const isCategory = (value: string): value is StreamCategory => Object.hasOwn(StreamCategories, value);

/**
 * The stream of one aggregate: `<category>-<uuid>`.
 * @throws InvalidStreamIdError when the id is not a lowercase UUID (never a NIP or any readable key).
 */
export const streamId = (category: StreamCategory, id: string): string => {
  if (!isCategory(category)) throw new InvalidStreamIdError(`unknown stream category "${String(category)}"`);
  // Lowercase only, so one aggregate can never end up with two streams differing in case.
  if (!UUID.test(id)) throw new InvalidStreamIdError(`an aggregate id must be a lowercase UUID`);
  return `${category}-${id}`;
};

/**
 * Splits a stream name into its category and aggregate id.
 * @throws InvalidStreamIdError for an unknown category or an id that is not a lowercase UUID.
 */
export const parseStreamId = (stream: string): { category: StreamCategory; id: string } => {
  const dash = stream.indexOf('-');
  const category = dash < 0 ? stream : stream.slice(0, dash);
  if (dash < 0 || !isCategory(category)) {
    throw new InvalidStreamIdError('a stream name must be <category>-<uuid> with a known category');
  }
  const id = stream.slice(dash + 1);
  if (!UUID.test(id)) throw new InvalidStreamIdError(`the id of stream category "${category}" must be a lowercase UUID`);
  return { category, id };
};
