import type { Database } from 'better-sqlite3';

/** Bumped when the schema changes; a file written by a newer version is refused rather than misread. */
export const SCHEMA_VERSION = 1;

// Stream names live once in `streams`; events refer to them by a small integer, which keeps rows and the
// (stream, revision) index small. `position` is the rowid: assigned max+1 under the write lock, so the
// global log is gap-free and in commit order. STRICT tables refuse values of the wrong type.
const DDL = `
CREATE TABLE streams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  category TEXT NOT NULL,
  revision INTEGER NOT NULL,
  head BLOB NOT NULL
) STRICT;
CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  stream_id INTEGER NOT NULL REFERENCES streams (id),
  revision INTEGER NOT NULL,
  id BLOB NOT NULL UNIQUE,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  hash BLOB NOT NULL,
  UNIQUE (stream_id, revision)
) STRICT;
CREATE TABLE checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT;
`;

/** Creates the schema in an empty file, accepts the current one, refuses anything else. */
export const ensureSchema = (db: Database): void => {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return;
    if (version !== 0) {
      throw new Error(`event store schema version ${version} is not supported (this build reads ${SCHEMA_VERSION})`);
    }
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number };
    if (tables.n !== 0) throw new Error('the file holds tables that are not an event store');
    db.exec(DDL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};
