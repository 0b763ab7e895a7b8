// Usage: pnpm verify:esdb <connection string> [--digest <kept digest> --public-key <kept public key>]
// Read-only: every chain of the ledger on an EventStoreDB server as of now, or the ledger against a digest an
// auditor kept (the reporting service signs them on this engine too). Exits 0 when it verifies (and is unchanged
// since the kept digest), 1 otherwise (also when the server cannot be reached after a few tries), 2 on bad arguments.
import { storeVerifyTarget, verifyMain } from '@asn/event-store';
import { openEsdbForCommand } from './command';

verifyMain('EventStoreDB connection string', (connectionString) => storeVerifyTarget(openEsdbForCommand(connectionString, 'verify')));
