import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_RETENTION_MS,
  type ClaimOutcome,
  type IdempotencyStore,
  type IdempotencyTimings,
  type StoredResponse,
} from './store';

export interface SqliteIdempotencyStoreOptions extends IdempotencyTimings {
  /** A database file path (opened in WAL mode with durable commits), or an open handle to share. */
  readonly database: string | Database.Database;
  readonly table?: string;
  /**
   * How long a claim waits for another connection's write lock before failing with SQLITE_BUSY. Set on
   * the handle in use, shared or not, since other processes write to the same file. Default 5000 ms.
   */
  readonly busyTimeoutMs?: number;
  /**
   * `FULL` (default) fsyncs every claim and response. `NORMAL` survives a crash of the process but may lose
   * the last records on power loss: enough when the handlers derive their ids from the key (`idempotencyKey`
   * of the route context), because a retry that runs again then writes nothing new in the event store.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

interface Row {
  fingerprint: string;
  token: string;
  state: 'in_flight' | 'done';
  response: string | null;
  expires_at: number;
}

/** Closable, because a store that opened its own file must release it on shutdown. */
export interface SqliteIdempotencyStore extends IdempotencyStore {
  close(): void;
}

const PURGE_EVERY_MS = 60_000;

/**
 * A durable {@link IdempotencyStore} in one table of a SQLite file: records survive a restart, claims
 * are atomic across processes (IMMEDIATE transactions), stale claims and old responses expire.
 */
export const createSqliteIdempotencyStore = ({
  database,
  table = 'idempotency_keys',
  leaseMs = DEFAULT_LEASE_MS,
  retentionMs = DEFAULT_RETENTION_MS,
  busyTimeoutMs = 5000,
  synchronous = 'FULL',
}: SqliteIdempotencyStoreOptions): SqliteIdempotencyStore => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table)) throw new Error(`invalid table name: ${table}`);
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new Error(`invalid busy timeout: ${busyTimeoutMs}`);
  const ownsDb = typeof database === 'string';
  const db = typeof database === 'string' ? new Database(database) : database;
  if (ownsDb) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  }
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    token TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    response TEXT,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);`);

  const select = db.prepare<[string, string], Row>(`SELECT fingerprint, token, state, response, expires_at FROM ${table} WHERE scope = ? AND key = ?`);
  const upsert = db.prepare(
    `INSERT INTO ${table} (scope, key, fingerprint, token, state, response, expires_at) VALUES (@scope, @key, @fingerprint, @token, 'in_flight', NULL, @expiresAt)
     ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, token = excluded.token, state = 'in_flight', response = NULL, expires_at = excluded.expires_at`,
  );
  const finish = db.prepare(`UPDATE ${table} SET state = 'done', response = @response, expires_at = @expiresAt WHERE scope = @scope AND key = @key AND token = @token AND state = 'in_flight'`);
  const drop = db.prepare(`DELETE FROM ${table} WHERE scope = ? AND key = ? AND token = ? AND state = 'in_flight'`);
  const purge = db.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`);
  let lastPurge = 0;

  const claim = db.transaction((scope: string, key: string, fingerprint: string, now: number): ClaimOutcome => {
    if (now - lastPurge > PURGE_EVERY_MS) {
      purge.run(now);
      lastPurge = now;
    }
    const row = select.get(scope, key);
    if (row && row.expires_at > now) {
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.state === 'in_flight' || row.response === null) return { kind: 'in-flight' };
      return { kind: 'replay', response: JSON.parse(row.response) as StoredResponse };
    }
    const token = randomUUID();
    upsert.run({ scope, key, fingerprint, token, expiresAt: now + leaseMs });
    return { kind: 'claimed', token };
  });

  return {
    claim: async ({ scope, key }, fingerprint, now) => claim.immediate(scope, key, fingerprint, now.getTime()),
    complete: async ({ scope, key }, token, response, now) => {
      finish.run({ scope, key, token, response: JSON.stringify(response), expiresAt: now.getTime() + retentionMs });
    },
    release: async ({ scope, key }, token) => {
      drop.run(scope, key, token);
    },
    close: () => {
      if (ownsDb) db.close();
    },
  };
};
