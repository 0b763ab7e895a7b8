import { timingSafeEqual } from 'node:crypto';
import Database, { type Database as Db } from 'better-sqlite3';
import { PrivacyIntegrityError, SubjectErasedError } from './errors';
import { assertKey, keyCheck, newDataKey, unwrapKey, wrapKey, wrappingKey, WRAPPED_BYTES } from './keys';
import { assertSubject, type SubjectKeyStore } from './subjectKeyStore';

/** Bumped when the schema changes; a file written by a newer version is refused rather than misread. */
export const KEY_STORE_SCHEMA_VERSION = 1;

// One row per subject. A live row holds the wrapped key; an erased row (the tombstone) holds only the time of
// erasure, so that INSERT OR IGNORE can never bring a key back. The key check lets a wrong master key be
// refused when the file is opened instead of when the first key fails to unwrap.
const DDL = `
CREATE TABLE subject_keys (
  subject TEXT PRIMARY KEY,
  wrapped BLOB CHECK (wrapped IS NULL OR length(wrapped) = ${WRAPPED_BYTES}),
  erased_at INTEGER,
  CHECK ((wrapped IS NULL) <> (erased_at IS NULL))
) STRICT, WITHOUT ROWID;
CREATE TABLE key_check (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  mac BLOB NOT NULL
) STRICT;
`;

export interface SqliteKeyStoreOptions {
  /** The database file; created when missing. Keep it apart from backups that outlive an erasure. */
  path: string;
  /** 32 bytes, from loadOrCreateMasterKey. */
  masterKey: Buffer;
  /** How long a write waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

const ensureSchema = (db: Db, check: Buffer): void => {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) {
      const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number };
      if (tables.n !== 0) throw new Error('the file holds tables that are not a subject key store');
      db.exec(DDL);
      db.prepare('INSERT INTO key_check (id, mac) VALUES (1, ?)').run(check);
      db.pragma(`user_version = ${KEY_STORE_SCHEMA_VERSION}`);
      return;
    }
    if (version !== KEY_STORE_SCHEMA_VERSION) {
      throw new Error(
        `key store schema version ${version} is not supported (this build reads ${KEY_STORE_SCHEMA_VERSION})`,
      );
    }
  }).immediate();
  const row = db.prepare('SELECT mac FROM key_check WHERE id = 1').get() as { mac: Buffer } | undefined;
  if (row === undefined || row.mac.length !== check.length || !timingSafeEqual(row.mac, check)) {
    throw new PrivacyIntegrityError('the key store was created with another master key');
  }
};

interface KeyRow {
  wrapped: Buffer | null;
}

/**
 * Opens (and on first use creates) the subject key store in one SQLite file. Keys are stored wrapped under a
 * key derived from the master key. Every commit is durable before the call returns (WAL, synchronous=FULL), so
 * a key exists on disk before anything sealed with it can be appended. Erasing deletes the wrapped key, then
 * rebuilds the file (VACUUM) and truncates the WAL, so that no copy of it stays in free pages, page slack or
 * the log; it throws when a reader in another process keeps the log from being truncated (the erasure itself
 * stands, and erasing again finishes the job). Several processes may share the file.
 */
export const openSqliteKeyStore = (options: SqliteKeyStoreOptions): SubjectKeyStore => {
  assertKey(options.masterKey, 'the master key');
  const kek = wrappingKey(options.masterKey);
  const db = new Database(options.path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Deleted content is overwritten with zeros; VACUUM's scratch copy stays in memory instead of a temp file.
    db.pragma('secure_delete = ON');
    db.pragma('temp_store = MEMORY');
    const journalMode = String(db.pragma('journal_mode', { simple: true }));
    const synchronous = Number(db.pragma('synchronous', { simple: true }));
    const secureDelete = Number(db.pragma('secure_delete', { simple: true }));
    // better-sqlite3 reports no error when a PRAGMA does not take; what counts is what reads back.
    if (journalMode !== 'wal' || synchronous !== 2 || secureDelete !== 1) {
      throw new Error(
        `key store settings did not take: journal_mode=${journalMode} synchronous=${synchronous} secure_delete=${secureDelete}`,
      );
    }
    ensureSchema(db, keyCheck(options.masterKey));
  } catch (error) {
    db.close();
    throw error;
  }

  const select = db.prepare<[string], KeyRow>('SELECT wrapped FROM subject_keys WHERE subject = ?');
  const insert = db.prepare<[string, Buffer]>('INSERT OR IGNORE INTO subject_keys (subject, wrapped) VALUES (?, ?)');
  const tombstone = db.prepare<[string, number]>(
    `INSERT INTO subject_keys (subject, wrapped, erased_at) VALUES (?, NULL, ?)
     ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, erased_at = coalesce(erased_at, excluded.erased_at)`,
  );
  const eraseRow = db.transaction((subject: string): boolean => {
    const before = select.get(subject);
    tombstone.run(subject, Date.now());
    return before?.wrapped != null;
  });

  // Unwrapped keys of this process. Each call still reads the row, so an erasure by another process is seen at
  // once; a key, once stored, never changes, so a cached one is right for as long as its row holds a key.
  const cache = new Map<string, Buffer>();
  const evict = (subject: string): void => {
    cache.get(subject)?.fill(0);
    cache.delete(subject);
  };
  const unwrapped = (subject: string, wrapped: Buffer): Buffer => {
    let key = cache.get(subject);
    if (key === undefined) {
      key = unwrapKey(kek, subject, wrapped);
      cache.set(subject, key);
    }
    return Buffer.from(key);
  };
  const lookUp = (subject: string): KeyRow | undefined => {
    assertSubject(subject);
    const row = select.get(subject);
    if (row?.wrapped == null) evict(subject);
    return row;
  };

  // secure_delete zeroes the cells it frees, but when SQLite rebuilds a page during a b-tree balance it can
  // leave a stale copy of a moved cell in the page's slack (seen once in 18,000 erasures of variable-length
  // subjects). VACUUM writes every page afresh; truncating the log then removes the old pages from it.
  // A reader in another process can hold the checkpoint back: then the erasure stands but the file is not
  // clean yet, and the caller hears of it (erase is idempotent: calling it again finishes the scrub).
  const scrub = (): void => {
    db.exec('VACUUM');
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (result === undefined || result.busy !== 0) {
      throw new Error(
        'the key was erased, but the log could not be truncated while another connection reads; erase again to finish',
      );
    }
  };

  return {
    keyFor(subject) {
      let row = lookUp(subject);
      if (row === undefined) {
        // Two processes may get here together: only the first insert lands, and both read back the same key.
        const key = newDataKey();
        insert.run(subject, wrapKey(kek, subject, key));
        key.fill(0);
        row = lookUp(subject);
      }
      if (row?.wrapped == null) throw new SubjectErasedError(subject);
      return unwrapped(subject, row.wrapped);
    },
    existingKey(subject) {
      const row = lookUp(subject);
      return row?.wrapped == null ? undefined : unwrapped(subject, row.wrapped);
    },
    erase(subject) {
      assertSubject(subject);
      evict(subject);
      const deleted = eraseRow.immediate(subject);
      scrub();
      return deleted;
    },
    isErased(subject) {
      const row = lookUp(subject);
      return row !== undefined && row.wrapped === null;
    },
    close() {
      for (const key of cache.values()) key.fill(0);
      cache.clear();
      db.close();
    },
  };
};
