// `./ledger verify --esdb`: the ledger on an EventStoreDB server checked as a whole and against a digest an auditor
// kept, here on the in-memory server (./testing/fakeEsdbClient.ts); the command itself with bad arguments and a
// server that does not answer. What only a real server can prove: ADR 0009.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { makeDigest, storeVerifyTarget, verifyCommand, type NewEvent, type VerifyTarget } from '@asn/event-store';
import { openEsdbEventStore, type EsdbEventStore } from './esdbEventStore';
import { fakeEsdbClient, type FakeEsdbClient } from './testing/fakeEsdbClient';

const ROOT = resolve(__dirname, '../../..');
const anEvent = (data: unknown): NewEvent => ({ id: randomUUID(), type: 'EmployeePromoted', data, metadata: { correlationId: randomUUID() } });

describe('verify on EventStoreDB', () => {
  let dir: string;
  let client: FakeEsdbClient;
  let store: EsdbEventStore;
  const stream = `employee-${randomUUID()}`;
  /** What verify.cli.ts opens, on the in-memory server; kept open between the runs of a test (afterEach closes it). */
  const target = (): VerifyTarget => ({ ...storeVerifyTarget(store), close: async () => undefined });
  const verify = (...args: string[]) => verifyCommand(['esdb://fake', ...args], 'EventStoreDB connection string', target);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'asn-esdb-verify-'));
    client = fakeEsdbClient();
    store = openEsdbEventStore({ client, backoff: { baseMs: 5, maxMs: 20 } });
    await store.appendToStream(stream, [anEvent({ golongan: 'III/a' })]);
    await store.appendToStream(stream, [anEvent({ golongan: 'III/b' })], { expectedRevision: 0 });
    await store.appendToStream(`unit-${randomUUID()}`, [anEvent({ name: 'Dinas Kesehatan' })]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says every chain verifies, and names the event whose data was changed', async () => {
    expect(await verify()).toEqual({ code: 0, out: 'verified: 3 events in 2 streams\n', err: '' });
    client.tamper(stream, 1, new TextEncoder().encode(JSON.stringify({ golongan: 'IV/e' })));
    const bad = await verify();
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(new RegExp(`^FAILED: hash-mismatch at stream ${stream}, revision 1, position \\d+`));
  });

  it('checks the ledger against a digest the reporting service signed and the auditor kept', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const digestFile = join(dir, 'kept.json');
    const keyFile = join(dir, 'kept.pub');
    writeFileSync(digestFile, JSON.stringify(await makeDigest(store.storedForm(), privateKey)));
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    // The ledger went on after the digest: allowed.
    await store.appendToStream(stream, [anEvent({ golongan: 'III/c' })], { expectedRevision: 1 });
    expect(await verify('--digest', digestFile, '--public-key', keyFile)).toMatchObject({ code: 0, out: expect.stringContaining('4 events in 2 streams; unchanged since the digest (3 events up to position') });
    // Another key's public half: refused before the ledger is read.
    const other = generateKeyPairSync('ed25519').publicKey;
    writeFileSync(keyFile, other.export({ type: 'spki', format: 'pem' }));
    expect(await verify('--digest', digestFile, '--public-key', keyFile)).toMatchObject({ code: 1, out: expect.stringMatching(/^FAILED: wrong-key/) });
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    client.tamper(stream, 0, new TextEncoder().encode(JSON.stringify({ golongan: 'IV/e' })));
    expect(await verify('--digest', digestFile, '--public-key', keyFile)).toMatchObject({ code: 1, out: expect.stringMatching(/^FAILED: store-does-not-verify/) });
  });

  it('refuses bad arguments and an unreadable digest', async () => {
    expect((await verify('--digest', join(dir, 'kept.json'))).code).toBe(2);
    expect((await verifyCommand([], 'EventStoreDB connection string', target)).code).toBe(2);
    expect(await verify('--digest', join(dir, 'none.json'), '--public-key', join(dir, 'none.pub'))).toMatchObject({ code: 1, out: expect.stringMatching(/^FAILED: cannot read the digest/) });
  });
});

describe('./ledger verify --esdb', () => {
  const ledger = (...args: string[]) => spawnSync(join(ROOT, 'ledger'), ['verify', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('prints its usage without a connection string, and fails (exit 1) when the server does not answer', () => {
    expect(ledger('--esdb').status).toBe(1);
    expect(ledger('--esdb').stderr).toContain('usage: ./ledger verify --esdb <connection string>');
    const unreachable = ledger('--esdb', 'esdb://127.0.0.1:1?tls=false');
    expect(unreachable.status).toBe(1);
    expect(unreachable.stdout).toMatch(/^FAILED: /);
  }, 60_000);
});
