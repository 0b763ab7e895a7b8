import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkAgainstDigest, makeDigest, privateKeyFromPem, publicKeyFromPem, StoreDoesNotVerifyError, type DigestCheck, type SignedDigest } from '@asn/event-store';
import { SqliteEventStore } from './sqliteEventStore';

/** The digest signing key: `<path>` (PKCS#8 PEM, 0600) and `<path>.pub` (SPKI PEM, for auditors to keep). */
export interface DigestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPath: string;
  created: boolean;
}

/**
 * Loads the Ed25519 digest signing key, or creates it (with its public half beside it) when absent. A private
 * key file that others can read is refused: whoever holds it can sign a digest of a forged store.
 */
export const loadOrCreateDigestKey = (path: string): DigestKey => {
  const publicKeyPath = `${path}.pub`;
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} can be read by others; chmod 600 it`);
    const privateKey = privateKeyFromPem(readFileSync(path, 'utf8'));
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 private key`);
    const publicKey = publicKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (!existsSync(publicKeyPath)) writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
    return { privateKey, publicKey, publicKeyPath, created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey, publicKeyPath, created: true };
};

/** A signed digest of every stream head of a store file, read-only; refused when the file does not verify. */
export const digestSqliteFile = async (path: string, privateKey: KeyObject, now?: Date): Promise<SignedDigest> => {
  const store = new SqliteEventStore({ path, readonly: true });
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') throw new StoreDoesNotVerifyError(`the file is damaged (${integrity}); no digest is made of it`);
    return await makeDigest(store.storedForm(), privateKey, now ? { now } : {});
  } finally {
    await store.close();
  }
};

/** Checks a store file against a kept digest with the kept public key (see `checkAgainstDigest`), read-only. */
export const checkSqliteFileAgainstDigest = async (path: string, signed: unknown, publicKey: KeyObject): Promise<DigestCheck & { integrity: string }> => {
  const store = new SqliteEventStore({ path, readonly: true });
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') return { ok: false, integrity, store: { ok: false, events: 0, streams: 0 }, problem: { kind: 'store-does-not-verify', message: `the file is damaged: ${integrity}` } };
    return { ...(await checkAgainstDigest(store.storedForm(), signed, publicKey)), integrity };
  } finally {
    await store.close();
  }
};
