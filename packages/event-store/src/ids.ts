import { createHash, randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = 0;
let sequence = 0;

/**
 * A new event or aggregate id: UUIDv7 (RFC 9562), a millisecond timestamp followed by randomness, so ids
 * minted later sort later and the store's unique index on ids grows at its end instead of everywhere.
 * Within one millisecond a 12-bit counter keeps ids of this process increasing.
 */
export const newId = (now: number = Date.now()): string => {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1; // counter wrapped: borrow the next millisecond
  } else {
    lastMs = now;
    sequence = bytes.readUInt16BE(6) & 0x3ff; // a random start leaves room to count up
  }
  const ms = lastMs;
  const out = Buffer.from(bytes);
  out.writeUIntBE(ms, 0, 6);
  out.writeUInt16BE(0x7000 | sequence, 6);
  out[8] = 0x80 | ((out[8] ?? 0) & 0x3f);
  const hex = out.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * A UUID (version 8, RFC 9562) derived from `seed` and `label` by SHA-256: the same inputs give the same id.
 * Commands derive their ids from the request's idempotency key, so a retried command writes the same event
 * ids and the store answers it with the original result instead of recording it twice.
 */
export const derivedId = (seed: string, label: string): string => {
  const bytes = createHash('sha256').update(seed).update('\n').update(label).digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
