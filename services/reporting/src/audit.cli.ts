// `./ledger audit`: the auditor's answers from a store file or an EventStoreDB server (see auditCommand.ts).
import { openEsdbForCommand } from '@asn/event-store-esdb';
import { auditCommand } from './auditCommand';

auditCommand(
  process.argv.slice(2),
  { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), errIsTty: process.stderr.isTTY },
  { esdb: (connectionString) => openEsdbForCommand(connectionString, 'audit') },
).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
