import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { verifyEvents, type StoredForm, type VerifyReport } from './verify';

/**
 * A digest of every stream head of a store as of one global position: what an auditor keeps outside the
 * system. A later store whose events up to that position hash to other heads was altered, even by someone who
 * rewrote a stream's whole chain and its recorded head (which the chain check alone cannot see).
 */
export interface HeadsDigest {
  format: 'asn-heads-digest/v1';
  /** When it was made (informative; the position is what counts). */
  createdAt: string;
  /** The global position it covers: every event at or before it. */
  position: number;
  events: number;
  /** Every stream with an event at or before `position`, by name: its last revision and that event's hash (hex). */
  heads: { stream: string; revision: number; hash: string }[];
  /** SHA-256 (hex) over the heads, length-prefixed in order. */
  root: string;
}

/** A digest with its Ed25519 signature; `keyId` names the key (SHA-256 of its public key, 16 hex). */
export interface SignedDigest {
  digest: HeadsDigest;
  keyId: string;
  /** Ed25519 over the canonical JSON of `digest`, base64url. */
  signature: string;
}

/** A digest was asked of a store that does not verify (or whose file is damaged): none is made. */
export class StoreDoesNotVerifyError extends Error {
  override readonly name = 'StoreDoesNotVerifyError';
}

const rootOf = (heads: readonly { stream: string; revision: number; hash: string }[]): string => {
  const hash = createHash('sha256').update('asn-heads-digest/v1\n');
  for (const head of heads) {
    const line = `${head.stream}\n${head.revision}\n${head.hash}`;
    hash.update(`${Buffer.byteLength(line)}:${line}`);
  }
  return hash.digest('hex');
};

/** The digest's bytes that are signed: its fields in a fixed order (no JSON key-order ambiguity). */
const canonical = (digest: HeadsDigest): Buffer =>
  Buffer.from(JSON.stringify([digest.format, digest.createdAt, digest.position, digest.events, digest.heads.map((h) => [h.stream, h.revision, h.hash]), digest.root]), 'utf8');

export const keyIdOf = (publicKey: KeyObject): string => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);

/** The heads as of `position` (default: everything) from the events in global order, with the chain check of all of them. */
export const headsAt = async (
  form: StoredForm,
  position = Number.POSITIVE_INFINITY,
): Promise<{ report: VerifyReport; position: number; events: number; heads: Map<string, { revision: number; hash: string }> }> => {
  const taken = new Map<string, { revision: number; hash: string }>();
  let last = 0;
  let count = 0;
  // The recorded hashes are taken as the events pass; verifyEvents fails the report if any of them is wrong.
  let seen = 0;
  async function* tap() {
    for await (const event of form.events) {
      // A large store takes seconds to hash: let the process serve requests in between.
      if (++seen % 5_000 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (event.position <= position) {
        taken.set(event.stream, { revision: event.revision, hash: event.hash.toString('hex') });
        last = event.position;
        count += 1;
      }
      yield event;
    }
  }
  const report = await verifyEvents(tap(), form.heads, { gapFreePositions: form.gapFreePositions });
  return { report, position: last, events: count, heads: taken };
};

const sortedHeads = (heads: Map<string, { revision: number; hash: string }>) =>
  [...heads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([stream, head]) => ({ stream, ...head }));

/**
 * Signs the digest of a store's heads as of its stored form (`store.storedForm()`: appends made while it is read
 * are left for the next digest). @throws StoreDoesNotVerifyError when the store does not verify: an altered store
 * gets no digest.
 */
export const makeDigest = async (form: StoredForm, privateKey: KeyObject, options: { now?: Date } = {}): Promise<SignedDigest> => {
  const now = options.now ?? new Date();
  const at = await headsAt(form);
  if (!at.report.ok) throw new StoreDoesNotVerifyError(`the store does not verify (${at.report.problem?.kind ?? 'unknown'}: ${at.report.problem?.message ?? ''}); no digest is made of it`);
  const list = sortedHeads(at.heads);
  const digest: HeadsDigest = { format: 'asn-heads-digest/v1', createdAt: now.toISOString(), position: at.position, events: at.events, heads: list, root: rootOf(list) };
  return { digest, keyId: keyIdOf(createPublicKey(privateKey)), signature: sign(null, canonical(digest), privateKey).toString('base64url') };
};

export type DigestProblemKind = 'malformed-digest' | 'wrong-key' | 'bad-signature' | 'store-does-not-verify' | 'store-behind-digest' | 'head-differs' | 'stream-missing' | 'stream-unknown-to-digest';

export interface DigestCheck {
  ok: boolean;
  /** The chain check of the whole store. */
  store: VerifyReport;
  problem?: { kind: DigestProblemKind; stream?: string; message: string };
}

const isDigest = (value: unknown): value is SignedDigest => {
  const v = value as SignedDigest | undefined;
  const d = v?.digest;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.keyId === 'string' &&
    typeof v.signature === 'string' &&
    typeof d === 'object' &&
    d !== null &&
    d.format === 'asn-heads-digest/v1' &&
    typeof d.createdAt === 'string' &&
    Number.isSafeInteger(d.position) &&
    Number.isSafeInteger(d.events) &&
    typeof d.root === 'string' &&
    Array.isArray(d.heads) &&
    d.heads.every((h) => typeof h === 'object' && h !== null && typeof h.stream === 'string' && Number.isSafeInteger(h.revision) && typeof h.hash === 'string' && /^[0-9a-f]{64}$/.test(h.hash))
  );
};

/**
 * Checks a store against a digest an auditor kept, with the public key they kept: the signature first (a digest
 * not signed by that key, or changed after signing, is refused before the store is read), then every chain of
 * the store, then that the heads as of the digest's position are exactly the digest's. Events after the position
 * are allowed (the store went on); anything else differing names the first stream where it differs.
 */
export const checkAgainstDigest = async (form: StoredForm, signed: unknown, publicKey: KeyObject): Promise<DigestCheck> => {
  const skipped: VerifyReport = { ok: false, events: 0, streams: 0 };
  if (!isDigest(signed)) return { ok: false, store: skipped, problem: { kind: 'malformed-digest', message: 'not an asn-heads-digest/v1 signed digest' } };
  if (signed.keyId !== keyIdOf(publicKey)) return { ok: false, store: skipped, problem: { kind: 'wrong-key', message: `signed with key ${signed.keyId}, not with the key given (${keyIdOf(publicKey)})` } };
  let valid = false;
  try {
    valid = verify(null, canonical(signed.digest), publicKey, Buffer.from(signed.signature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid || rootOf(signed.digest.heads) !== signed.digest.root) {
    return { ok: false, store: skipped, problem: { kind: 'bad-signature', message: 'the signature does not match the digest: forged or changed after signing' } };
  }
  const { digest } = signed;
  const at = await headsAt(form, digest.position);
  if (!at.report.ok) return { ok: false, store: at.report, problem: { kind: 'store-does-not-verify', message: at.report.problem?.message ?? 'the store does not verify' } };
  if (at.position < digest.position) {
    return { ok: false, store: at.report, problem: { kind: 'store-behind-digest', message: `the store ends at position ${at.position}, before the digest's ${digest.position}: events were removed` } };
  }
  for (const head of digest.heads) {
    const now = at.heads.get(head.stream);
    if (!now) return { ok: false, store: at.report, problem: { kind: 'stream-missing', stream: head.stream, message: `the digest has ${head.stream} at revision ${head.revision}; the store has no event of it up to position ${digest.position}` } };
    if (now.revision !== head.revision || now.hash !== head.hash) {
      return {
        ok: false,
        store: at.report,
        problem: { kind: 'head-differs', stream: head.stream, message: `as of position ${digest.position} the digest has ${head.stream} at revision ${head.revision}, the store at revision ${now.revision} with another hash${now.revision === head.revision ? '' : ' or length'}: it was rewritten` },
      };
    }
  }
  if (at.heads.size !== digest.heads.length) {
    const known = new Set(digest.heads.map((h) => h.stream));
    const extra = [...at.heads.keys()].find((s) => !known.has(s)) ?? '';
    return { ok: false, store: at.report, problem: { kind: 'stream-unknown-to-digest', stream: extra, message: `${extra} has events at or before position ${digest.position} that the digest does not know: inserted` } };
  }
  return { ok: true, store: at.report };
};

/** Reads a PEM key pair's halves. */
export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey(pem);
export const publicKeyFromPem = (pem: string): KeyObject => createPublicKey(pem);
