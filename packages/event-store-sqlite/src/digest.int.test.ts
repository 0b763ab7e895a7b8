import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { eventHash, GENESIS_HASH, loadOrCreateDigestKey, type SignedDigest } from '@asn/event-store';
import { checkSqliteFileAgainstDigest, digestSqliteFile } from './digest';
import { openSqliteEventStore } from './sqliteEventStore';
import { verifySqliteFile } from './verify';

// Signed digests of stream heads (P11): what the chain check alone cannot see, a stream rewritten with its whole
// chain and head recomputed, a kept digest reveals; a digest forged or changed after signing is refused.
// Three streams of five events, interleaved: positions 1..15.
const streams = ['employee-a1', 'employee-b2', 'feedback-c3'];
const ROOT = resolve(__dirname, '../../..');

let dir: string;
let path: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asn-digest-'));
  path = join(dir, 'asn.db');
  await append(5);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const append = async (revisions: number, from = 0): Promise<void> => {
  const store = openSqliteEventStore({ path });
  for (let revision = from; revision < from + revisions; revision++) {
    for (const stream of streams) await store.appendToStream(stream, [{ id: randomUUID(), type: 'Happened', data: { revision }, metadata: { correlationId: 'c' } }]);
  }
  await store.close();
};

/** What an insider with write access to the file does: edit one event, then recompute the stream's chain and head so that verify passes. */
const rewriteStream = (stream: string, revision: number, data: string): void => {
  const db = new Database(path);
  db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT e.position, e.revision, e.id, e.type, e.schema_version, e.recorded_at, e.data, e.metadata, s.id AS streamId
         FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.name = ? ORDER BY e.revision`,
      )
      .all(stream) as { position: number; revision: number; id: Buffer; type: string; schema_version: number; recorded_at: number; data: string; metadata: string; streamId: number }[];
    let previous = GENESIS_HASH;
    for (const row of rows) {
      const content = row.revision === revision ? data : row.data;
      const hex = row.id.toString('hex');
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      previous = eventHash(previous, { stream, revision: row.revision, id, type: row.type, schemaVersion: row.schema_version, recordedAt: row.recorded_at, data: content, metadata: row.metadata });
      db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?').run(content, previous, row.position);
    }
    db.prepare('UPDATE streams SET head = ? WHERE name = ?').run(previous, stream);
  })();
  db.close();
};

const keyIn = (name: string) => loadOrCreateDigestKey(join(dir, name));

describe('a signed digest of the stream heads', () => {
  it('covers every stream head up to the store head, is signed, and checks against the untouched store', async () => {
    const key = keyIn('digest-signing.key');
    const signed = await digestSqliteFile(path, key.privateKey, new Date('2026-11-29T00:00:00Z'));
    expect(signed.digest).toMatchObject({ format: 'asn-heads-digest/v1', createdAt: '2026-11-29T00:00:00.000Z', position: 15, events: 15 });
    expect(signed.digest.heads.map((h) => [h.stream, h.revision])).toEqual(streams.map((s) => [s, 4]));
    expect(signed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(await checkSqliteFileAgainstDigest(path, signed, key.publicKey)).toMatchObject({ ok: true, integrity: 'ok', store: { ok: true, events: 15 } });
  });

  it('still checks once the store went on after it (events appended later are allowed)', async () => {
    const key = keyIn('k');
    const signed = await digestSqliteFile(path, key.privateKey);
    await append(2, 5);
    expect(await checkSqliteFileAgainstDigest(path, signed, key.publicKey)).toMatchObject({ ok: true, store: { events: 21 } });
  });

  it('is not made of a store that does not verify', async () => {
    const db = new Database(path);
    db.prepare(`UPDATE events SET data = '{"revision":9}' WHERE position = 4`).run();
    db.close();
    await expect(digestSqliteFile(path, keyIn('k').privateKey)).rejects.toThrow(/does not verify/);
  });
});

describe('a store altered since the digest (P11)', () => {
  let signed: SignedDigest;
  let publicKey: ReturnType<typeof keyIn>['publicKey'];
  beforeEach(async () => {
    const key = keyIn('k');
    publicKey = key.publicKey;
    signed = await digestSqliteFile(path, key.privateKey);
  });

  it('rewritten with its chain and head recomputed passes the chain check, but not the digest: the stream is named', async () => {
    rewriteStream('employee-b2', 2, '{"revision":"forged"}');
    expect(await verifySqliteFile(path)).toMatchObject({ ok: true });
    expect(await checkSqliteFileAgainstDigest(path, signed, publicKey)).toMatchObject({ ok: false, problem: { kind: 'head-differs', stream: 'employee-b2' } });
  });

  it('with a stream cut short (last events deleted, head moved back) is refused', async () => {
    const db = new Database(path);
    db.transaction(() => {
      const last = db.prepare(`SELECT hash FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.name = 'feedback-c3' AND e.revision = 3`).get() as { hash: Buffer };
      db.prepare(`DELETE FROM events WHERE position = 15`).run();
      db.prepare(`UPDATE streams SET revision = 3, head = ? WHERE name = 'feedback-c3'`).run(last.hash);
    })();
    db.close();
    expect(await verifySqliteFile(path)).toMatchObject({ ok: true });
    expect(await checkSqliteFileAgainstDigest(path, signed, publicKey)).toMatchObject({ ok: false, problem: { kind: 'store-behind-digest' } });
  });

  it('with an event edited in place (the chain check already fails) is refused as not verifying', async () => {
    const db = new Database(path);
    db.prepare(`UPDATE events SET metadata = '{"correlationId":"x"}' WHERE position = 7`).run();
    db.close();
    expect(await checkSqliteFileAgainstDigest(path, signed, publicKey)).toMatchObject({ ok: false, problem: { kind: 'store-does-not-verify' } });
  });
});

describe('a forged or mismatched digest', () => {
  let signed: SignedDigest;
  let key: ReturnType<typeof keyIn>;
  beforeEach(async () => {
    key = keyIn('k');
    signed = await digestSqliteFile(path, key.privateKey);
  });

  it('changed after signing (a head, the position, the root) is refused before the store is read', async () => {
    const head = signed.digest.heads[1];
    if (!head) throw new Error('no head');
    const changed: SignedDigest[] = [
      { ...signed, digest: { ...signed.digest, heads: signed.digest.heads.map((h, i) => (i === 1 ? { ...h, hash: '0'.repeat(64) } : h)) } },
      { ...signed, digest: { ...signed.digest, position: 14 } },
      { ...signed, digest: { ...signed.digest, root: 'f'.repeat(64) } },
      { ...signed, digest: { ...signed.digest, heads: signed.digest.heads.slice(1) } },
      { ...signed, signature: `${signed.signature.slice(0, -4)}AAAA` },
    ];
    for (const forged of changed) {
      expect(await checkSqliteFileAgainstDigest(path, forged, key.publicKey)).toMatchObject({ ok: false, problem: { kind: 'bad-signature' }, store: { events: 0 } });
    }
  });

  it('signed with another key (an insider who rewrote the store and signed a new digest) is refused with the kept key', async () => {
    rewriteStream('employee-a1', 0, '{"revision":"forged"}');
    const insider = generateKeyPairSync('ed25519');
    const theirs = await digestSqliteFile(path, insider.privateKey);
    expect(await checkSqliteFileAgainstDigest(path, theirs, insider.publicKey)).toMatchObject({ ok: true });
    expect(await checkSqliteFileAgainstDigest(path, theirs, key.publicKey)).toMatchObject({ ok: false, problem: { kind: 'wrong-key' } });
    // Claiming the kept key's id does not help: the signature is checked with the kept key.
    const claimed = { ...theirs, keyId: signed.keyId };
    expect(await checkSqliteFileAgainstDigest(path, claimed, key.publicKey)).toMatchObject({ ok: false, problem: { kind: 'bad-signature' } });
    // And the kept digest still shows the rewrite.
    expect(await checkSqliteFileAgainstDigest(path, signed, key.publicKey)).toMatchObject({ ok: false, problem: { kind: 'head-differs', stream: 'employee-a1' } });
  });

  it.each([
    ['not an object', 'digest'],
    ['null', null],
    ['without a signature', { digest: { format: 'asn-heads-digest/v1' }, keyId: 'x' }],
    ['of another format', { digest: { format: 'other/v1', createdAt: '', position: 1, events: 1, heads: [], root: '' }, keyId: 'x', signature: 'x' }],
    ['with a head that is not a hash', { digest: { format: 'asn-heads-digest/v1', createdAt: '', position: 1, events: 1, heads: [{ stream: 's', revision: 0, hash: 'zz' }], root: '' }, keyId: 'x', signature: 'x' }],
  ])('that is malformed (%s) is refused', async (_name, value) => {
    expect(await checkSqliteFileAgainstDigest(path, value, key.publicKey)).toMatchObject({ ok: false, problem: { kind: 'malformed-digest' } });
  });

  it('with a signature over other bytes (the same fields in another order) is refused', async () => {
    const reordered = Buffer.from(JSON.stringify(signed.digest), 'utf8');
    const resigned = { ...signed, signature: sign(null, reordered, key.privateKey).toString('base64url') };
    expect(await checkSqliteFileAgainstDigest(path, resigned, key.publicKey)).toMatchObject({ ok: false, problem: { kind: 'bad-signature' } });
  });
});

describe('the signing key', () => {
  it('is created once (0600, its public half beside it) and loaded again the same', () => {
    const first = keyIn('digest-signing.key');
    expect(first.created).toBe(true);
    expect(statSync(join(dir, 'digest-signing.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.publicKeyPath, 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    const again = keyIn('digest-signing.key');
    expect(again.created).toBe(false);
    expect(again.publicKey.export({ type: 'spki', format: 'der' })).toEqual(first.publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('is refused when others can read it', () => {
    keyIn('digest-signing.key');
    chmodSync(join(dir, 'digest-signing.key'), 0o644);
    expect(() => keyIn('digest-signing.key')).toThrow(/read by others/);
  });
});

describe('./ledger digest and ./ledger verify --digest', () => {
  const ledger = (...args: string[]) => spawnSync(join(ROOT, 'ledger'), args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATA_DIR: dir } });

  it('write a digest, check the store against it (exit 0), and name a rewritten stream (exit 1)', () => {
    const out = join(dir, 'kept-digest.json');
    const made = ledger('digest', '--out', out);
    expect(made.stderr).toMatch(/created the signing key/);
    expect(made.status).toBe(0);
    expect(existsSync(join(dir, 'digest-signing.key.pub'))).toBe(true);
    const kept = join(dir, 'kept.pub');
    writeFileSync(kept, readFileSync(join(dir, 'digest-signing.key.pub')));
    const ok = ledger('verify', path, '--digest', out, '--public-key', kept);
    expect(ok.stdout).toMatch(/unchanged since the digest \(15 events up to position 15\)/);
    expect(ok.status).toBe(0);
    rewriteStream('feedback-c3', 1, '{"revision":"forged"}');
    expect(ledger('verify').status).toBe(0);
    const bad = ledger('verify', '--digest', out, '--public-key', kept);
    expect(bad.stdout).toMatch(/FAILED: head-differs at stream feedback-c3/);
    expect(bad.status).toBe(1);
  }, 120_000);
});
