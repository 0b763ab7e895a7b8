import type { CloudEvent, Topic } from '@asn/contracts';

/** A batch of events encoded for the wire by {@link Publisher.encode}, not sent yet. */
export interface EncodedBatch {
  readonly topic: Topic;
  readonly size: number;
}

/**
 * Sends CloudEvents to a topic. Sending resolves only once the bus acknowledged every event (for Kafka:
 * written to all in-sync replicas), so a caller may then move its checkpoint. Encoding is a step of its own
 * so that a relay can encode the next page while the previous one waits for its acknowledgement.
 */
export interface Publisher {
  encode(topic: Topic, events: readonly CloudEvent[]): EncodedBatch;
  send(batch: EncodedBatch): Promise<void>;
  /** `send(encode(topic, events))`. */
  publish(topic: Topic, events: readonly CloudEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** What a consumer's handler is given besides the event. */
export interface DeliveryContext {
  readonly group: string;
  readonly topic: string;
  /** How many times this delivery was attempted before (0 on the first try). */
  readonly attempt: number;
}

export type Handler = (event: CloudEvent, context: DeliveryContext) => void | Promise<void>;

export interface SubscribeOptions {
  /** The consumer group: each group gets every event once (at least once), in its own checkpoint. */
  readonly group: string;
  readonly topics: readonly Topic[];
  readonly handle: Handler;
  /** Which failures are worth retrying; see {@link isTransient}. */
  readonly isTransient?: (error: unknown) => boolean;
  /** First retry delay; doubles up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

/** A running consumer. */
export interface Consumer {
  /** Resolves once the consumer has handled everything that was on its topics when it started. */
  readonly caughtUp: Promise<void>;
  /** Stops fetching after the event in hand (backpressure); nothing is lost or skipped. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** A bus engine: the local one over the store's global log, or Kafka. */
export interface Bus {
  subscribe(options: SubscribeOptions): Promise<Consumer>;
  close(): Promise<void>;
}

/** A message a consumer could not handle, with why: kept so that it can be inspected and replayed. */
export interface DeadLetter {
  readonly group: string;
  readonly topic: string;
  /** The event id when the message carried one. */
  readonly eventId?: string;
  /** The error class (e.g. `InvalidCloudEventError`) and its message. */
  readonly reason: string;
  readonly errorClass: string;
}

/**
 * A failure of something the handler depends on (a locked database, a broker, the network), not of the
 * message: the delivery is retried with backoff instead of being dead-lettered.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

// Error codes of dependencies that heal by themselves: SQLite's busy/locked/disk full/I-O, network errors.
const TRANSIENT_CODES = /^(SQLITE_(BUSY|LOCKED|FULL|IOERR)|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)/;

/**
 * The default classification: a {@link TransientError}, an error with a transient code (SQLite busy,
 * network), or a kafkajs error marked retriable is retried; anything else (a message that does not parse,
 * breaks its schema, arrives out of order, or a handler's own refusal) goes to the dead letters at once,
 * because retrying it would block the partition behind it forever.
 */
export const isTransient = (error: unknown): boolean => {
  if (error instanceof TransientError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, retriable } = error as { code?: unknown; retriable?: unknown };
  if (typeof code === 'string' && TRANSIENT_CODES.test(code)) return true;
  return retriable === true && (error as Error).name.startsWith('KafkaJS');
};
