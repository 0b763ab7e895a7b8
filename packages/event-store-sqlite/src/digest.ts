import type { KeyObject } from 'node:crypto';
import { checkAgainstDigest, makeDigest, StoreDoesNotVerifyError, type DigestCheck, type SignedDigest } from '@asn/event-store';
import { SqliteEventStore } from './sqliteEventStore';

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
