import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { PrivacyIntegrityError } from './errors';
import { deriveKey, keyedHash, unwrapKey, uuidFromKeyedHash, wrapKey } from './keys';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deriveKey', () => {
  const master = randomBytes(32);

  it('derives the same 32 bytes for the same label', () => {
    expect(deriveKey(master, 'nip-index')).toHaveLength(32);
    expect(deriveKey(master, 'nip-index').equals(deriveKey(master, 'nip-index'))).toBe(true);
  });

  it('derives unrelated keys for other labels and other master keys', () => {
    const keys = [
      deriveKey(master, 'nip-index'),
      deriveKey(master, 'nip-index2'),
      deriveKey(randomBytes(32), 'nip-index'),
    ];
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(3);
    expect(keys[0]?.equals(master)).toBe(false);
  });

  it('refuses a master key that is not 32 bytes, and an empty label', () => {
    expect(() => deriveKey(randomBytes(16), 'nip-index')).toThrow(TypeError);
    expect(() => deriveKey(master, '')).toThrow(TypeError);
  });
});

describe('keyedHash', () => {
  it('is HMAC-SHA256 in base64url', () => {
    // RFC 4231, test case 2.
    const hash = keyedHash(Buffer.from('Jefe'), 'what do ya want for nothing?');
    expect(Buffer.from(hash, 'base64url').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs under another key', () => {
    expect(keyedHash(randomBytes(32), '198503152010012003')).not.toBe(keyedHash(randomBytes(32), '198503152010012003'));
  });
});

describe('uuidFromKeyedHash', () => {
  const key = randomBytes(32);

  it('gives a lowercase version 8 UUID with the RFC 9562 variant', () => {
    for (let i = 0; i < 200; i++) expect(uuidFromKeyedHash(randomBytes(32), `1985031520100120${i}`)).toMatch(UUID_V8);
  });

  it('is stable for the same key and value', () => {
    expect(uuidFromKeyedHash(key, '198503152010012003')).toBe(
      uuidFromKeyedHash(Buffer.from(key), '198503152010012003'),
    );
  });

  it('differs for other keys and other values', () => {
    const ids = [
      uuidFromKeyedHash(key, '198503152010012003'),
      uuidFromKeyedHash(randomBytes(32), '198503152010012003'),
      uuidFromKeyedHash(key, '198503152010012004'),
    ];
    expect(new Set(ids).size).toBe(3);
  });

  it('does not show the value', () => {
    expect(uuidFromKeyedHash(key, '198503152010012003').replace(/-/g, '')).not.toContain('1985031520');
  });
});

describe('key wrapping', () => {
  const kek = randomBytes(32);
  const key = randomBytes(32);

  it('unwraps what it wrapped, and the wrapped form does not contain the key', () => {
    const wrapped = wrapKey(kek, 'subject-a', key);
    expect(wrapped.includes(key)).toBe(false);
    expect(unwrapKey(kek, 'subject-a', wrapped).equals(key)).toBe(true);
  });

  it('refuses another wrapping key, another subject and an edit', () => {
    const wrapped = wrapKey(kek, 'subject-a', key);
    const edited = Buffer.from(wrapped);
    edited[40] = (edited[40] ?? 0) ^ 1;
    expect(() => unwrapKey(randomBytes(32), 'subject-a', wrapped)).toThrow(PrivacyIntegrityError);
    expect(() => unwrapKey(kek, 'subject-b', wrapped)).toThrow(PrivacyIntegrityError);
    expect(() => unwrapKey(kek, 'subject-a', edited)).toThrow(PrivacyIntegrityError);
    expect(() => unwrapKey(kek, 'subject-a', wrapped.subarray(1))).toThrow(PrivacyIntegrityError);
  });
});
