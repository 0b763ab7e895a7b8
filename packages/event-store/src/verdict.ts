import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkAgainstDigest, publicKeyFromPem, type DigestCheck } from './digest';
import { verifyStore, type VerifiableStore, type VerifyReport } from './verify';

/** The one line `./ledger verify` prints, and its exit code: 0 verified (and unchanged since the kept digest, when one was given), 1 not. */
export interface Verdict {
  code: 0 | 1;
  line: string;
}

/** The chain check of a whole store; `integrity` is the engine's own check of its files (SQLite's quick_check), when it has one. */
export const verifyVerdict = (report: VerifyReport, integrity?: string): Verdict => {
  if (report.ok) return { code: 0, line: `verified: ${report.events} events in ${report.streams} streams${integrity === undefined ? '' : `, file integrity ${integrity}`}` };
  const p = report.problem;
  if (!p) return { code: 1, line: `FAILED: file integrity: ${integrity ?? 'unknown'}` };
  const where = [p.stream && `stream ${p.stream}`, p.revision !== undefined && `revision ${p.revision}`, p.position !== undefined && `position ${p.position}`].filter(Boolean).join(', ');
  return { code: 1, line: `FAILED: ${p.kind} at ${where}: ${p.message} (${report.events} events verified before it)` };
};

/** The check of a store against a digest an auditor kept (`signed` as read from their file). */
export const digestVerdict = (check: DigestCheck, signed: unknown): Verdict => {
  if (check.ok) {
    const digest = (signed as { digest: { position: number; events: number } }).digest;
    return { code: 0, line: `verified: ${check.store.events} events in ${check.store.streams} streams; unchanged since the digest (${digest.events} events up to position ${digest.position})` };
  }
  const p = check.problem;
  return { code: 1, line: `FAILED: ${p?.kind ?? 'unknown'}${p?.stream ? ` at stream ${p.stream}` : ''}: ${p?.message ?? ''}` };
};

/** A store opened for `verify`: the engine's own check of the whole store, and of the store against a kept digest. */
export interface VerifyTarget {
  /** Every chain as of now; `integrity` is the engine's check of its files (SQLite's quick_check), when it has one. */
  verify: () => Promise<VerifyReport & { integrity?: string }>;
  check: (signed: unknown, publicKey: KeyObject) => Promise<DigestCheck>;
  close: () => Promise<void>;
}

/** A store of an engine that has nothing of its own to check besides its stored form (EventStoreDB). */
export const storeVerifyTarget = (store: VerifiableStore & { close: () => Promise<void> }): VerifyTarget => ({
  verify: () => verifyStore(store),
  check: (signed, publicKey) => checkAgainstDigest(store.storedForm(), signed, publicKey),
  close: () => store.close(),
});

/**
 * The `verify` command of either engine: `<store> [--digest <kept digest> --public-key <kept public key>]`, where
 * `<store>` is what `open` takes (a file, a connection string). Read-only. Exit 0 verified (and unchanged since the
 * kept digest), 1 not (or the store could not be read), 2 bad arguments.
 */
export const verifyCommand = async (argv: readonly string[], what: string, open: (store: string) => VerifyTarget): Promise<{ code: 0 | 1 | 2; out: string; err: string }> => {
  const usage = { code: 2 as const, out: '', err: `usage: verify <${what}> [--digest <kept digest> --public-key <kept public key>]\n` };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { digest: { type: 'string' }, 'public-key': { type: 'string' } } });
  } catch {
    return usage;
  }
  const { values, positionals } = parsed;
  const store = positionals[0];
  if (!store || positionals.length > 1 || (values.digest === undefined) !== (values['public-key'] === undefined)) return usage;
  const say = (verdict: Verdict) => ({ code: verdict.code, out: `${verdict.line}\n`, err: '' });
  let kept: { signed: unknown; publicKey: KeyObject } | undefined;
  if (values.digest !== undefined && values['public-key'] !== undefined) {
    try {
      kept = { signed: JSON.parse(readFileSync(values.digest, 'utf8')) as unknown, publicKey: publicKeyFromPem(readFileSync(values['public-key'], 'utf8')) };
    } catch (error) {
      return say({ code: 1, line: `FAILED: cannot read the digest or its public key: ${(error as Error).message}` });
    }
  }
  let target: VerifyTarget;
  try {
    target = open(store);
  } catch (error) {
    return say({ code: 1, line: `FAILED: ${(error as Error).message}` });
  }
  try {
    if (kept) return say(digestVerdict(await target.check(kept.signed, kept.publicKey), kept.signed));
    const report = await target.verify();
    return say(verifyVerdict(report, report.integrity));
  } catch (error) {
    return say({ code: 1, line: `FAILED: ${(error as Error).message}` });
  } finally {
    await target.close();
  }
};

/** Runs `verifyCommand` as a process's main: its arguments, its output, its exit code. */
export const verifyMain = (what: string, open: (store: string) => VerifyTarget): void => {
  verifyCommand(process.argv.slice(2), what, open).then(
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
};
