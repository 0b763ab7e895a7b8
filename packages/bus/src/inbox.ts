import type { CloudEvent } from '@asn/contracts';
import type { Database } from 'better-sqlite3';
import type { Handler } from './types';

/** A stream's event arrived before the one preceding it: applying it would break per-stream order (P9). */
export class OutOfOrderError extends Error {
  override readonly name = 'OutOfOrderError';
}

/** A different event claims a revision already applied: the message is forged or the store was altered. */
export class ConflictingEventError extends Error {
  override readonly name = 'ConflictingEventError';
}

export type InboxOutcome = 'applied' | 'duplicate';

/**
 * A consumer's inbox in its own SQLite database: the last applied revision and event id of every stream.
 * `apply` runs the read-model update and the inbox update in one transaction (P8): a redelivered event
 * (any revision up to the last applied) is skipped, the next revision is applied, and a revision beyond
 * the next is refused, so a stream is never applied out of order (P9).
 *
 * Keeping the last revision per stream, rather than every event id, is enough because order is enforced:
 * every event id of revision ≤ last has been applied, and the table stays one row per stream.
 */
export interface Inbox {
  /**
   * @throws OutOfOrderError when the event skips a revision; ConflictingEventError when another event id
   * holds its revision. Either way nothing is written.
   */
  apply(event: CloudEvent, update: () => void): InboxOutcome;
  /**
   * Applies many events inside a transaction the caller holds, without a savepoint per event: the same checks as
   * `apply`, against the revisions the batch has seen (read from the table once per stream), and each stream's row
   * written once, by the batch's `flush`, which the caller calls before it commits. For a replay that applies
   * thousands of events per transaction; on a throw the caller rolls its transaction back and drops the batch
   * (what `update` wrote is not undone alone).
   * @throws Error when no transaction is open.
   */
  batch(): InboxBatch;
  /** The last applied revision of a stream, or undefined when none. */
  revisionOf(stream: string): number | undefined;
  /** The last applied revision of every stream: where the consumer stands. */
  revisions(): Map<string, number>;
}

/** Events applied in the caller's transaction, their inbox rows written by `flush`. */
export interface InboxBatch {
  /** @throws as `Inbox.apply`, nothing recorded for the event. */
  apply(event: CloudEvent, update: () => void): InboxOutcome;
  /** Writes the last applied revision of every stream the batch applied to. */
  flush(): void;
}

interface Applied {
  revision: number;
  event_id: string;
}

export const openSqliteInbox = (db: Database, consumer: string): Inbox => {
  db.exec(`CREATE TABLE IF NOT EXISTS inbox (
    consumer TEXT NOT NULL,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (consumer, stream)
  ) STRICT, WITHOUT ROWID`);
  const last = db.prepare<[string, string], { revision: number; event_id: string }>(
    'SELECT revision, event_id FROM inbox WHERE consumer = ? AND stream = ?',
  );
  const all = db.prepare<[string], { stream: string; revision: number }>('SELECT stream, revision FROM inbox WHERE consumer = ?');
  const save = db.prepare(
    `INSERT INTO inbox (consumer, stream, revision, event_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (consumer, stream) DO UPDATE SET revision = excluded.revision, event_id = excluded.event_id`,
  );
  /** The checks of `apply`: whether `event` is the stream's next revision after `seen`. */
  const check = (event: CloudEvent, seen: Applied | undefined): InboxOutcome | 'next' => {
    const expected = seen === undefined ? 0 : seen.revision + 1;
    if (seen !== undefined && event.streamrevision === seen.revision && event.id !== seen.event_id) {
      throw new ConflictingEventError(`${event.subject} revision ${event.streamrevision} was applied with another event id`);
    }
    if (event.streamrevision < expected) return 'duplicate';
    if (event.streamrevision > expected) {
      throw new OutOfOrderError(`${event.subject}: revision ${event.streamrevision} arrived before revision ${expected}`);
    }
    return 'next';
  };
  const step = (event: CloudEvent, update: () => void): InboxOutcome => {
    if (check(event, last.get(consumer, event.subject)) === 'duplicate') return 'duplicate';
    update();
    save.run(consumer, event.subject, event.streamrevision, event.id);
    return 'applied';
  };
  const run = db.transaction(step);
  return {
    apply: (event, update) => run(event, update),
    batch: () => {
      if (!db.inTransaction) throw new Error('an inbox batch needs an open transaction');
      const seen = new Map<string, Applied | undefined>();
      const changed = new Set<string>();
      return {
        apply: (event, update) => {
          const stream = event.subject;
          const before = seen.has(stream) ? seen.get(stream) : last.get(consumer, stream);
          if (check(event, before) === 'duplicate') return 'duplicate';
          update();
          seen.set(stream, { revision: event.streamrevision, event_id: event.id });
          changed.add(stream);
          return 'applied';
        },
        flush: () => {
          for (const stream of changed) {
            const applied = seen.get(stream) as Applied;
            save.run(consumer, stream, applied.revision, applied.event_id);
          }
          changed.clear();
        },
      };
    },
    revisionOf: (stream) => last.get(consumer, stream)?.revision,
    revisions: () => new Map(all.all(consumer).map((row) => [row.stream, row.revision])),
  };
};

/** A handler that applies each event through the inbox: `project` runs inside the inbox's transaction. */
export const withInbox =
  (inbox: Inbox, project: (event: CloudEvent) => void): Handler =>
  (event) => {
    inbox.apply(event, () => project(event));
  };
