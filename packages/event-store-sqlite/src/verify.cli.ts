// Usage: pnpm verify <database file>. Read-only; exits 0 when every chain verifies, 1 otherwise.
import { verifySqliteFile } from './verify';

const main = async (): Promise<number> => {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write('usage: verify <database file>\n');
    return 2;
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
