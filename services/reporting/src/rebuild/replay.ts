import { rmSync } from 'node:fs';
import { decodeWith, openSqliteInbox, type DecodedEvent, type Inbox } from '@asn/bus';
import { contextOfTopic, publishedCategories, toCloudEvent } from '@asn/contracts';
import type { EventStore, RecordedEvent } from '@asn/event-store';
import type { Database } from 'better-sqlite3';
import { REPORTED_TOPICS, reportedRegistry, type ReadModels } from '../readModels';

/** The stream categories of every reported topic: what a replay reads from the store. */
export const REPORTED_CATEGORIES: readonly string[] = REPORTED_TOPICS.flatMap((topic) => publishedCategories[contextOfTopic(topic)]);

/** Removes a SQLite file with its WAL, shared-memory and journal files. */
export const removeDatabase = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};

/** An event the replay could not apply: the live consumer would have dead-lettered it. */
export interface SkippedEvent {
  position: number;
  stream: string;
  revision: number;
  type: string;
  reason: string;
}

export interface ReplayProgress {
  /** Events applied (or skipped) so far. */
  events: number;
  /** The global position reached. */
  position: number;
  /** The position the replay runs to. */
  head: number;
}

export interface ReplayOptions {
  store: Pick<EventStore, 'readAll' | 'headPosition'>;
  /** The database of `readModels`: the events go through its inbox (`group`) in transactions of `batchSize`. */
  db: Database;
  readModels: Pick<ReadModels, 'apply' | 'settle'>;
  /** The inbox's consumer group: the live consumer that later continues on this database. */
  group: string;
  /** Start after this global position (0: from the beginning). */
  after?: number;
  /** Stop at this position (default: the head when the replay starts). */
  until?: number;
  /** Only these categories (default: every reported topic's). */
  categories?: readonly string[];
  /** Only this stream's events (with the unit streams, whose names the read models show). */
  stream?: string;
  /** Apply only the events this accepts (the others are read past): a replay to the live model's own cut. */
  accept?: (stream: string, revision: number) => boolean;
  batchSize?: number;
  /**
   * Validate each event against its contract, as a consumer of messages does, instead of trusting the store's
   * check on append (ADR 0010): for the auditor's tool, which must answer as the live consumer would even from a
   * store written before that check. Slower.
   */
  validate?: boolean;
  onProgress?: (progress: ReplayProgress) => void;
  /** How often `onProgress` is called, in events (each time after they were applied and committed). */
  progressEvery?: number;
  signal?: AbortSignal;
}

export interface ReplayResult extends ReplayProgress {
  skipped: SkippedEvent[];
  /** Skipped events beyond the first 100 are only counted. */
  skippedCount: number;
  milliseconds: number;
}

const MAX_SKIPPED_KEPT = 100;

/**
 * Replays the store's reported categories into read models, as the live consumer would apply them (upcast with
 * the topics' contracts, through the inbox, so that the live consumer continuing on the same database skips what
 * the replay applied), but many events per transaction: a read model rebuilt from position 0 is disposable until
 * it is swapped in, so it needs no durable commit per event. The events come from the store, whose appends met
 * their contracts (ADR 0010), so data at its latest version is not validated again.
 *
 * Each batch is applied in one transaction without savepoints (SQLite copies every page a savepoint touches to a
 * sub-journal first: the cost of a replay was mostly that), through an inbox batch that writes each stream's inbox
 * row once, before the commit. When an event of the batch does not decode or apply,
 * the batch is rolled back and applied again one event at a time, each in a savepoint: the event is left out
 * alone and reported, as a dead letter would be, and the rest of the batch is applied.
 */
export const replayInto = async (options: ReplayOptions): Promise<ReplayResult> => {
  const started = performance.now();
  const { db, readModels, store } = options;
  const inbox = openSqliteInbox(db, options.group);
  const head = options.until ?? (await store.headPosition());
  const batchSize = options.batchSize ?? 5_000;
  const progressEvery = options.progressEvery ?? 10_000;
  const skipped: SkippedEvent[] = [];
  let skippedCount = 0;
  let events = 0;
  let position = options.after ?? 0;
  const context = { group: options.group, topic: 'replay', attempt: 0 };
  const decoding = (inboxApply: Inbox['apply']) =>
    decodeWith(reportedRegistry, (event: DecodedEvent) => void inboxApply(event, () => readModels.apply(event)), { fromStore: options.validate !== true });
  const applyAlone = decoding((event, update) => inbox.apply(event, update));
  const skip = (recorded: RecordedEvent, error: unknown): void => {
    skippedCount += 1;
    if (skipped.length < MAX_SKIPPED_KEPT)
      skipped.push({ position: recorded.position, stream: recorded.stream, revision: recorded.revision, type: recorded.type, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  };
  /** Applies the batch in one transaction; on a failure, again one event at a time. */
  const applyBatch = (batch: readonly RecordedEvent[]): void => {
    if (batch.length === 0) return;
    db.exec('BEGIN');
    try {
      const inboxBatch = inbox.batch();
      const applyWithin = decoding((event, update) => inboxBatch.apply(event, update));
      for (const recorded of batch) void applyWithin(toCloudEvent(recorded), context);
      inboxBatch.flush();
      db.exec('COMMIT');
      return;
    } catch {
      db.exec('ROLLBACK');
    }
    db.exec('BEGIN');
    try {
      for (const recorded of batch) {
        try {
          void applyAlone(toCloudEvent(recorded), context);
        } catch (error) {
          skip(recorded, error);
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  };

  const wanted = options.stream;
  let batch: RecordedEvent[] = [];
  for await (const recorded of store.readAll({ after: position, categories: options.categories ?? REPORTED_CATEGORIES })) {
    if (recorded.position > head) break;
    options.signal?.throwIfAborted();
    position = recorded.position;
    if (wanted !== undefined && recorded.stream !== wanted && !recorded.stream.startsWith('unit-')) continue;
    if (options.accept && !options.accept(recorded.stream, recorded.revision)) continue;
    batch.push(recorded);
    events += 1;
    if (batch.length >= batchSize) {
      applyBatch(batch);
      batch = [];
      // Let requests and the service's timers in between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (events % progressEvery === 0) {
      // Reported once applied: what the progress says is what the read models hold.
      applyBatch(batch);
      batch = [];
      options.onProgress?.({ events, position, head });
    }
  }
  applyBatch(batch);
  db.transaction(() => readModels.settle())();
  position = Math.max(position, head);
  options.onProgress?.({ events, position, head });
  return { events, position, head, skipped, skippedCount, milliseconds: performance.now() - started };
};
