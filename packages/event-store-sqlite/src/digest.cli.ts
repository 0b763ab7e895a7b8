// Usage: pnpm digest <database file> [--key <private key file>] [--out <file>]
// Signs a digest of every stream head of the store (read-only) with the Ed25519 key (created with its .pub
// beside it when absent) and writes it as JSON to --out or stdout. Exits 1 when the store does not verify.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateDigestKey } from '@asn/event-store';
import { digestSqliteFile } from './digest';

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { key: { type: 'string' }, out: { type: 'string' } } });
  const path = positionals[0];
  if (!path || positionals.length > 1) {
    process.stderr.write('usage: digest <database file> [--key <private key file>] [--out <file>]\n');
    return 2;
  }
  const key = loadOrCreateDigestKey(values.key ?? join(dirname(path), 'digest-signing.key'));
  if (key.created) process.stderr.write(`digest: created the signing key; give auditors its public half: ${key.publicKeyPath}\n`);
  const signed = await digestSqliteFile(path, key.privateKey);
  const json = `${JSON.stringify(signed, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json, { flag: 'wx' });
  else process.stdout.write(json);
  process.stderr.write(`digest: ${signed.digest.events} events in ${signed.digest.heads.length} streams up to position ${signed.digest.position}, root ${signed.digest.root}, key ${signed.keyId}\n`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`digest: FAILED: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
