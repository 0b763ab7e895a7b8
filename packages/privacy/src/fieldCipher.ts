import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedValue } from '@asn/contracts';
import { PrivacyIntegrityError } from './errors';
import { IV_BYTES, TAG_BYTES } from './keys';
import { assertSubject, type SubjectKeyStore } from './subjectKeyStore';

// The sealed form is part of the event contract: one schema serves the cipher and the event definitions.
export { SealedValue };

/** Marker returned for a value whose key was erased. */
export const ERASED: unique symbol = Symbol('asn/privacy/ERASED');
/** The type of {@link ERASED}. */
export type Erased = typeof ERASED;

/** Seals and opens personal values inside events, each under its data subject's key. */
export interface FieldCipher {
  /** JSON-serialises value and encrypts it with the subject's key; `context` (e.g. `${stream}/${eventId}`) is bound as associated data. */
  seal(subject: string, context: string, value: unknown): SealedValue;
  /** Decrypts; returns ERASED when the subject's key was erased; throws PrivacyIntegrityError when the tag/context does not match (tampering or a value moved between events). */
  open(subject: string, context: string, sealed: SealedValue): unknown;
}

// Length-prefixed by JSON: no (subject, context) pair can be spelled like another.
const aad = (subject: string, context: string): Buffer =>
  Buffer.from(JSON.stringify(['asn/privacy/field/v1', subject, context]), 'utf8');

/** A FieldCipher over a key store: AES-256-GCM, a random 96-bit IV per seal, subject and context as associated data. */
export const createFieldCipher = (keys: SubjectKeyStore): FieldCipher => ({
  seal(subject, context, value) {
    assertSubject(subject);
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new TypeError('only JSON values can be sealed');
    const key = keys.keyFor(subject);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    key.fill(0);
    cipher.setAAD(aad(subject, context));
    const ct = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
    return {
      alg: 'A256GCM',
      iv: iv.toString('base64url'),
      ct: ct.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
  },
  open(subject, context, sealed) {
    assertSubject(subject);
    // Sealed values come out of stored events: checked here too, as a short tag would weaken GCM.
    const parsed = SealedValue.safeParse(sealed);
    if (!parsed.success) throw new PrivacyIntegrityError('a sealed value is malformed');
    const key = keys.existingKey(subject);
    if (key === undefined) {
      if (keys.isErased(subject)) return ERASED;
      throw new PrivacyIntegrityError('a sealed value names a subject this key store has no key for');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.data.iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    key.fill(0);
    decipher.setAAD(aad(subject, context));
    decipher.setAuthTag(Buffer.from(parsed.data.tag, 'base64url'));
    let json: string;
    try {
      json = Buffer.concat([decipher.update(Buffer.from(parsed.data.ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new PrivacyIntegrityError(
        'a sealed value does not authenticate: tampered, or moved to another event or subject',
      );
    }
    return JSON.parse(json) as unknown;
  },
});
