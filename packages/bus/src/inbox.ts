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
   * `apply` inside a transaction the caller holds, without a savepoint of its own: cheaper for a replay that
   * applies many events per transaction, but on a throw the caller must roll its transaction back (what
   * `update` wrote is not undone alone).
   * @throws as `apply`; Error when no transaction is open.
   */
  applyWithin(event: CloudEvent, update: () => void): InboxOutcome;
  /** The last applied revision of a stream, or undefined when none. */
  revisionOf(stream: string): number | undefined;
  /** The last applied revision of every stream: where the consumer stands. */
  revisions(): Map<string, number>;
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
  const step = (event: CloudEvent, update: () => void): InboxOutcome => {
    const seen = last.get(consumer, event.subject);
    const expected = seen === undefined ? 0 : seen.revision + 1;
    if (seen !== undefined && event.streamrevision === seen.revision && event.id !== seen.event_id) {
      throw new ConflictingEventError(`${event.subject} revision ${event.streamrevision} was applied with another event id`);
    }
    if (event.streamrevision < expected) return 'duplicate';
    if (event.streamrevision > expected) {
      throw new OutOfOrderError(`${event.subject}: revision ${event.streamrevision} arrived before revision ${expected}`);
    }
    update();
    save.run(consumer, event.subject, event.streamrevision, event.id);
    return 'applied';
  };
  const run = db.transaction(step);
  return {
    apply: (event, update) => run(event, update),
    applyWithin: (event, update) => {
      if (!db.inTransaction) throw new Error('applyWithin needs an open transaction');
      return step(event, update);
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
