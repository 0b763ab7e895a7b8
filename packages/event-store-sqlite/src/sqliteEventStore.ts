import { EventEmitter } from 'node:events';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import {
  assertAppendable,
  categoryOf,
  DuplicateEventIdError,
  eventHash,
  GENESIS_HASH,
  revisionMatches,
  startSubscription,
  tracedAppend,
  type EventCheck,
  waitForSignal,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type CheckpointStore,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredForm,
  type StreamHead,
  type SubscribeOptions,
  type Subscription,
  type VerifiableEvent,
  type VerifiableStore,
} from '@asn/event-store';
import { ensureSchema } from './schema';
import { bytesToUuid, uuidToBytes } from './uuid';

export interface SqliteEventStoreOptions {
  /** The database file; created when missing (unless read-only). */
  path: string;
  /** Open for reading only, as verify and audit tools do. */
  readonly?: boolean;
  /** How often a subscription looks for commits made by other processes on the same file. */
  pollMs?: number;
  /** How long a write waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** How much of the file reads may map into memory (SQLite's mmap_size); none by default. */
  mmapBytes?: number;
  /** Rows fetched per query when reading; bounds memory on long reads. */
  pageSize?: number;
  /** Each event before it is appended: the data to store, or a throw that refuses the append (the runtime's contract check). */
  checkEvent?: EventCheck;
}

export interface SqlitePragmas {
  journalMode: string;
  /** 2 = FULL. */
  synchronous: number;
}

interface PendingAppend {
  stream: string;
  expected: ExpectedRevision;
  rows: Array<{ id: Buffer; type: string; schemaVersion: number; data: string; metadata: string; textId: string }>;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

// Column order shared by every read query: position, stream, revision, id, type, version, recorded_at, data, metadata.
type Row = [number, string, number, Buffer, string, number, number, string, string];
const COLUMNS = 'e.position, s.name, e.revision, e.id, e.type, e.schema_version, e.recorded_at, e.data, e.metadata';


/** Opens (and on first use creates) an event store in one SQLite file: the embedded default engine. */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore => new SqliteEventStore(options);

/**
 * The event store on better-sqlite3. Durable (WAL, synchronous=FULL, checked on open), with group commit:
 * appends made in the same event-loop turn share one transaction, each in its own savepoint so that one
 * refused append does not undo the others, and every caller is answered only after the commit.
 */
export class SqliteEventStore implements EventStore, VerifiableStore {
  private readonly db: Db;
  private readonly pageSize: number;
  private readonly pollMs: number;
  private readonly checkEvent: EventCheck | undefined;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private localCommits = 0;
  private localAppends = 0;
  private readonly commits = new EventEmitter();
  private readonly sql: ReturnType<typeof prepare>;
  private readonly readAllByCategories = new Map<string, Statement>();
  private readonly appendOne: Database.Transaction<(pending: PendingAppend) => AppendResult>;
  private readonly commitGroup: Database.Transaction<(group: PendingAppend[]) => Array<AppendResult | Error>>;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    this.pageSize = options.pageSize ?? 512;
    this.pollMs = options.pollMs ?? 100;
    this.checkEvent = options.checkEvent;
    try {
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      if (!options.readonly) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = FULL');
        // Off by default: measured on a 1,000,000-event file, a 1 GiB map made full replays 40 % slower.
        this.db.pragma(`mmap_size = ${options.mmapBytes ?? 0}`);
        this.db.pragma('cache_size = -65536');
        ensureSchema(this.db);
      }
      const pragmas = this.pragmas();
      // better-sqlite3 reports no error when a PRAGMA does not take; durability is only what we read back.
      if (!options.readonly && (pragmas.journalMode !== 'wal' || pragmas.synchronous !== 2)) {
        throw new Error(`durability settings did not take: journal_mode=${pragmas.journalMode} synchronous=${pragmas.synchronous}`);
      }
      this.sql = prepare(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.commits.setMaxListeners(0);
    // Inside commitGroup's transaction this runs as a savepoint; called alone, as a transaction of its own.
    this.appendOne = this.db.transaction((pending: PendingAppend) => this.write(pending));
    this.commitGroup = this.db.transaction((group: PendingAppend[]) =>
      group.map((pending) => {
        try {
          return this.appendOne(pending);
        } catch (error) {
          if (isRefusal(error)) return error;
          throw error;
        }
      }),
    );
  }

  pragmas(): SqlitePragmas {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
    };
  }

  appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    // Timed (and traced) by whoever listens, e.g. @asn/service-kit's telemetry; free while no one does.
    return tracedAppend(events, (traced) => this.append(stream, traced, options), this.checkEvent);
  }

  private async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertAppendable(stream, events, expected);
    // Serialised now, so that what the caller does to its objects afterwards cannot change what is stored.
    const rows = events.map((event) => ({
      id: uuidToBytes(event.id),
      textId: event.id.toLowerCase(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata ?? {}),
    }));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, expected, rows, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    if (group.length === 0) return;
    let outcomes: Array<AppendResult | Error>;
    try {
      outcomes = group.length === 1 ? [this.appendOne.immediate(group[0]!)] : this.commitGroup.immediate(group);
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    this.localCommits++;
    this.localAppends += group.length;
    this.commits.emit('commit');
    group.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) pending.reject(outcome);
      else pending.resolve(outcome);
    });
  }

  /** One append: the checks, the events, the stream's new head. */
  private write(pending: PendingAppend): AppendResult {
    const { stream, rows } = pending;
    const earlier = this.previousAppend(stream, rows);
    if (earlier) return earlier;

    const current = this.sql.stream.get(stream) as { id: number; revision: number; head: Buffer } | undefined;
    const actual = current ? current.revision : 'no_stream';
    if (!revisionMatches(pending.expected, actual)) throw new WrongExpectedRevisionError(stream, pending.expected, actual);
    const streamId = current ? current.id : Number(this.sql.insertStream.run(stream, categoryOf(stream), GENESIS_HASH).lastInsertRowid);

    let revision = current ? current.revision : -1;
    let head = current ? current.head : GENESIS_HASH;
    let position = 0;
    const recordedAt = Date.now();
    for (const row of rows) {
      revision++;
      head = eventHash(head, { stream, revision, id: row.textId, type: row.type, schemaVersion: row.schemaVersion, recordedAt, data: row.data, metadata: row.metadata });
      try {
        position = Number(
          this.sql.insertEvent.run(streamId, revision, row.id, row.type, row.schemaVersion, recordedAt, row.data, row.metadata, head).lastInsertRowid,
        );
      } catch (error) {
        // The schema's unique constraints are the last word (P3, P4): translate them, never let them through.
        const message = (error as Error).message;
        if (message.includes('events.id')) throw new DuplicateEventIdError(row.textId);
        if (message.includes('events.stream_id')) throw new WrongExpectedRevisionError(stream, pending.expected, actual);
        throw error;
      }
    }
    this.sql.updateStream.run(revision, head, streamId);
    return { nextExpectedRevision: revision, position };
  }

  /** P4: the same event ids again are the same append: answer as the first time, write nothing. */
  private previousAppend(stream: string, rows: PendingAppend['rows']): AppendResult | undefined {
    const first = this.sql.eventById.get(rows[0]!.id) as { name: string; revision: number } | undefined;
    if (!first) return undefined;
    if (first.name !== stream) throw new DuplicateEventIdError(rows[0]!.textId);
    let last: { position: number; revision: number } | undefined;
    for (const [i, row] of rows.entries()) {
      const found = this.sql.eventAt.get(stream, first.revision + i) as { position: number; revision: number; id: Buffer } | undefined;
      if (!found || !found.id.equals(row.id)) throw new DuplicateEventIdError(row.textId);
      last = found;
    }
    return { nextExpectedRevision: last!.revision, position: last!.position };
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let revision = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const query = backwards ? this.sql.readStreamBackwards : this.sql.readStreamForwards;
    while (remaining > 0 && revision >= 0) {
      const limit = Math.min(this.pageSize, remaining);
      const rows = query.all(stream, revision, limit) as Row[];
      for (const row of rows) yield toRecorded(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      revision = rows[rows.length - 1]![2] + (backwards ? -1 : 1);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let after = options.after ?? 0;
    while (remaining > 0) {
      const limit = Math.min(this.pageSize, remaining);
      const page = this.page(after, options.categories, limit);
      for (const event of page) yield event;
      if (page.length < limit) return;
      remaining -= page.length;
      after = page[page.length - 1]!.position;
    }
  }

  /** Up to `limit` events of the global log after `after`, optionally of some categories only. */
  private page(after: number, categories: readonly string[] | undefined, limit: number): RecordedEvent[] {
    const rows = (
      categories ? this.readAllStatement(categories.length).all(after, ...categories, limit) : this.sql.readAll.all(after, limit)
    ) as Row[];
    return rows.map(toRecorded);
  }

  private readAllStatement(categoryCount: number): Statement {
    const key = String(categoryCount);
    let statement = this.readAllByCategories.get(key);
    if (!statement) {
      statement = this.db
        .prepare(
          `SELECT ${COLUMNS} FROM events e JOIN streams s ON s.id = e.stream_id
           WHERE e.position > ? AND s.category IN (${Array(categoryCount).fill('?').join(', ')})
           ORDER BY e.position LIMIT ?`,
        )
        .raw(true);
      this.readAllByCategories.set(key, statement);
    }
    return statement;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return startSubscription(
      {
        readPage: async (after, categories, limit) => this.page(after, categories, limit),
        changeCounter: () => this.changeCounter(),
        waitForChange: (seen, signal) =>
          waitForSignal(
            (wake) => {
              this.commits.once('commit', wake);
              return () => this.commits.off('commit', wake);
            },
            () => this.changeCounter() !== seen,
            this.pollMs,
            signal,
          ),
      },
      options,
    );
  }

  /** Changes with every commit to the file, ours (counted) or another process's (SQLite's data_version). */
  private changeCounter(): number {
    return this.localCommits * 2 ** 26 + (this.sql.dataVersion.pluck().get() as number);
  }

  /** Commits and appends made through this connection: how well group commit is grouping. */
  commitStats(): { commits: number; appends: number } {
    return { commits: this.localCommits, appends: this.localAppends };
  }

  /** A checkpoint kept in the same file, for subscriptions and the local bus's consumer groups. */
  checkpoints(name: string): CheckpointStore {
    return {
      load: async () => (this.sql.loadCheckpoint.get(name) as { position: number } | undefined)?.position,
      save: async (position) => void this.sql.saveCheckpoint.run(name, position),
    };
  }

  async headPosition(): Promise<number> {
    return (this.sql.headPosition.pluck().get() as number | null) ?? 0;
  }

  /** Every stored event in global order, with its recorded hash: what verify reads. */
  *storedEvents(): Iterable<VerifiableEvent> {
    let after = 0;
    for (;;) {
      const rows = this.sql.stored.all(after, this.pageSize) as Array<[...Row, Buffer]>;
      for (const row of rows) {
        yield {
          position: row[0],
          stream: row[1],
          revision: row[2],
          id: bytesToUuid(row[3]),
          type: row[4],
          schemaVersion: row[5],
          recordedAt: row[6],
          data: row[7],
          metadata: row[8],
          hash: row[9],
        };
      }
      if (rows.length < this.pageSize) return;
      after = rows[rows.length - 1]![0];
    }
  }

  streamHeads(): Iterable<StreamHead> {
    return (this.sql.heads.all() as Array<{ name: string; revision: number; head: Buffer }>).map((h) => ({
      stream: h.name,
      revision: h.revision,
      hash: h.head,
    }));
  }

  /**
   * The stored form as of now (verify, digests): when its events are first read, a read-only connection of its own
   * opens a read transaction and reads the heads, then the events, so that appends committed meanwhile (by this store
   * or any other process) are part of neither; it is closed once the events are read through (or abandoned). Nothing
   * is opened until then.
   */
  storedForm(): StoredForm {
    const { name: path } = this.db;
    const pageSize = this.pageSize;
    let heads: StreamHead[] | undefined;
    const events = function* (): Iterable<VerifiableEvent> {
      const reader = new SqliteEventStore({ path, readonly: true, pageSize });
      try {
        reader.db.exec('BEGIN');
        heads = [...reader.streamHeads()];
        yield* reader.storedEvents();
      } finally {
        reader.db.close();
      }
    };
    const headsRead = function* (): Iterable<StreamHead> {
      if (heads === undefined) throw new Error("a stored form's heads are read after its events");
      yield* heads;
    };
    return { events: events(), heads: headsRead(), gapFreePositions: true };
  }

  /** SQLite's own check of the file's structure; 'ok' when sound. */
  integrityCheck(): string {
    return (this.db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check).join('; ');
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.flush();
    this.db.close();
  }
}

const prepare = (db: Db) => ({
  stream: db.prepare('SELECT id, revision, head FROM streams WHERE name = ?'),
  insertStream: db.prepare('INSERT INTO streams (name, category, revision, head) VALUES (?, ?, -1, ?)'),
  updateStream: db.prepare('UPDATE streams SET revision = ?, head = ? WHERE id = ?'),
  insertEvent: db.prepare(
    'INSERT INTO events (stream_id, revision, id, type, schema_version, recorded_at, data, metadata, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  eventById: db.prepare('SELECT s.name, e.revision FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.id = ?'),
  eventAt: db.prepare(
    'SELECT e.position, e.revision, e.id FROM events e WHERE e.stream_id = (SELECT id FROM streams WHERE name = ?) AND e.revision = ?',
  ),
  readStreamForwards: db
    .prepare(
      `SELECT ${COLUMNS} FROM events e JOIN streams s ON s.id = e.stream_id
       WHERE s.name = ? AND e.revision >= ? ORDER BY e.revision LIMIT ?`,
    )
    .raw(true),
  readStreamBackwards: db
    .prepare(
      `SELECT ${COLUMNS} FROM events e JOIN streams s ON s.id = e.stream_id
       WHERE s.name = ? AND e.revision <= ? ORDER BY e.revision DESC LIMIT ?`,
    )
    .raw(true),
  readAll: db
    .prepare(`SELECT ${COLUMNS} FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.position > ? ORDER BY e.position LIMIT ?`)
    .raw(true),
  stored: db
    .prepare(`SELECT ${COLUMNS}, e.hash FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.position > ? ORDER BY e.position LIMIT ?`)
    .raw(true),
  heads: db.prepare('SELECT name, revision, head FROM streams ORDER BY id'),
  headPosition: db.prepare('SELECT max(position) FROM events'),
  dataVersion: db.prepare('PRAGMA data_version'),
  loadCheckpoint: db.prepare('SELECT position FROM checkpoints WHERE name = ?'),
  saveCheckpoint: db.prepare('INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position'),
});

/** The store's answers to a caller's mistake, as opposed to failures of the database. */
const isRefusal = (error: unknown): error is Error =>
  error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError;

const toRecorded = (row: Row): RecordedEvent => ({
  position: row[0],
  stream: row[1],
  revision: row[2],
  id: bytesToUuid(row[3]),
  type: row[4],
  schemaVersion: row[5],
  recordedAt: new Date(row[6]),
  data: JSON.parse(row[7]) as unknown,
  metadata: JSON.parse(row[8]) as EventMetadata,
});
