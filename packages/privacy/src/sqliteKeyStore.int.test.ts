import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { PrivacyIntegrityError, SubjectErasedError } from './errors';
import { createFieldCipher, ERASED } from './fieldCipher';
import { describeKeyStoreConformance } from './keyStoreConformance';
import { keyCheck } from './keys';
import { openSqliteKeyStore } from './sqliteKeyStore';

describeKeyStoreConformance('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asn-keys-'));
  return {
    store: openSqliteKeyStore({ path: join(dir, 'keys.db'), masterKey: randomBytes(32) }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
});

/** Every wrapped key in the file, read over a connection of its own (closed again before returning). */
const wrappedKeys = (path: string): Map<string, Buffer> => {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT subject, wrapped FROM subject_keys WHERE wrapped IS NOT NULL').all() as Array<{
      subject: string;
      wrapped: Buffer;
    }>;
    return new Map(rows.map((r) => [r.subject, r.wrapped]));
  } finally {
    db.close();
  }
};

/** The raw bytes of the database, its log and its shared-memory index, as found on disk. */
const rawFiles = (path: string): Buffer =>
  Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));

describe('the SQLite key store file', () => {
  let dir: string;
  let path: string;
  const masterKey = randomBytes(32);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asn-keys-'));
    path = join(dir, 'keys.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its durability and secure-delete settings', () => {
    openSqliteKeyStore({ path, masterKey }).close();
    const db = new Database(path);
    // journal_mode is a property of the file; synchronous and secure_delete are per connection (checked on open).
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses to open where a durable log cannot be had', () => {
    expect(() => openSqliteKeyStore({ path: ':memory:', masterKey })).toThrow('settings did not take');
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => openSqliteKeyStore({ path, masterKey: randomBytes(31) })).toThrow(TypeError);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a file that is not a key store', () => {
    const db = new Database(path);
    db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');
    db.close();
    expect(() => openSqliteKeyStore({ path, masterKey })).toThrow('not a subject key store');
  });

  it('refuses a file of a newer schema version', () => {
    openSqliteKeyStore({ path, masterKey }).close();
    const db = new Database(path);
    db.pragma('user_version = 2');
    db.close();
    expect(() => openSqliteKeyStore({ path, masterKey })).toThrow('schema version 2 is not supported');
  });

  it('stores keys only wrapped', () => {
    const store = openSqliteKeyStore({ path, masterKey });
    const keys = Array.from({ length: 20 }, () => store.keyFor(randomUUID()));
    const bytes = rawFiles(path);
    store.close();
    expect(wrappedKeys(path).size).toBe(20);
    for (const key of keys) expect(bytes.includes(key)).toBe(false);
    expect(bytes.includes(masterKey)).toBe(false);
  });

  describe('when opened again', () => {
    it('still has every key, and every erasure', () => {
      const [kept, erased] = [randomUUID(), randomUUID()];
      const first = openSqliteKeyStore({ path, masterKey });
      const key = first.keyFor(kept);
      const sealed = createFieldCipher(first).seal(erased, 'c', 'Sukarno');
      first.erase(erased);
      first.close();

      const second = openSqliteKeyStore({ path, masterKey: Buffer.from(masterKey) });
      expect(second.keyFor(kept).equals(key)).toBe(true);
      expect(second.isErased(erased)).toBe(true);
      expect(() => second.keyFor(erased)).toThrow(SubjectErasedError);
      expect(createFieldCipher(second).open(erased, 'c', sealed)).toBe(ERASED);
      second.close();
    });

    it('refuses another master key at once', () => {
      const store = openSqliteKeyStore({ path, masterKey });
      store.keyFor(randomUUID());
      store.close();
      expect(() => openSqliteKeyStore({ path, masterKey: randomBytes(32) })).toThrow(PrivacyIntegrityError);
    });

    it('refuses to unwrap keys under another master key even when the key check is forged', () => {
      const subject = randomUUID();
      const store = openSqliteKeyStore({ path, masterKey });
      store.keyFor(subject);
      store.close();
      const otherMaster = randomBytes(32);
      const db = new Database(path);
      db.prepare('UPDATE key_check SET mac = ? WHERE id = 1').run(keyCheck(otherMaster));
      db.close();
      const other = openSqliteKeyStore({ path, masterKey: otherMaster });
      expect(() => other.keyFor(subject)).toThrow(PrivacyIntegrityError);
      expect(() => other.existingKey(subject)).toThrow(PrivacyIntegrityError);
      other.close();
    });

    it('refuses a wrapped key moved to another subject', () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const store = openSqliteKeyStore({ path, masterKey });
      store.keyFor(a);
      store.keyFor(b);
      store.close();
      const db = new Database(path);
      db.prepare(
        'UPDATE subject_keys SET wrapped = (SELECT wrapped FROM subject_keys WHERE subject = ?) WHERE subject = ?',
      ).run(a, b);
      db.close();
      const reopened = openSqliteKeyStore({ path, masterKey });
      expect(() => reopened.keyFor(b)).toThrow(PrivacyIntegrityError);
      reopened.close();
    });
  });

  describe('when two store instances share the file', () => {
    it('gives both the same key and lets each see the erasures of the other', () => {
      const subject = randomUUID();
      const a = openSqliteKeyStore({ path, masterKey });
      const b = openSqliteKeyStore({ path, masterKey });
      const key = a.keyFor(subject);
      expect(b.keyFor(subject).equals(key)).toBe(true);
      // b has the key cached now; a's erasure must still reach it.
      expect(a.erase(subject)).toBe(true);
      expect(() => b.keyFor(subject)).toThrow(SubjectErasedError);
      expect(b.existingKey(subject)).toBeUndefined();
      expect(b.erase(subject)).toBe(false);
      a.close();
      b.close();
    });

    it('converges on one key per subject when processes race to create it', async () => {
      const subjects = Array.from({ length: 300 }, () => randomUUID());
      openSqliteKeyStore({ path, masterKey }).close();
      const children = Array.from({ length: 4 }, (_, i) => {
        // Each child walks the subjects from another starting point, so that their creations collide.
        const order = [...subjects.slice(i * 25), ...subjects.slice(0, i * 25)];
        return spawn(
          process.execPath,
          ['--import', 'tsx', join(__dirname, 'keyFor.fixture.ts'), path, masterKey.toString('hex'), order.join(',')],
          {
            cwd: join(__dirname, '../../..'),
          },
        );
      });
      const results = await runTogether(children);
      const store = openSqliteKeyStore({ path, masterKey });
      for (const subject of subjects) {
        const key = store.existingKey(subject)?.toString('hex');
        expect(key).toMatch(/^[0-9a-f]{64}$/);
        expect(results.map((keys) => keys[subject])).toEqual([key, key, key, key]);
      }
      store.close();
    });
  });

  describe('when a subject is erased (P14)', () => {
    it('leaves no copy of the wrapped key in the database, its log or its index, even before closing', () => {
      const store = openSqliteKeyStore({ path, masterKey });
      // Enough subjects, made in random order, for the table to span many pages and split them as it grows.
      const subjects = Array.from({ length: 3000 }, () => randomUUID());
      for (const subject of subjects) store.keyFor(subject);
      const wrapped = wrappedKeys(path);
      const erased = subjects.filter((_, i) => i % 3 === 0);
      const kept = subjects.filter((_, i) => i % 3 !== 0);
      for (const subject of erased) expect(store.erase(subject)).toBe(true);

      const whileOpen = rawFiles(path);
      store.close();
      const afterClose = rawFiles(path);
      for (const bytes of [whileOpen, afterClose]) {
        expect(erased.filter((s) => bytes.includes(wrapped.get(s) as Buffer))).toEqual([]);
        // The scan does find what is still there: the kept keys.
        expect(kept.filter((s) => !bytes.includes(wrapped.get(s) as Buffer))).toEqual([]);
      }
    });
  });
});

/** Waits until every child is ready, starts them together, and returns each one's subject -> key map. */
const runTogether = (children: ChildProcessWithoutNullStreams[]): Promise<Array<Record<string, string>>> => {
  let ready = 0;
  const whenReady = () => {
    ready += 1;
    if (ready === children.length) for (const child of children) child.stdin.end('go\n');
  };
  return Promise.all(
    children.map(
      (child) =>
        new Promise<Record<string, string>>((resolve, reject) => {
          let out = '';
          let err = '';
          const guard = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`a key store process did not finish: ${err}`));
          }, 50_000);
          child.stdout.on('data', (chunk: Buffer) => {
            const wasReady = out.startsWith('ready\n');
            out += chunk.toString();
            if (!wasReady && out.startsWith('ready\n')) whenReady();
          });
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('error', reject);
          child.on('exit', (code) => {
            clearTimeout(guard);
            if (code !== 0) return reject(new Error(`a key store process failed (${code}): ${err}`));
            resolve(JSON.parse(out.slice('ready\n'.length)) as Record<string, string>);
          });
        }),
    ),
  );
};
