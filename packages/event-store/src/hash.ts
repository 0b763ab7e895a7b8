import { createHash } from 'node:crypto';

/** The bytes of one event as stored, which its hash covers. `data` and `metadata` are the stored JSON text. */
export interface StoredEvent {
  stream: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  /** Milliseconds since the epoch. */
  recordedAt: number;
  data: string;
  metadata: string;
}

/** Hash of the first event's predecessor: 32 zero bytes. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/**
 * SHA-256 over the previous event's hash and this event's stored fields. Every field is length-prefixed,
 * so no two different events share an input; the stored JSON text (ciphertext where a field is encrypted)
 * is hashed as it is, so verifying never needs a key.
 */
export const eventHash = (previous: Buffer, event: StoredEvent): Buffer => {
  const hash = createHash('sha256').update(previous);
  for (const field of [
    event.stream,
    String(event.revision),
    event.id,
    event.type,
    String(event.schemaVersion),
    String(event.recordedAt),
    event.data,
    event.metadata,
  ]) {
    hash.update(`${Buffer.byteLength(field)}:`).update(field);
  }
  return hash.digest();
};
