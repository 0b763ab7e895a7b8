import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SubjectErasedError } from './errors';
import { createFieldCipher, ERASED } from './fieldCipher';
import type { SubjectKeyStore } from './subjectKeyStore';

/** The behaviour every SubjectKeyStore shares; `open` gives a fresh, empty store, `dispose` cleans up after it. */
export const describeKeyStoreConformance = (
  engine: string,
  open: () => { store: SubjectKeyStore; dispose: () => void },
): void => {
  describe(`the ${engine} key store`, () => {
    let store: SubjectKeyStore;
    let dispose: () => void;
    beforeEach(() => {
      ({ store, dispose } = open());
    });
    afterEach(() => {
      store.close();
      dispose();
    });

    describe('when a subject has no key yet', () => {
      it('has no existing key and is not erased', () => {
        const subject = randomUUID();
        expect(store.existingKey(subject)).toBeUndefined();
        expect(store.isErased(subject)).toBe(false);
      });

      it('creates a 32-byte key on keyFor and returns the same one afterwards', () => {
        const subject = randomUUID();
        const key = store.keyFor(subject);
        expect(key).toHaveLength(32);
        expect(store.keyFor(subject).equals(key)).toBe(true);
        expect(store.existingKey(subject)?.equals(key)).toBe(true);
      });
    });

    it('gives each subject a key of its own', () => {
      const keys = Array.from({ length: 20 }, () => store.keyFor(randomUUID()).toString('hex'));
      expect(new Set(keys).size).toBe(20);
    });

    it('hands out copies: changing a returned key changes nothing stored', () => {
      const subject = randomUUID();
      const key = store.keyFor(subject);
      const copy = Buffer.from(key);
      key.fill(0);
      expect(store.keyFor(subject).equals(copy)).toBe(true);
    });

    it('refuses an empty subject id', () => {
      expect(() => store.keyFor('')).toThrow(TypeError);
    });

    describe('when a subject is erased', () => {
      const subject = randomUUID();
      const other = randomUUID();
      let sealed: ReturnType<ReturnType<typeof createFieldCipher>['seal']>;
      let otherKey: Buffer;
      beforeEach(() => {
        sealed = createFieldCipher(store).seal(subject, 'employee-1/event-1', { name: 'Ni Luh Putu Ayu' });
        otherKey = store.keyFor(other);
        expect(store.erase(subject)).toBe(true);
      });

      it('opens what was sealed for them as ERASED', () => {
        expect(createFieldCipher(store).open(subject, 'employee-1/event-1', sealed)).toBe(ERASED);
      });

      it('refuses to create a new key for them', () => {
        expect(() => store.keyFor(subject)).toThrow(SubjectErasedError);
        expect(() => createFieldCipher(store).seal(subject, 'employee-1/event-2', 'x')).toThrow(SubjectErasedError);
      });

      it('has no existing key for them and reports them erased', () => {
        expect(store.existingKey(subject)).toBeUndefined();
        expect(store.isErased(subject)).toBe(true);
      });

      it('deletes nothing on a second erase', () => {
        expect(store.erase(subject)).toBe(false);
        expect(store.isErased(subject)).toBe(true);
      });

      it('keeps the keys of other subjects', () => {
        expect(store.keyFor(other).equals(otherKey)).toBe(true);
        expect(store.isErased(other)).toBe(false);
      });
    });

    it('tombstones a subject erased before any key was made, deleting nothing', () => {
      const subject = randomUUID();
      expect(store.erase(subject)).toBe(false);
      expect(store.isErased(subject)).toBe(true);
      expect(() => store.keyFor(subject)).toThrow(SubjectErasedError);
    });
  });
};
