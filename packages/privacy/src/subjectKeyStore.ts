import { SubjectErasedError } from './errors';
import { newDataKey } from './keys';

/**
 * Where each data subject's key lives. Subjects are opaque ids (employee UUIDs), not personal data. Keys come
 * out as copies: what a caller does to the buffer does not change the stored key.
 */
export interface SubjectKeyStore {
  /** The subject's data key, created (and durably stored) when absent; throws SubjectErasedError when the subject was erased. */
  keyFor(subject: string): Buffer;
  /** The key when it exists; undefined when never created or erased. */
  existingKey(subject: string): Buffer | undefined;
  /** Deletes the key for good (tombstone kept so keyFor never re-creates it); returns whether a key was deleted. Idempotent. */
  erase(subject: string): boolean;
  /** Whether the subject was erased (also when it never had a key). */
  isErased(subject: string): boolean;
  /** Releases the store; later calls fail. */
  close(): void;
}

export const assertSubject = (subject: string): void => {
  if (typeof subject !== 'string' || subject.length === 0)
    throw new TypeError('a subject id must be a non-empty string');
};

/** A key store in memory, with the same semantics as the SQLite one: for unit tests. */
export const createMemoryKeyStore = (): SubjectKeyStore => {
  const keys = new Map<string, Buffer>();
  const erased = new Set<string>();
  let closed = false;
  const open = (subject: string): void => {
    if (closed) throw new Error('the key store is closed');
    assertSubject(subject);
  };
  return {
    keyFor(subject) {
      open(subject);
      if (erased.has(subject)) throw new SubjectErasedError(subject);
      let key = keys.get(subject);
      if (key === undefined) {
        key = newDataKey();
        keys.set(subject, key);
      }
      return Buffer.from(key);
    },
    existingKey(subject) {
      open(subject);
      const key = keys.get(subject);
      return key === undefined ? undefined : Buffer.from(key);
    },
    erase(subject) {
      open(subject);
      const key = keys.get(subject);
      key?.fill(0);
      keys.delete(subject);
      erased.add(subject);
      return key !== undefined;
    },
    isErased(subject) {
      open(subject);
      return erased.has(subject);
    },
    close() {
      closed = true;
      for (const key of keys.values()) key.fill(0);
      keys.clear();
    },
  };
};
