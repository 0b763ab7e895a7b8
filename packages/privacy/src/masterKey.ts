import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, fstatSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { KEY_BYTES } from './keys';

const readKey = (path: string): Buffer => {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`the master key at ${path} is not a regular file`);
    if (stat.size !== KEY_BYTES) throw new Error(`the master key at ${path} is ${stat.size} bytes, not ${KEY_BYTES}`);
    // Group or world access to the master key would let anyone on the host undo every erasure.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new Error(
        `the master key at ${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    }
    const key = readFileSync(fd);
    if (key.length !== KEY_BYTES) throw new Error(`the master key at ${path} changed while being read`);
    return key;
  } finally {
    closeSync(fd);
  }
};

const fsyncDir = (dir: string): void => {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * The 32-byte master key in the file at `path`, created (mode 0600, fsynced) with random bytes when the file
 * does not exist. The file appears whole or not at all: it is written under a temporary name and hard-linked
 * into place, so two processes starting together end up with the same key. Refuses a file that is not
 * exactly 32 bytes, or one that group or others may access.
 */
export const loadOrCreateMasterKey = (path: string): Buffer => {
  try {
    return readKey(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    const key = randomBytes(KEY_BYTES);
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    // Another process won the race: its key is the key.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  fsyncDir(dirname(path));
  return readKey(path);
};
