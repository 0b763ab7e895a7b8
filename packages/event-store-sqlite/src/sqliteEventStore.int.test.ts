import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreConformance } from '@asn/event-store/conformance';
import { openSqliteEventStore } from './sqliteEventStore';

describeEventStoreConformance(
  'SQLite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asn-store-'));
    return { store: openSqliteEventStore({ path: join(dir, 'events.db'), pollMs: 20 }), dispose: async () => rmSync(dir, { recursive: true }) };
  },
  { gapFreePositions: true, boundedMemory: true },
);
