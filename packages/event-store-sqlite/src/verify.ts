import { verifyStore, type VerifyReport } from '@asn/event-store';
import { SqliteEventStore } from './sqliteEventStore';

export interface SqliteVerifyReport extends VerifyReport {
  /** SQLite's quick_check of the file: 'ok' when its structure is sound. */
  integrity: string;
}

/**
 * Checks a store file without writing to it: the file's structure, then every hash chain, revision,
 * position and stream head, as of the moment it starts (a service may be appending meanwhile). The first bad
 * place is named in `problem`.
 */
export const verifySqliteFile = async (path: string): Promise<SqliteVerifyReport> => {
  const store = new SqliteEventStore({ path, readonly: true });
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') return { ok: false, events: 0, streams: 0, integrity };
    const report = await verifyStore(store);
    return { ...report, integrity };
  } finally {
    await store.close();
  }
};
