// Usage: pnpm verify <database file> [--digest <kept digest> --public-key <kept public key>]
// Read-only: the file's structure, then every chain as of now (or the store against a digest an auditor kept).
// Exits 0 when it verifies (and is unchanged since the kept digest), 1 otherwise, 2 on bad arguments.
import { verifyMain } from '@asn/event-store';
import { checkSqliteFileAgainstDigest } from './digest';
import { verifySqliteFile } from './verify';

verifyMain('database file', (path) => ({
  verify: () => verifySqliteFile(path),
  check: (signed, publicKey) => checkSqliteFileAgainstDigest(path, signed, publicKey),
  close: async () => undefined,
}));
