import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDigest, type DigestKey, type SignedDigest, type VerifiableStore } from '@asn/event-store';
import type { Logger } from '@asn/service-kit';

export interface DigestSummary {
  digestId: string;
  createdAt: string;
  position: number;
  events: number;
  streams: number;
  root: string;
  keyId: string;
}

export interface Digests {
  /** Signs a digest of the store now and keeps it. */
  make(): Promise<{ digestId: string; signed: SignedDigest }>;
  list(): DigestSummary[];
  /** A kept digest, as signed; undefined when there is none of that id. */
  get(digestId: string): SignedDigest | undefined;
  publicKeyPem(): string;
  stop(): Promise<void>;
}

/** `<UTC time to the millisecond>-<position>`, e.g. `20261129T020000123Z-16579` (to the second in the first files). */
export const DIGEST_ID = /^[0-9]{8}T[0-9]{6}(?:[0-9]{3})?Z-[0-9]+$/;

/**
 * Signed digests of the event store (either engine: its stored form as of the moment the digest starts), kept in
 * `dir` as `<UTC time>-<position>.json`: on demand and every `intervalMs` (0: on demand only). The files are for auditors to copy out; the check that counts is
 * the one against a copy they keep, with the public key they keep. Each file is the signed digest as compact
 * JSON, written whole (renamed into place), so that the export of a digest is byte for byte the kept file.
 */
export const startDigests = (options: { store: VerifiableStore; key: DigestKey; dir: string; intervalMs: number; logger: Logger; now: () => Date }): Digests => {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const make = async () => {
    const signed = await makeDigest(options.store.storedForm(), options.key.privateKey, { now: options.now() });
    // To the millisecond: two digests in one second (a scheduled one and one on demand) must not share a file.
    const stamp = signed.digest.createdAt.replace(/[-:.]/g, '');
    const digestId = `${stamp}-${signed.digest.position}`;
    const file = join(options.dir, `${digestId}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(signed));
    renameSync(`${file}.tmp`, file);
    options.logger.info({ digestId, position: signed.digest.position, streams: signed.digest.heads.length, keyId: signed.keyId }, 'store digest signed');
    return { digestId, signed };
  };
  const read = (digestId: string): SignedDigest | undefined => {
    if (!DIGEST_ID.test(digestId)) return undefined;
    try {
      return JSON.parse(readFileSync(join(options.dir, `${digestId}.json`), 'utf8')) as SignedDigest;
    } catch {
      return undefined;
    }
  };
  // A digest is as large as the store has streams, and a year of daily ones is hundreds: a listing parses each
  // file once, not at every request (again when the file changed).
  const summaries = new Map<string, { stamp: string; summary: DigestSummary }>();
  const summaryOf = (digestId: string): DigestSummary | undefined => {
    let stamp: string;
    try {
      const stat = statSync(join(options.dir, `${digestId}.json`));
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
    const cached = summaries.get(digestId);
    if (cached?.stamp === stamp) return cached.summary;
    const signed = read(digestId);
    if (!signed) return undefined;
    const summary = { digestId, createdAt: signed.digest.createdAt, position: signed.digest.position, events: signed.digest.events, streams: signed.digest.heads.length, root: signed.digest.root, keyId: signed.keyId };
    summaries.set(digestId, { stamp, summary });
    return summary;
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped || options.intervalMs === 0) return;
    timer = setTimeout(() => {
      running = make()
        .catch((error: unknown) => options.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'the scheduled store digest failed'))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    make,
    list: () =>
      readdirSync(options.dir)
        .filter((f) => f.endsWith('.json') && DIGEST_ID.test(f.slice(0, -5)))
        .flatMap((f) => summaryOf(f.slice(0, -5)) ?? [])
        // Newest first by what was signed, not by file name (`…Z-9` sorts after `…Z-15`).
        .sort((a, b) => (a.createdAt === b.createdAt ? b.position - a.position : a.createdAt < b.createdAt ? 1 : -1)),
    get: read,
    publicKeyPem: () => options.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
