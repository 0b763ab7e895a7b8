import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeDigest } from '@asn/event-store';
import { openEsdbEventStore } from '@asn/event-store-esdb';
import { fakeEsdbClient, type FakeEsdbClient } from '@asn/event-store-esdb/testing';
import { appointEmployee, assigned, corrected, decided, establishUnit, pelaksana, record, transferred } from '@asn/org-chart/testing';
import { openSqliteAuditLog } from '@asn/privacy';
import { auditCommand, type AuditIo } from './auditCommand';

// `./ledger audit --esdb`: the auditor's question answered, and proven against a kept digest, from the ledger on
// an EventStoreDB server, here the in-memory one (event-store-esdb's fake client): the same command as on a store
// file (audit.cli.int.test.ts) but for where it reads. What only a real server can prove: ADR 0009.

let dir: string;
let client: FakeEsdbClient;
/** The in-memory server for each store the command opens and closes: closing a store disposes of its client. */
const connection = () => openEsdbEventStore({ client: { ...client, dispose: async () => undefined } });
let employeeId: string;
let digestFile: string;
let publicKeyFile: string;

const audit = async (...args: string[]) => {
  const io = { out: '', err: '' };
  const sink: AuditIo = { out: (text) => void (io.out += text), err: (text) => void (io.err += text), errIsTty: false };
  const code = await auditCommand(args, sink, { esdb: connection });
  return { code, ...io };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asn-audit-esdb-'));
  client = fakeEsdbClient();
  const store = connection();
  const dinas = await establishUnit(store, undefined, 'Dinas Pendidikan');
  const bapenda = await establishUnit(store, undefined, 'Badan Pendapatan Daerah');
  employeeId = await appointEmployee(store, dinas, { tmt: '2015-03-01', position: pelaksana() });
  const promotion = decided(employeeId, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2019-04-01');
  await record(store, promotion, transferred(employeeId, '2020-07-01', bapenda));
  await record(store, corrected(employeeId, '2019-04-01', promotion.decisionId ?? '', { kind: 'promotion', promotionKind: 'regular', golongan: 'III/c' }));
  // The digest the reporting service signs on this engine, kept by the auditor with the public key.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  digestFile = join(dir, 'kept.json');
  publicKeyFile = join(dir, 'kept.pub');
  writeFileSync(digestFile, JSON.stringify(await makeDigest(store.storedForm(), privateKey)));
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  // The ledger went on after the digest.
  await record(store, assigned(employeeId, '2022-01-01', pelaksana('Pengelola Keuangan')));
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the auditor's question, from EventStoreDB", () => {
  it('answers rank and unit on 1 March 2021 with the decisions that set them, proven unchanged since the kept digest, and records the read', async () => {
    const trail = join(dir, 'trail.db');
    const run = await audit('record', employeeId, '--as-of', '2021-03-01', '--esdb', 'esdb://fake', '--audit-log', trail, '--digest', digestFile, '--public-key', publicKeyFile);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Employee ${employeeId} on 2021-03-01, as recorded now (EventStoreDB: `);
    expect(run.out).toMatch(/rank {7}III\/c\n.*by EmployeePromoted .*TMT 2019-04-01/);
    expect(run.out).toMatch(/corrected by DecisionCorrected/);
    expect(run.out).toMatch(/Proof: proven unchanged since the digest of .*; 4 of this employee's events are covered by it, 1 recorded after it are not/);
    const log = openSqliteAuditLog({ path: trail });
    const items = log.query({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000), limit: 10 }).items;
    log.close();
    expect(items).toEqual([expect.objectContaining({ action: 'cli-read-record-as-of', subjects: [employeeId], allowed: true, purpose: './ledger audit record (EventStoreDB)' })]);
  });

  it('says NOT PROVEN, exit 1, when an event was changed on the server since the digest', async () => {
    client.tamper(`employee-${employeeId}`, 1, new TextEncoder().encode(JSON.stringify({ tampered: true })));
    const run = await audit('timeline', employeeId, '--esdb', 'esdb://fake', '--audit-log', join(dir, 'trail.db'), '--digest', digestFile, '--public-key', publicKeyFile);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/NOT PROVEN: store-does-not-verify/);
  });

  it('needs --audit-log with --esdb, and takes no store file beside it (exit 2)', async () => {
    expect((await audit('timeline', employeeId, '--esdb', 'esdb://fake')).code).toBe(2);
    expect((await audit('timeline', join(dir, 'asn.db'), employeeId, '--esdb', 'esdb://fake', '--audit-log', join(dir, 'trail.db'))).code).toBe(2);
  });
});
