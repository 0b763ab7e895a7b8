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
  // One header with every short field and both bodies' byte lengths, then the bodies: three updates instead
  // of one per field, with the same guarantee that no two different events hash the same input.
  const fields = [
    event.stream,
    String(event.revision),
    event.id,
    event.type,
    String(event.schemaVersion),
    String(event.recordedAt),
  ];
  let header = '';
  for (const field of fields) header += `${Buffer.byteLength(field)}:${field}`;
  header += `${Buffer.byteLength(event.data)}:${Buffer.byteLength(event.metadata)}:`;
  return createHash('sha256').update(previous).update(header).update(event.data).update(event.metadata).digest();
};
