import { eventHash, GENESIS_HASH, type StoredEvent } from './hash';

/** One stored event with its global position and recorded hash, as an engine reads it back for verification. */
export interface VerifiableEvent extends StoredEvent {
  position: number;
  hash: Buffer;
}

/** What the store records as a stream's last revision and hash. */
export interface StreamHead {
  stream: string;
  revision: number;
  hash: Buffer;
}

/**
 * What verify and signed digests read from an engine, as of one moment: every event as stored (with its recorded
 * hash) in global order, then every stream's head. Appends committed while it is read are not part of it, so that
 * the heads and the events agree on a live store. Iterate `events` through before `heads`.
 */
export interface StoredForm {
  events: Iterable<VerifiableEvent> | AsyncIterable<VerifiableEvent>;
  heads: Iterable<StreamHead> | AsyncIterable<StreamHead>;
  /** Whether the engine's positions run 1, 2, 3… without gaps (SQLite): verify then checks that too. */
  gapFreePositions: boolean;
}

/** An engine whose stored form can be read: every engine of this project. */
export interface VerifiableStore {
  storedForm(): StoredForm;
}

export type VerifyProblemKind =
  | 'position-order'
  | 'position-gap'
  | 'revision-gap'
  | 'hash-mismatch'
  | 'head-mismatch'
  | 'stream-without-events';

export interface VerifyProblem {
  kind: VerifyProblemKind;
  stream?: string;
  revision?: number;
  position?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  streams: number;
  /** The first bad place found, in global order. */
  problem?: VerifyProblem;
}

/**
 * Re-computes every stream's hash chain over the events in global order and checks revisions, positions
 * and the recorded stream heads. Stops at the first bad place and names it.
 */
export const verifyEvents = async (
  events: Iterable<VerifiableEvent> | AsyncIterable<VerifiableEvent>,
  heads: Iterable<StreamHead> | AsyncIterable<StreamHead>,
  options: { gapFreePositions: boolean },
): Promise<VerifyReport> => {
  const chains = new Map<string, { revision: number; hash: Buffer }>();
  let lastPosition = 0;
  let count = 0;
  const fail = (problem: VerifyProblem): VerifyReport => ({ ok: false, events: count, streams: chains.size, problem });

  for await (const event of events) {
    const at = { stream: event.stream, revision: event.revision, position: event.position };
    if (event.position <= lastPosition) {
      return fail({ kind: 'position-order', ...at, message: `position ${event.position} follows ${lastPosition}` });
    }
    if (options.gapFreePositions && event.position !== lastPosition + 1) {
      return fail({ kind: 'position-gap', ...at, message: `positions ${lastPosition + 1}..${event.position - 1} are missing` });
    }
    const chain = chains.get(event.stream);
    const expectedRevision = chain ? chain.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      return fail({ kind: 'revision-gap', ...at, message: `revision ${event.revision} where ${expectedRevision} was due` });
    }
    const hash = eventHash(chain?.hash ?? GENESIS_HASH, event);
    if (!hash.equals(event.hash)) {
      return fail({ kind: 'hash-mismatch', ...at, message: 'content or chain does not match the recorded hash' });
    }
    chains.set(event.stream, { revision: event.revision, hash });
    lastPosition = event.position;
    count++;
  }

  const seen = new Set<string>();
  for await (const head of heads) {
    seen.add(head.stream);
    const chain = chains.get(head.stream);
    if (!chain) {
      return fail({ kind: 'stream-without-events', stream: head.stream, message: 'the stream is recorded but has no events' });
    }
    if (chain.revision !== head.revision || !chain.hash.equals(head.hash)) {
      return fail({
        kind: 'head-mismatch',
        stream: head.stream,
        revision: chain.revision,
        message: `events end at revision ${chain.revision}, the recorded head is revision ${head.revision}`,
      });
    }
  }
  for (const [stream, chain] of chains) {
    if (!seen.has(stream)) {
      return fail({ kind: 'head-mismatch', stream, revision: chain.revision, message: 'events of a stream with no recorded head' });
    }
  }
  return { ok: true, events: count, streams: chains.size };
};

/** Verifies the store as of now (see {@link verifyEvents}); appends made meanwhile are left for the next check. */
export const verifyStore = (store: VerifiableStore): Promise<VerifyReport> => {
  const form = store.storedForm();
  return verifyEvents(form.events, form.heads, { gapFreePositions: form.gapFreePositions });
};
