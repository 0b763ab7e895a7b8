import { openSqliteInbox } from '@asn/bus';
import type { EventStore } from '@asn/event-store';
import Database from 'better-sqlite3';
import { openReadModels, type ReadModels } from '../readModels';
import { removeDatabase, replayInto, type SkippedEvent } from './replay';

export interface TableComparison {
  table: string;
  /** Rows in the live table (of the stream, when one was replayed) and in the replayed one. */
  live: number | null;
  replayed: number;
  /** Rows only the live table has (null when not comparable for one stream: the table is not keyed by employee). */
  onlyLive: number | null;
  /** Rows only the replay produced. */
  onlyReplayed: number;
  /** A few of the differing rows (read models hold no personal data). */
  samples: { onlyLive: unknown[]; onlyReplayed: unknown[] };
}

export interface Comparison {
  /** True when every table replayed equals the live one. */
  equal: boolean;
  stream?: string;
  /** Events replayed, up to the live model's own cut (each stream up to the revision its inbox applied). */
  events: number;
  position: number;
  skippedCount: number;
  skipped: SkippedEvent[];
  tables: TableComparison[];
  milliseconds: number;
  comparedAt: string;
}

export interface CompareOptions {
  /** The live read-model database (its consumer stopped while comparing). */
  live: Database.Database;
  store: Pick<EventStore, 'readAll' | 'headPosition'>;
  group: string;
  tables: readonly string[];
  stream?: string;
  now?: () => Date;
  /** Opens the fresh read models (as the live ones were opened). */
  open?: (db: Database.Database) => ReadModels;
}

const SAMPLES = 3;
const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Replays the store into fresh read models (a file beside the live one, removed afterwards) up to the live
 * model's cut, each stream to the revision the live inbox applied, and compares every table row by row with
 * the live one, surrogate keys (an INTEGER PRIMARY KEY) left out: equal read models are the proof that the
 * live ones are what the events say (P10).
 */
export const compareReadModels = async (options: CompareOptions): Promise<Comparison> => {
  const started = performance.now();
  const { live, group, stream } = options;
  const applied = openSqliteInbox(live, group).revisions();
  const path = `${live.name}.compare`;
  removeDatabase(path);
  const fresh = new Database(path);
  try {
    fresh.pragma('journal_mode = WAL');
    fresh.pragma('synchronous = OFF');
    const replay = await replayInto({
      store: options.store,
      db: fresh,
      readModels: (options.open ?? openReadModels)(fresh),
      group,
      ...(stream ? { stream } : {}),
      accept: (s, revision) => revision <= (applied.get(s) ?? -1),
    });
    fresh.prepare('ATTACH DATABASE ? AS live').run(live.name);
    const employeeId = stream?.startsWith('employee-') ? stream.slice('employee-'.length) : undefined;
    const tables = options.tables.map((table): TableComparison => {
      const columns = fresh
        .prepare<[], { name: string; type: string; pk: number }>(`PRAGMA main.table_info(${quote(table)})`)
        .all()
        .filter((c) => !(c.pk === 1 && c.type.toUpperCase() === 'INTEGER'));
      const list = columns.map((c) => quote(c.name)).join(', ');
      const t = quote(table);
      const count = (sql: string, ...args: string[]) => (fresh.prepare(`SELECT count(*) AS n FROM (${sql})`).get(...args) as { n: number }).n;
      const sample = (sql: string, ...args: string[]) => fresh.prepare(`${sql} LIMIT ${SAMPLES}`).all(...args);
      const byEmployee = employeeId !== undefined && columns.some((c) => c.name === 'employee_id');
      const liveRows = stream === undefined ? `SELECT ${list} FROM live.${t}` : byEmployee ? `SELECT ${list} FROM live.${t} WHERE employee_id = ?` : undefined;
      const liveArgs = byEmployee ? [employeeId] : [];
      const replayedRows = `SELECT ${list} FROM main.${t}`;
      const onlyReplayedSql = `${replayedRows} EXCEPT SELECT ${list} FROM live.${t}`;
      const onlyLiveSql = liveRows === undefined ? undefined : `${liveRows} EXCEPT ${replayedRows}`;
      return {
        table,
        live: liveRows === undefined ? null : count(liveRows, ...liveArgs),
        replayed: count(replayedRows),
        onlyLive: onlyLiveSql === undefined ? null : count(onlyLiveSql, ...liveArgs),
        onlyReplayed: count(onlyReplayedSql),
        samples: { onlyLive: onlyLiveSql === undefined ? [] : sample(onlyLiveSql, ...liveArgs), onlyReplayed: sample(onlyReplayedSql) },
      };
    });
    return {
      equal: tables.every((t) => t.onlyReplayed === 0 && (t.onlyLive ?? 0) === 0),
      ...(stream ? { stream } : {}),
      events: replay.events,
      position: replay.position,
      skippedCount: replay.skippedCount,
      skipped: replay.skipped,
      tables,
      milliseconds: Math.round(performance.now() - started),
      comparedAt: (options.now ?? (() => new Date()))().toISOString(),
    };
  } finally {
    fresh.close();
    removeDatabase(path);
  }
};
