import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadOrCreateMasterKey } from './masterKey';

describe('the master key file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asn-master-'));
    path = join(dir, 'master.key');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('when there is none yet', () => {
    it('creates 32 random bytes that only the owner may read or write', () => {
      const key = loadOrCreateMasterKey(path);
      expect(key).toHaveLength(32);
      expect(readFileSync(path).equals(key)).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(key.equals(Buffer.alloc(32))).toBe(false);
    });

    it('leaves no temporary file behind', () => {
      loadOrCreateMasterKey(path);
      expect(readdirSync(dir)).toEqual(['master.key']);
    });

    it('makes a different key in another place', () => {
      expect(loadOrCreateMasterKey(path).equals(loadOrCreateMasterKey(join(dir, 'other.key')))).toBe(false);
    });
  });

  it('returns the same key on every later use', () => {
    const key = loadOrCreateMasterKey(path);
    expect(loadOrCreateMasterKey(path).equals(key)).toBe(true);
    expect(loadOrCreateMasterKey(path).equals(key)).toBe(true);
  });

  it.each([0, 16, 31, 33, 64])('refuses a file of %i bytes', (size) => {
    writeFileSync(path, Buffer.alloc(size, 7), { mode: 0o600 });
    expect(() => loadOrCreateMasterKey(path)).toThrow(`is ${size} bytes, not 32`);
    expect(readFileSync(path)).toHaveLength(size);
  });

  it.each([0o640, 0o604, 0o644])('refuses a file that others may access (mode %o)', (mode) => {
    loadOrCreateMasterKey(path);
    chmodSync(path, mode);
    expect(() => loadOrCreateMasterKey(path)).toThrow('readable by others');
  });

  it('refuses a directory in its place', () => {
    expect(() => loadOrCreateMasterKey(dir)).toThrow('not a regular file');
  });
});
