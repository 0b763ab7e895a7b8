import { sleep, WrongExpectedRevisionError, type ExpectedRevision } from '@asn/event-store';

/** ESDB's position in $all: a commit and a prepare position, byte offsets in the transaction log. */
export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

/**
 * The port's global position for an ESDB event: its commit position as a number (ADR 0009). Byte offsets
 * grow with the log and are unique per event on a single log, but are not 1, 2, 3…: the engine runs the
 * conformance suite with `gapFreePositions: false`. A log of 2^53 bytes (8 PiB) is far beyond one city.
 * @throws Error when ESDB handed out no position (a read that does not know it): never invent one.
 */
export const toPortPosition = (position: EsdbPosition | undefined): number => {
  if (!position || position.commit < 0n || position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`EventStoreDB returned no usable commit position (${String(position?.commit)})`);
  }
  return Number(position.commit);
};

/**
 * Where a read of $all starts for the port's `after`: the start, or the position itself (ESDB reads from a
 * position inclusively, so the caller drops events at or before `after`). Only positions the store handed
 * out are valid ESDB positions; an arbitrary number may point inside a log record.
 */
export const readStartFor = (after: number | undefined): 'start' | EsdbPosition =>
  after === undefined || after <= 0 ? 'start' : { commit: BigInt(after), prepare: BigInt(after) };

/** Streams of the ledger (`<category>-<id>`): not ESDB's `$`-streams, not this engine's `_asn_` bookkeeping. */
export const LEDGER_STREAMS = '^[a-z][a-z0-9_]*-';

/** A namespace: lowercase letters and digits, so that `<namespace>.` can never be read as a category. */
export const NAMESPACE = /^[a-z][a-z0-9]{0,39}$/;

/**
 * How the port's stream names map to ESDB's. Without a namespace they are the same. With one, every stream of
 * this store, bookkeeping included, is `<namespace>.<name>` on the server, and reads and subscriptions see only
 * the namespace's: several ledgers (a test per case, tenants) share one server without seeing each other. The
 * hash chain covers the port's names, so a ledger verifies the same under any namespace.
 */
export interface StreamNames {
  /** The ESDB stream of a port stream (or of a bookkeeping stream such as `_asn_id-<id>`). */
  toEsdb(stream: string): string;
  /** The port stream of an ESDB stream of this ledger. */
  fromEsdb(stream: string): string;
  /** The server-side stream-name filter for a read or subscription over some categories, or over every ledger stream. */
  filter(categories: readonly string[] | undefined): { prefixes: string[] } | { regex: string };
  /** Whether an ESDB stream belongs to this ledger, and to one of the categories when given (the filter, client side). */
  isLedger(stream: string, categories?: readonly string[]): boolean;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const streamNames = (namespace?: string): StreamNames => {
  if (namespace !== undefined && !NAMESPACE.test(namespace)) throw new RangeError('an EventStoreDB namespace is 1-40 lowercase letters and digits, starting with a letter');
  const prefix = namespace === undefined ? '' : `${namespace}.`;
  const ledger = new RegExp(`^${escapeRegex(prefix)}[a-z][a-z0-9_]*-`);
  return {
    toEsdb: (stream) => `${prefix}${stream}`,
    fromEsdb: (stream) => (stream.startsWith(prefix) ? stream.slice(prefix.length) : stream),
    filter: (categories) => (categories === undefined ? { regex: ledger.source } : { prefixes: categories.map((category) => `${prefix}${category}-`) }),
    isLedger: (stream, categories) => ledger.test(stream) && (categories === undefined || categories.some((c) => stream.startsWith(`${prefix}${c}-`))),
  };
};

const plain = streamNames();
/** {@link StreamNames.filter} without a namespace. */
export const streamFilterFor = (categories: readonly string[] | undefined): { prefixes: string[] } | { regex: string } => plain.filter(categories);
/** {@link StreamNames.isLedger} without a namespace. */
export const isLedgerStream = (stream: string, categories?: readonly string[]): boolean => plain.isLedger(stream, categories);

/** The ESDB expected revision for an append made at a stream head this engine read. */
export const esdbExpectedRevision = (head: number | 'no_stream'): bigint | 'no_stream' =>
  head === 'no_stream' ? 'no_stream' : BigInt(head);

interface EsdbErrorShape {
  type?: unknown;
  actualVersion?: unknown;
}

/** Whether the client refused an append because the stream was not at the expected revision. */
export const isWrongExpectedVersion = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as EsdbErrorShape).type === 'wrong-expected-version';

/** Whether the client reports that a stream does not exist (reads of a missing stream throw). */
export const isStreamNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as EsdbErrorShape).type === 'stream-not-found';

/** Errors after which a read or subscription is tried again: the connection or the leader went away. */
const TRANSIENT = new Set(['unavailable', 'cancelled', 'deadline-exceeded', 'timeout', 'not-leader']);
export const isTransient = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && TRANSIENT.has(String((error as EsdbErrorShape).type));

/** The port's concurrency error for ESDB's wrong-expected-version, with the stream's actual revision. */
export const toConcurrencyError = (stream: string, expected: ExpectedRevision, error: unknown): WrongExpectedRevisionError => {
  const actual = (error as EsdbErrorShape).actualVersion;
  const revision = typeof actual === 'bigint' ? Number(actual) : typeof actual === 'number' ? actual : 'no_stream';
  return new WrongExpectedRevisionError(stream, expected, revision);
};

export interface BackoffOptions {
  /** First delay; 100 ms by default. */
  baseMs?: number;
  /** Cap; 5 s by default. */
  maxMs?: number;
  /** In [0, 1): spreads reconnecting clients; Math.random by default. */
  random?: () => number;
}

/**
 * Delay before attempt `attempt` (0-based) to resubscribe: exponential, capped, with up to half of it as
 * jitter so that many services dropped by one leader change do not come back in the same millisecond.
 */
export const backoffMs = (attempt: number, options: BackoffOptions = {}): number => {
  const base = options.baseMs ?? 100;
  const max = options.maxMs ?? 5_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * (options.random ?? Math.random)());
};

/**
 * Runs `attempt` until it succeeds, waiting with capped backoff after transient errors (a dropped
 * connection, a leader change); any other error, or an abort, ends it.
 */
export const retryTransient = async <T>(
  attempt: () => Promise<T>,
  signal: AbortSignal,
  options: BackoffOptions & { onRetry?: (error: unknown, delayMs: number) => void } = {},
): Promise<T> => {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || signal.aborted) throw error;
      const delay = backoffMs(n, options);
      options.onRetry?.(error, delay);
      await sleep(delay, signal);
      if (signal.aborted) throw error;
    }
  }
};
