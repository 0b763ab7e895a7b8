/** What an append expects of the stream: an exact revision, or a state of the stream. */
export type ExpectedRevision = number | 'no_stream' | 'exists' | 'any';

/** Who did it, and how this event relates to the request and the events before it. */
export interface EventMetadata {
  actor?: { subject: string; role: string };
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  /** The decree (SK) behind a personnel decision. */
  decree?: { skNumber: string; skDate: string; tmt: string; signedBy: string; legalBasis?: string };
  [key: string]: unknown;
}

/** An event as the caller hands it to the store. The caller chooses the id: a retry reuses it. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  /** Version of the data's schema; 1 when omitted. */
  schemaVersion?: number;
  data: Data;
  metadata?: EventMetadata;
}

/** An event as the store recorded it. */
export interface RecordedEvent<Data = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  stream: string;
  /** 0-based, gap-free position inside the stream. */
  revision: number;
  /** Position in the store's global log; only grows. */
  position: number;
  recordedAt: Date;
  data: Data;
  metadata: EventMetadata;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after this append: the next append's expected revision. */
  nextExpectedRevision: number;
  /** Global position of the last event written by this append. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** First revision to read (inclusive); from the start (forwards) or the end (backwards) when omitted. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events whose global position is greater than this; from the beginning when omitted. */
  after?: number;
  /** Only streams of these categories (the part of the stream name before the first '-'). */
  categories?: readonly string[];
  maxCount?: number;
}

/** Where a subscription keeps the position it has processed up to. */
export interface CheckpointStore {
  load(): Promise<number | undefined>;
  save(position: number): Promise<void>;
}

interface SubscribeCommon {
  /** Resume point; the subscription starts after the loaded position and saves as it goes. */
  checkpoint?: CheckpointStore;
  categories?: readonly string[];
  /** Events read per page while catching up. */
  batchSize?: number;
}

/**
 * A subscription hands over events one by one (`handle`) or a page at a time (`handleBatch`, for a relay
 * that publishes a page in one request). Either way the checkpoint moves only after the handler resolved.
 */
export type SubscribeOptions = SubscribeCommon &
  (
    | { handle: (event: RecordedEvent) => void | Promise<void>; handleBatch?: never }
    | { handleBatch: (events: readonly RecordedEvent[]) => Promise<void>; handle?: never }
  );

export interface Subscription {
  /** Resolves the first time the subscription has processed everything committed before it caught up. */
  readonly caughtUp: Promise<void>;
  /** Resolves when stopped; rejects when the handler or the store failed. */
  readonly done: Promise<void>;
  /** Global position of the last event handled. */
  position(): number;
  stop(): Promise<void>;
}

/** The event store port: every engine implements it and passes the conformance suite. */
export interface EventStore {
  appendToStream(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options: SubscribeOptions): Subscription;
  /** Global position of the last committed event, 0 when empty. */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}
