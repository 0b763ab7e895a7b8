// Usage: pnpm verify <database file> [--digest <kept digest> --public-key <kept public key>]
// Read-only: the file's structure, then every chain as of now (or the store against a digest an auditor kept).
// Exits 0 when it verifies (and is unchanged since the kept digest), 1 otherwise, 2 on bad arguments.
import { verifyCommand } from '@asn/event-store';
import { SqliteEventStore } from './sqliteEventStore';

verifyCommand(process.argv.slice(2), 'database file', (path) => {
  const store = new SqliteEventStore({ path, readonly: true });
  return { storedForm: () => store.storedForm(), integrity: () => store.integrityCheck(), close: () => store.close() };
}).then(
  ({ code, out, err }) => {
    process.stdout.write(out);
    process.stderr.write(err);
    process.exit(code);
  },
  (error: unknown) => {
    process.stdout.write(`FAILED: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
