// Usage: pnpm verify <database file> [--digest <kept digest> --public-key <kept public key>]
// Read-only; exits 0 when every chain verifies (and the store matches the kept digest), 1 otherwise.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { publicKeyFromPem } from '@asn/event-store';
import { checkSqliteFileAgainstDigest } from './digest';
import { verifySqliteFile } from './verify';

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { digest: { type: 'string' }, 'public-key': { type: 'string' } } });
  const path = positionals[0];
  if (!path || positionals.length > 1 || (values.digest === undefined) !== (values['public-key'] === undefined)) {
    process.stderr.write('usage: verify <database file> [--digest <kept digest> --public-key <kept public key>]\n');
    return 2;
  }
  if (values.digest !== undefined && values['public-key'] !== undefined) {
    let signed: unknown;
    try {
      signed = JSON.parse(readFileSync(values.digest, 'utf8'));
    } catch (error) {
      process.stdout.write(`FAILED: cannot read the digest ${values.digest}: ${(error as Error).message}\n`);
      return 1;
    }
    const check = await checkSqliteFileAgainstDigest(path, signed, publicKeyFromPem(readFileSync(values['public-key'], 'utf8')));
    if (check.ok) {
      const digest = (signed as { digest: { position: number; events: number } }).digest;
      process.stdout.write(`verified: ${check.store.events} events in ${check.store.streams} streams; unchanged since the digest (${digest.events} events up to position ${digest.position})\n`);
      return 0;
    }
    const p = check.problem;
    process.stdout.write(`FAILED: ${p?.kind ?? 'unknown'}${p?.stream ? ` at stream ${p.stream}` : ''}: ${p?.message ?? ''}\n`);
    return 1;
  }
  const report = await verifySqliteFile(path);
  if (report.ok) {
    process.stdout.write(`verified: ${report.events} events in ${report.streams} streams, file integrity ${report.integrity}\n`);
    return 0;
  }
  const p = report.problem;
  const where = p ? [p.stream && `stream ${p.stream}`, p.revision !== undefined && `revision ${p.revision}`, p.position !== undefined && `position ${p.position}`].filter(Boolean).join(', ') : '';
  process.stdout.write(
    p
      ? `FAILED: ${p.kind} at ${where}: ${p.message} (${report.events} events verified before it)\n`
      : `FAILED: file integrity: ${report.integrity}\n`,
  );
  return 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`FAILED: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
