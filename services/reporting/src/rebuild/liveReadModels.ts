import { existsSync, renameSync } from 'node:fs';
import type { Bus, Consumer } from '@asn/bus';
import type { EventStore } from '@asn/event-store';
import { project } from '@asn/runtime';
import Database from 'better-sqlite3';
import type { Logger } from '@asn/service-kit';
import { openReadModels as openWith, REPORTED_TOPICS, reportedRegistry, type ReadModelOptions, type ReadModels } from '../readModels';
import { compareReadModels, type Comparison } from './compare';
import { removeDatabase, replayInto, type ReplayProgress, type SkippedEvent } from './replay';

/**
 * The version of the read models' tables. A file of another version (or one whose first build did not
 * finish: version 0) is built again from the store at start. Raise it whenever a read model changes.
 */
export const READ_MODEL_VERSION = 2;

export interface RebuildStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  /** Why the last rebuild ran: `start` (no usable read model at start) or `request`. */
  reason?: 'start' | 'request';
  requestedBy?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Events replayed, the position reached and the store's head when the rebuild began. */
  events: number;
  position: number;
  head: number;
  /** Of the head reached, 0-100. */
  percent: number;
  eventsPerSecond?: number;
  skippedCount: number;
  skipped: SkippedEvent[];
  error?: string;
}

export interface LiveReadModels {
  /** The read models the routes read now (another object after a rebuild is swapped in). */
  current(): ReadModels;
  /** Resolves once the read models hold everything that was on the topics at start. */
  readonly caughtUp: Promise<void>;
  /** Starts a rebuild in the background; false when a rebuild or a comparison is running. */
  rebuild(requestedBy: string): boolean;
  /** Whether a rebuild or a comparison is running (one at a time). */
  busy(): boolean;
  status(): RebuildStatus;
  /** Resolves when the rebuild running now (if any) has finished, with its status. */
  settled(): Promise<RebuildStatus>;
  /** Replays everything (or one stream) into fresh read models and compares them with the live ones, row by row (P10). */
  compare(stream?: string): Promise<Comparison>;
  stop(): Promise<void>;
}

export interface LiveReadModelOptions {
  /** DATA_DIR/reporting.readmodel.db */
  path: string;
  /** The event store the topics are published from: a rebuild reads it from position 0. */
  store: Pick<EventStore, 'readAll' | 'headPosition'>;
  bus: Bus;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The consumer group (default `reporting`). */
  group?: string;
  now?: () => Date;
  /** How the read models open on a database (their settings: the feedback rules). */
  readModelOptions?: ReadModelOptions;
}

const openDatabase = (path: string): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
};

const versionOf = (db: Database.Database): number => db.pragma('user_version', { simple: true }) as number;

/**
 * The reporting service's read models, live: fed by the bus, rebuilt without downtime. A rebuild replays the
 * store from position 0 into a new file beside the live one while the live one keeps serving and
 * consuming; when it has caught up, the live consumer stops, the new file replays the few events since, is
 * renamed over the live file and the consumer continues on it from the group's checkpoint (the inbox skips
 * what the replay applied). Reads never see a half-built model.
 */
export const openLiveReadModels = async (options: LiveReadModelOptions): Promise<LiveReadModels> => {
  const group = options.group ?? 'reporting';
  const now = options.now ?? (() => new Date());
  const { logger, store, bus, path } = options;
  const next = `${path}.rebuild`;
  const openReadModels = (on: Database.Database): ReadModels => openWith(on, options.readModelOptions);

  let status: RebuildStatus = { state: 'idle', events: 0, position: 0, head: 0, percent: 0, skippedCount: 0, skipped: [] };
  let running: Promise<RebuildStatus> | undefined;
  let comparing: Promise<Comparison> | undefined;
  let stopped = false;

  const progress = (reason: RebuildStatus['reason'], requestedBy: string | undefined, startedMs: number) => (p: ReplayProgress) => {
    const seconds = (performance.now() - startedMs) / 1000;
    status = {
      ...status,
      state: 'running',
      ...(reason ? { reason } : {}),
      ...(requestedBy ? { requestedBy } : {}),
      events: p.events,
      position: p.position,
      head: p.head,
      percent: p.head === 0 ? 100 : Math.min(100, Math.floor((p.position / p.head) * 1000) / 10),
      ...(seconds > 0 ? { eventsPerSecond: Math.round(p.events / seconds) } : {}),
    };
  };

  /** Builds a read-model file from position 0 (the caller swaps it in). */
  const build = async (target: string, reason: 'start' | 'request', requestedBy?: string): Promise<{ position: number }> => {
    removeDatabase(target);
    const startedMs = performance.now();
    status = { state: 'running', reason, ...(requestedBy ? { requestedBy } : {}), startedAt: now().toISOString(), events: 0, position: 0, head: 0, percent: 0, skippedCount: 0, skipped: [] };
    const db = openDatabase(target);
    try {
      // Disposable until it is complete: no durable commit per batch.
      db.pragma('synchronous = OFF');
      const result = await replayInto({ store, db, readModels: openReadModels(db), group, onProgress: progress(reason, requestedBy, startedMs) });
      status = { ...status, skippedCount: result.skippedCount, skipped: result.skipped };
      for (const s of result.skipped) logger.warn({ position: s.position, stream: s.stream, revision: s.revision, type: s.type, reason: s.reason }, 'rebuild: event not applied (the consumer would dead-letter it)');
      return { position: result.position };
    } finally {
      db.close();
    }
  };

  /** Brings a built file up to the store's head and marks it complete. */
  const finish = async (target: string, after: number): Promise<void> => {
    const db = openDatabase(target);
    try {
      db.pragma('synchronous = OFF');
      const tail = await replayInto({ store, db, readModels: openReadModels(db), group, after });
      status = { ...status, events: status.events + tail.events, position: tail.position, head: tail.position, percent: 100, skippedCount: status.skippedCount + tail.skippedCount, skipped: [...status.skipped, ...tail.skipped] };
      db.pragma(`user_version = ${READ_MODEL_VERSION}`);
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  };

  // At start: a file of this version is used as it is; anything else is built again first.
  if (existsSync(path)) {
    const probe = openDatabase(path);
    const version = versionOf(probe);
    probe.close();
    if (version !== READ_MODEL_VERSION) {
      logger.warn({ found: version, expected: READ_MODEL_VERSION }, 'reporting read models are of another version (or an unfinished build): building them again from the store');
      removeDatabase(path);
    }
  }
  const initial = !existsSync(path);
  let db: Database.Database;
  let readModels: ReadModels;
  let consumer: Consumer | undefined;

  const subscribe = async (): Promise<Consumer> =>
    project({ bus, group, topics: REPORTED_TOPICS, registry: reportedRegistry, db, apply: (event) => readModels.apply(event) });

  const caughtUp = (async () => {
    if (initial) {
      const startedMs = performance.now();
      const { position } = await build(next, 'start');
      await finish(next, position);
      renameSync(next, path);
      status = { ...status, state: 'done', finishedAt: now().toISOString(), eventsPerSecond: Math.round(status.events / ((performance.now() - startedMs) / 1000 || 1)) };
      logger.info({ events: status.events, eventsPerSecond: status.eventsPerSecond }, 'reporting read models built from the store');
    }
    db = openDatabase(path);
    readModels = openReadModels(db);
    if (stopped) return;
    consumer = await subscribe();
    await consumer.caughtUp;
  })();
  // A first build that fails (an unreadable store) leaves the service up and not ready, saying why, rather than
  // ending the process with an unhandled rejection; readiness and the rebuild status show it.
  caughtUp.catch((error: unknown) => {
    status = { ...status, state: 'failed', finishedAt: now().toISOString(), error: error instanceof Error ? error.message : String(error) };
    logger.error({ err: error }, 'reporting read models could not be built: not ready');
  });
  // Routes may read before the first build is done: they see an empty model in the meantime (readiness says not ready).
  const empty = new Database(':memory:');
  const emptyModels = openReadModels(empty);

  const rebuild = async (requestedBy: string): Promise<RebuildStatus> => {
    const startedMs = performance.now();
    try {
      // After the first build (a rebuild is also how a failed one is recovered from).
      await caughtUp.catch(() => undefined);
      const { position } = await build(next, 'request', requestedBy);
      // Swap: the live consumer stops after the event in hand, the new file takes the events since, then replaces the live one.
      await consumer?.stop();
      consumer = undefined;
      await finish(next, position);
      if (db?.open) db.close();
      removeDatabase(path);
      renameSync(next, path);
      db = openDatabase(path);
      readModels = openReadModels(db);
      status = { ...status, state: 'done', finishedAt: now().toISOString(), eventsPerSecond: Math.round(status.events / ((performance.now() - startedMs) / 1000)) };
      logger.info({ events: status.events, eventsPerSecond: status.eventsPerSecond, requestedBy }, 'reporting read models rebuilt and swapped in');
    } catch (error) {
      status = { ...status, state: 'failed', finishedAt: now().toISOString(), error: error instanceof Error ? error.message : String(error) };
      logger.error({ err: error }, 'reporting read-model rebuild failed: the live read models stay in place');
      removeDatabase(next);
      if (!db?.open && existsSync(path)) {
        db = openDatabase(path);
        readModels = openReadModels(db);
      }
    } finally {
      if (!consumer && !stopped && db?.open) consumer = await subscribe();
    }
    return status;
  };

  return {
    current: () => (db?.open ? readModels : emptyModels),
    caughtUp,
    busy: () => running !== undefined || comparing !== undefined,
    rebuild: (requestedBy) => {
      if (running || comparing) return false;
      status = { state: 'running', reason: 'request', requestedBy, startedAt: now().toISOString(), events: 0, position: 0, head: 0, percent: 0, skippedCount: 0, skipped: [] };
      running = rebuild(requestedBy).finally(() => {
        running = undefined;
      });
      return true;
    },
    status: () => status,
    settled: () => running ?? Promise.resolve(status),
    compare: (stream) => {
      if (running || comparing) return Promise.reject(new Error('a rebuild or another comparison is running'));
      comparing = (async () => {
        await caughtUp;
        // The live model must hold still while it is compared: its consumer waits (reads go on).
        await consumer?.stop();
        consumer = undefined;
        try {
          readModels.settle();
          return await compareReadModels({ live: db, store, group, tables: readModels.tables, now, open: openReadModels, ...(stream ? { stream } : {}) });
        } finally {
          if (!stopped) consumer = await subscribe();
        }
      })().finally(() => {
        comparing = undefined;
      });
      return comparing;
    },
    stop: async () => {
      stopped = true;
      await caughtUp.catch(() => undefined);
      await running?.catch(() => undefined);
      await comparing?.catch(() => undefined);
      await consumer?.stop();
      if (db?.open) db.close();
      empty.close();
    },
  };
};
