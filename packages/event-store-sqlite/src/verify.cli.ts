// Usage: pnpm verify <database file> [--digest <kept digest> --public-key <kept public key>]
// Read-only: the file's structure, then every chain as of now (or the store against a digest an auditor kept).
// Exits 0 when it verifies (and is unchanged since the kept digest), 1 otherwise, 2 on bad arguments.
import { verifyMain } from '@asn/event-store';
import { SqliteEventStore } from './sqliteEventStore';

verifyMain('database file', (path) => {
  const store = new SqliteEventStore({ path, readonly: true });
  return { storedForm: () => store.storedForm(), integrity: () => store.integrityCheck(), close: () => store.close() };
});
