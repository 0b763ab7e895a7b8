import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamId, type StreamCategory } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';

/** A store in a fresh temporary file, and how to throw it away. */
export const tempStore = (): { store: SqliteEventStore; path: string; dir: string; remove: () => Promise<void> } => {
  const dir = mkdtempSync(join(tmpdir(), 'asn-bus-'));
  const path = join(dir, 'asn.db');
  const store = openSqliteEventStore({ path, pollMs: 20 });
  return {
    store,
    path,
    dir,
    remove: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const newStream = (category: StreamCategory = 'employee'): string => streamId(category, newId());

export const events = (count: number, type = 'Noted'): NewEvent[] =>
  Array.from({ length: count }, (_, n) => ({ id: newId(), type, data: { n } }));
