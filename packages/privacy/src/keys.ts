import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { PrivacyIntegrityError } from './errors';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

// HKDF salt: fixed and public; it only separates this application's keys from any other use of the same secret.
const HKDF_SALT = Buffer.from('asn-ledger/privacy/v1', 'utf8');

export const assertKey = (key: Buffer, what: string): void => {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError(`${what} must be ${KEY_BYTES} bytes`);
};

/**
 * A 32-byte key for one purpose (e.g. `'nip-index'`), derived from the master key with HKDF-SHA256, so that
 * a key leaked or rotated for one purpose says nothing about the others.
 */
export const deriveKey = (masterKey: Buffer, label: string): Buffer => {
  assertKey(masterKey, 'the master key');
  if (label.length === 0) throw new TypeError('a derived key needs a label');
  return Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, Buffer.from(label, 'utf8'), KEY_BYTES));
};

/** HMAC-SHA256 of `value` (UTF-8) under `key`, base64url: a lookup token that reveals nothing without the key. */
export const keyedHash = (key: Buffer, value: string): string =>
  createHmac('sha256', key).update(value, 'utf8').digest('base64url');

/**
 * A UUID made from the HMAC-SHA256 of `value` under `key`: version 8 (custom), RFC 9562 variant, lowercase.
 * Stable for the same key and value, opaque without the key: fit as the id of a reservation stream for a
 * unique personal value (a NIP) without putting the value in the stream name.
 */
export const uuidFromKeyedHash = (key: Buffer, value: string): string => {
  const bytes = createHmac('sha256', key).update(value, 'utf8').digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** A fresh random data key for one subject. */
export const newDataKey = (): Buffer => randomBytes(KEY_BYTES);

const wrapAad = (subject: string): Buffer =>
  Buffer.from(JSON.stringify(['asn/privacy/subject-key/v1', subject]), 'utf8');

/** The key-encryption key for subject keys: never the master key itself. */
export const wrappingKey = (masterKey: Buffer): Buffer => deriveKey(masterKey, 'subject-key-wrap');

/** A key check value stored with the keys, so that a store opened with another master key is refused at once. */
export const keyCheck = (masterKey: Buffer): Buffer =>
  createHmac('sha256', deriveKey(masterKey, 'subject-key-check')).update('asn/privacy/key-check/v1').digest();

/** AES-256-GCM of a data key under the wrapping key, the subject bound as associated data: iv | tag | ciphertext. */
export const wrapKey = (kek: Buffer, subject: string, key: Buffer): Buffer => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(subject));
  const ct = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
};

export const WRAPPED_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;

/** Unwraps what wrapKey made; a wrong master key, a wrapped key moved to another subject or an edit all throw. */
export const unwrapKey = (kek: Buffer, subject: string, wrapped: Buffer): Buffer => {
  if (wrapped.length !== WRAPPED_BYTES) throw new PrivacyIntegrityError('a stored subject key has the wrong length');
  const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(wrapAad(subject));
  decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PrivacyIntegrityError('a stored subject key does not unwrap: wrong master key or a tampered key store');
  }
};
