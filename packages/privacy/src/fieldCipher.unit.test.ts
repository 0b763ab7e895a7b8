import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { PrivacyIntegrityError } from './errors';
import { createFieldCipher, ERASED, SealedValue, type FieldCipher } from './fieldCipher';
import { createMemoryKeyStore, type SubjectKeyStore } from './subjectKeyStore';

const flip = (base64url: string, byte = 0): string => {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
};

describe('the field cipher', () => {
  let keys: SubjectKeyStore;
  let cipher: FieldCipher;
  const subject = randomUUID();
  const context = `employee-${subject}/0197a0b2-0000-7000-8000-000000000001`;
  beforeEach(() => {
    keys = createMemoryKeyStore();
    cipher = createFieldCipher(keys);
  });

  it.each([
    ['a name', 'Ni Luh Putu Ayu'],
    ['a NIP', '198503152010012003'],
    ['an address', { street: "Jl. Raden Saleh No. 7 'A'", city: 'Makassar' }],
    ['non-ASCII text', 'Muh. Ṣāliḥ — 日本'],
    ['a number', 3],
    ['null', null],
    ['a list', [1, 'two', { three: true }]],
  ])('gives back %s as it was sealed', (_name, value) => {
    const sealed = cipher.seal(subject, context, value);
    expect(cipher.open(subject, context, sealed)).toEqual(value);
  });

  it('seals into JSON-safe values that survive serialisation and match the schema', () => {
    const sealed = cipher.seal(subject, context, 'Sukarno');
    const stored = JSON.parse(JSON.stringify(sealed)) as unknown;
    expect(SealedValue.parse(stored)).toEqual(sealed);
    expect(cipher.open(subject, context, SealedValue.parse(stored))).toBe('Sukarno');
  });

  it('does not show the value in what it seals', () => {
    const sealed = cipher.seal(subject, context, 'Sukarno');
    expect(JSON.stringify(sealed)).not.toContain('Sukarno');
    expect(Buffer.from(sealed.ct, 'base64url').toString('latin1')).not.toContain('Sukarno');
  });

  it('uses a fresh IV on every seal', () => {
    const seals = Array.from({ length: 50 }, () => cipher.seal(subject, context, 'Sukarno'));
    expect(new Set(seals.map((s) => s.iv)).size).toBe(50);
    expect(new Set(seals.map((s) => s.ct)).size).toBe(50);
  });

  it('refuses what is not JSON', () => {
    expect(() => cipher.seal(subject, context, undefined)).toThrow(TypeError);
    expect(() => cipher.seal(subject, context, () => 1)).toThrow(TypeError);
  });

  describe('when a sealed value is opened somewhere else', () => {
    it('refuses another context (a value copied into another event)', () => {
      const sealed = cipher.seal(subject, context, 'Sukarno');
      expect(() => cipher.open(subject, `${context}x`, sealed)).toThrow(PrivacyIntegrityError);
    });

    it('refuses another subject, even one with a key', () => {
      const other = randomUUID();
      keys.keyFor(other);
      const sealed = cipher.seal(subject, context, 'Sukarno');
      expect(() => cipher.open(other, context, sealed)).toThrow(PrivacyIntegrityError);
    });

    it('cannot be fooled by moving characters between subject and context', () => {
      const sealed = cipher.seal('ab', 'c', 'Sukarno');
      keys.keyFor('a');
      expect(() => cipher.open('a', 'bc', sealed)).toThrow(PrivacyIntegrityError);
    });

    it('refuses a subject this key store has no key for', () => {
      const sealed = cipher.seal(subject, context, 'Sukarno');
      expect(() => createFieldCipher(createMemoryKeyStore()).open(subject, context, sealed)).toThrow(
        PrivacyIntegrityError,
      );
    });
  });

  describe('when a sealed value was tampered with', () => {
    it.each(['ct', 'tag', 'iv'] as const)('refuses a changed %s', (part) => {
      const sealed = cipher.seal(subject, context, { name: 'Sukarno', nip: '198503152010012003' });
      expect(() => cipher.open(subject, context, { ...sealed, [part]: flip(sealed[part]) })).toThrow(
        PrivacyIntegrityError,
      );
    });

    it('refuses a ciphertext cut short or extended', () => {
      const sealed = cipher.seal(subject, context, 'Sukarno');
      const ct = Buffer.from(sealed.ct, 'base64url');
      const shorter = ct.subarray(0, ct.length - 1).toString('base64url');
      const longer = Buffer.concat([ct, Buffer.from([0])]).toString('base64url');
      expect(() => cipher.open(subject, context, { ...sealed, ct: shorter })).toThrow(PrivacyIntegrityError);
      expect(() => cipher.open(subject, context, { ...sealed, ct: longer })).toThrow(PrivacyIntegrityError);
    });

    it('refuses a truncated tag rather than checking fewer bits', () => {
      const sealed = cipher.seal(subject, context, 'Sukarno');
      const tag = Buffer.from(sealed.tag, 'base64url').subarray(0, 4).toString('base64url');
      expect(() => cipher.open(subject, context, { ...sealed, tag })).toThrow(PrivacyIntegrityError);
    });

    it.each([
      ['an unknown algorithm', { alg: 'A128GCM' }],
      ['an extra key', { extra: 1 }],
      ['padding', { iv: 'AAAAAAAAAAAAAAAA==' }],
      ['standard base64', { ct: 'ab+/' }],
    ])('refuses a sealed value with %s', (_name, change) => {
      const sealed = { ...cipher.seal(subject, context, 'Sukarno'), ...change } as SealedValue;
      expect(() => cipher.open(subject, context, sealed)).toThrow(PrivacyIntegrityError);
    });
  });

  describe('when the subject was erased', () => {
    it('opens every value sealed for them as ERASED, and those of others as before', () => {
      const other = randomUUID();
      const mine = [
        cipher.seal(subject, `${context}/1`, 'Sukarno'),
        cipher.seal(subject, `${context}/2`, '1985-03-15'),
      ];
      const theirs = cipher.seal(other, context, 'I Gede');
      keys.erase(subject);
      expect(mine.map((sealed, i) => cipher.open(subject, `${context}/${i + 1}`, sealed))).toEqual([ERASED, ERASED]);
      expect(cipher.open(other, context, theirs)).toBe('I Gede');
    });
  });
});

describe('the SealedValue schema', () => {
  const valid = {
    alg: 'A256GCM',
    iv: Buffer.alloc(12, 1).toString('base64url'),
    ct: 'AQ',
    tag: Buffer.alloc(16, 2).toString('base64url'),
  };

  it('accepts a well-formed value', () => {
    expect(SealedValue.safeParse(valid).success).toBe(true);
  });

  it.each([
    ['an IV of 16 bytes', { iv: Buffer.alloc(16).toString('base64url') }],
    ['a tag of 12 bytes', { tag: Buffer.alloc(12).toString('base64url') }],
    ['an empty ciphertext', { ct: '' }],
    ['a non-canonical final character', { ct: 'AR' }],
    ['a missing tag', { tag: undefined }],
  ])('refuses %s', (_name, change) => {
    expect(SealedValue.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
