import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignedDigest } from '@asn/event-store';
import { digestSqliteFile, type DigestKey } from '@asn/event-store-sqlite';
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

const DIGEST_ID = /^[0-9]{8}T[0-9]{6}Z-[0-9]+$/;

/**
 * Signed digests of the event store file (SQLite), kept in `dir` as `<UTC time>-<position>.json`: on demand
 * and every `intervalMs` (0: on demand only). The files are for auditors to copy out; the check that counts is
 * the one against a copy they keep, with the public key they keep.
 */
export const startDigests = (options: { storePath: string; key: DigestKey; dir: string; intervalMs: number; logger: Logger; now: () => Date }): Digests => {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const make = async () => {
    const signed = await digestSqliteFile(options.storePath, options.key.privateKey, options.now());
    const stamp = signed.digest.createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const digestId = `${stamp}-${signed.digest.position}`;
    writeFileSync(join(options.dir, `${digestId}.json`), `${JSON.stringify(signed, null, 2)}\n`);
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
        .sort()
        .reverse()
        .flatMap((f) => {
          const digestId = f.slice(0, -5);
          const signed = read(digestId);
          return signed
            ? [{ digestId, createdAt: signed.digest.createdAt, position: signed.digest.position, events: signed.digest.events, streams: signed.digest.heads.length, root: signed.digest.root, keyId: signed.keyId }]
            : [];
        }),
    get: read,
    publicKeyPem: () => options.key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
