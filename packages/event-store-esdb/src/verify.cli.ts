// Usage: pnpm verify:esdb <connection string> [--digest <kept digest> --public-key <kept public key>]
// Read-only: every chain of the ledger on an EventStoreDB server as of now, or the ledger against a digest an
// auditor kept (the reporting service signs them on this engine too). Exits 0 when it verifies (and is unchanged since the kept digest), 1 otherwise (also when the server
// cannot be reached after a few tries), 2 on bad arguments.
import { verifyMain } from '@asn/event-store';
import { connectEsdb } from './client';
import { openEsdbEventStore } from './esdbEventStore';

/** Reads retried after a dropped connection before the command gives up. */
const MAX_RETRIES = 5;

verifyMain('EventStoreDB connection string', (connectionString) => {
  let retries = 0;
  const store = openEsdbEventStore({
    client: connectEsdb(connectionString),
    onRetry: (error, delayMs) => {
      process.stderr.write(`verify: ${(error as Error).message}; trying again in ${delayMs} ms\n`);
      // Closing aborts the read: the command then fails instead of waiting for the server forever.
      if (++retries >= MAX_RETRIES) void store.close();
    },
  });
  return { storedForm: () => store.storedForm(), close: () => store.close() };
});
