import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventHash, GENESIS_HASH, loadOrCreateDigestKey, newId } from '@asn/event-store';
import { digestSqliteFile, openSqliteEventStore } from '@asn/event-store-sqlite';
import {
  appointEmployee,
  assigned,
  corrected,
  decided,
  establishUnit,
  functional,
  pelaksana,
  record,
  transferred,
} from '@asn/org-chart/testing';
import { openSqliteAuditLog } from '@asn/privacy';
import Database from 'better-sqlite3';

// `./ledger audit`, the auditor's command: offline from the store file, the same read model as the service,
// and the question of issue 7 answered in one command, proof included.

const ROOT = resolve(__dirname, '../../..');
const FORMULA_UNIT = '=1+1 Bagian Umum';
const QUOTED_UNIT = 'Badan "Pendapatan", Daerah';

let dir: string;
let storePath: string;
let dinas: string;
let bapenda: string;
let bagian: string;
let employeeId: string;
let colleagueId: string;
let promotionId: string;

const ledgerAudit = (...args: string[]) => {
  const run = spawnSync(join(ROOT, 'ledger'), ['audit', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asn-audit-'));
  storePath = join(dir, 'asn.db');
  const store = openSqliteEventStore({ path: storePath });
  dinas = await establishUnit(store, undefined, 'Dinas Pendidikan');
  bapenda = await establishUnit(store, undefined, QUOTED_UNIT);
  bagian = await establishUnit(store, undefined, FORMULA_UNIT);
  employeeId = await appointEmployee(store, dinas, { tmt: '2015-03-01', position: pelaksana() });
  const promotion = decided(
    employeeId,
    { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' },
    '2019-04-01',
  );
  promotionId = promotion.decisionId ?? '';
  await record(store, promotion, transferred(employeeId, '2020-07-01', bapenda));
  // A typo in the 2019 promotion corrected later: III/c, not III/b.
  await record(
    store,
    corrected(employeeId, '2019-04-01', promotionId, {
      kind: 'promotion',
      promotionKind: 'regular',
      golongan: 'III/c',
    }),
  );
  colleagueId = await appointEmployee(store, bagian, { tmt: '2018-01-01', position: functional() });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the auditor's question, from the store file", () => {
  it('answers rank and unit on 1 March 2021 with the decisions (SK, proposer, approver) and the correction that set them', () => {
    const run = ledgerAudit('record', storePath, employeeId, '--as-of', '2021-03-01');
    expect(run).toMatchObject({ status: 0 });
    expect(run.stdout).toContain(`Employee ${employeeId} on 2021-03-01, as recorded now`);
    expect(run.stdout).toMatch(
      /rank {7}III\/c\n.*by EmployeePromoted .*SK 800\/2019\/BKPSDM of 2019-04-01, TMT 2019-04-01/,
    );
    expect(run.stdout).toMatch(/proposed by staff-1, approved by approver-1/);
    expect(run.stdout).toMatch(/corrected by DecisionCorrected/);
    expect(run.stdout).toMatch(
      new RegExp(
        `unit {7}${QUOTED_UNIT.replace(/[()"]/g, '.')} \\(${bapenda}\\)\\n.*by EmployeeTransferred .*TMT 2020-07-01`,
      ),
    );
  }, 60_000);

  it('reads the record as recorded before the correction, in JSON as the service answers it', () => {
    const timeline = JSON.parse(ledgerAudit('timeline', storePath, employeeId, '--format', 'json').stdout) as {
      entries: { eventType: string; recordedAt: string }[];
    };
    const correctionAt = timeline.entries.find((e) => e.eventType === 'DecisionCorrected')?.recordedAt ?? '';
    const justBefore = new Date(Date.parse(correctionAt) - 1).toISOString();
    const run = ledgerAudit(
      'record',
      storePath,
      employeeId,
      '--as-of',
      '2021-03-01',
      '--recorded-by',
      justBefore,
      '--format',
      'json',
    );
    expect(run.status).toBe(0);
    const body = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({
      employeeId,
      asOf: '2021-03-01',
      recordedBy: justBefore,
      status: 'active',
      rank: {
        golongan: 'III/b',
        decidedBy: {
          decisionId: promotionId,
          eventType: 'EmployeePromoted',
          proposedBy: 'staff-1',
          approvedBy: 'approver-1',
        },
      },
      unit: { unitId: bapenda, name: QUOTED_UNIT },
    });
    expect(body).not.toHaveProperty('rank.decidedBy.correctedBy');
  }, 60_000);

  it('says so, with exit 1, when the employee was not in service on the date or is unknown', () => {
    const before = ledgerAudit('record', storePath, employeeId, '--as-of', '2015-02-28');
    expect(before).toMatchObject({ status: 1, stdout: '' });
    expect(before.stderr).toContain(`employee ${employeeId} was not in service on 2015-02-28`);
    const unknown = newId();
    const nobody = ledgerAudit('timeline', storePath, unknown);
    expect(nobody).toMatchObject({ status: 1, stdout: '' });
    expect(nobody.stderr).toContain(`no employee ${unknown} in the store`);
  }, 60_000);
});

describe('the timeline', () => {
  it('lists every entry with its standing, as a table, JSON lines and CSV', () => {
    const text = ledgerAudit('timeline', storePath, employeeId);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`Timeline of employee ${employeeId}: 4 entries`);
    expect(text.stdout).toMatch(/RECORDED AT +EVENT +DECISION +KIND +TMT +SK +PROPOSED BY +DECIDED BY +STANDING +NOTE/);
    expect(text.stdout).toMatch(
      new RegExp(`DecisionCorrected .* correction +corrects ${promotionId}: Salah ketik pada SK`),
    );

    const jsonl = ledgerAudit('timeline', storePath, employeeId, '--format', 'jsonl');
    const entries = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { employeeId: string; eventType: string; standing?: string });
    expect(entries.map((e) => [e.eventType, e.standing])).toEqual([
      ['EmployeeAppointed', 'in-force'],
      ['EmployeePromoted', 'replaced'],
      ['EmployeeTransferred', 'in-force'],
      ['DecisionCorrected', 'correction'],
    ]);
    expect(entries.every((e) => e.employeeId === employeeId)).toBe(true);

    const csv = ledgerAudit('timeline', storePath, employeeId, '--format', 'csv').stdout.trimEnd().split('\n');
    expect(csv[0]).toBe(
      'eventId,recordedAt,eventType,decisionId,kind,tmt,skNumber,skDate,signedBy,legalBasis,proposedBy,approvedBy,rejectedBy,reason,standing,correctsDecisionId',
    );
    expect(csv).toHaveLength(5);
    expect(csv[2]).toContain(
      `,EmployeePromoted,${promotionId},promotion,2019-04-01,800/2019/BKPSDM,2019-04-01,Wali Kota Tanjungbalai,UU 20/2023 tentang ASN,staff-1,approver-1,,,replaced,`,
    );
  }, 90_000);
});

describe('the roster', () => {
  it('is CSV by default, quoted as RFC 4180 and with formulas disarmed', () => {
    const run = ledgerAudit('roster', storePath, '--as-of', '2021-03-01');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'employeeId,unitId,unitName,employeeType,golongan,pppkGrade,positionKind,positionLevel,positionTitle,positionSince',
    );
    expect(lines.slice(1).sort()).toEqual(
      [
        `${employeeId},${bapenda},"Badan ""Pendapatan"", Daerah",PNS,III/c,,pelaksana,,Pengadministrasi Umum,2020-07-01`,
        `${colleagueId},${bagian},'${FORMULA_UNIT},PNS,III/a,,functional,ahli-pertama,Analis Kebijakan Ahli Pertama,2018-01-01`,
      ].sort(),
    );
    expect(run.stderr).toContain('2 in service on 2021-03-01');
  }, 60_000);

  it('keeps to a unit, and to those in service on the date, in JSON lines', () => {
    const unit = ledgerAudit('roster', storePath, '--as-of', '2021-03-01', '--unit', bagian, '--format', 'jsonl');
    expect(unit.status).toBe(0);
    expect(
      unit.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        employeeId: colleagueId,
        unitId: bagian,
        unitName: FORMULA_UNIT,
        employeeType: 'PNS',
        golongan: 'III/a',
        position: functional(),
        since: '2018-01-01',
      },
    ]);
    const early = ledgerAudit('roster', storePath, '--as-of', '2016-01-01', '--format', 'json');
    expect(JSON.parse(early.stdout)).toMatchObject({
      asOf: '2016-01-01',
      total: 1,
      items: [{ employeeId, unitId: dinas, golongan: 'III/a' }],
    });
  }, 60_000);
});

describe('bad arguments', () => {
  it.each([
    [[]],
    [['ledger-of-everything']],
    [['record', 'STORE', 'EMPLOYEE']],
    [['record', 'STORE', 'EMPLOYEE', '--as-of', '2021-02-30']],
    [['record', 'STORE', 'EMPLOYEE', '--as-of', '2021-03-01', '--recorded-by', 'yesterday']],
    [['timeline', 'STORE', 'EMPLOYEE', '--format', 'xml']],
    [['timeline', 'STORE', 'EMPLOYEE', '--unit', 'x']],
    [['timeline', 'STORE', 'not-an-id']],
    [['timeline', 'STORE', 'EMPLOYEE', '--digest', 'kept.json']],
    [['roster', 'STORE', '--as-of', '2021-03-01', '--format', 'text']],
    [['roster', 'STORE', '--as-of', '2021-03-01', '--bogus']],
  ])(
    '%j: exit 2 with the usage',
    (args) => {
      const run = ledgerAudit(...args.map((a) => (a === 'STORE' ? storePath : a === 'EMPLOYEE' ? employeeId : a)));
      expect(run).toMatchObject({ status: 2, stdout: '' });
      expect(run.stderr).toContain('usage: ./ledger audit <command> [store file] [options]');
    },
    60_000,
  );

  it('exit 1 when there is no store file', () => {
    const run = ledgerAudit('timeline', join(dir, 'missing.db'), employeeId);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no event store file at');
  }, 60_000);

  it('exit 1 when the EventStoreDB server does not answer (--esdb), after a few tries', () => {
    const run = ledgerAudit('timeline', employeeId, '--esdb', 'esdb://127.0.0.1:1?tls=false', '--audit-log', join(dir, 'esdb-trail.db'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^audit: FAILED: /m);
  }, 60_000);
});

describe('with a kept digest', () => {
  let digestDir: string;
  let kept: string;
  let publicKey: string;
  let copy: string;

  beforeAll(async () => {
    digestDir = mkdtempSync(join(tmpdir(), 'asn-audit-digest-'));
    // The auditor's own copy of the store, so that the other tests keep theirs.
    copy = join(digestDir, 'asn.db');
    const db = new Database(storePath, { readonly: true });
    await db.backup(copy);
    db.close();
    const key = loadOrCreateDigestKey(join(digestDir, 'digest-signing.key'));
    kept = join(digestDir, 'kept.json');
    writeFileSync(kept, JSON.stringify(await digestSqliteFile(copy, key.privateKey)));
    publicKey = key.publicKeyPath;
    // The store went on after the digest: one more decision about the employee.
    const store = openSqliteEventStore({ path: copy });
    await record(store, assigned(employeeId, '2022-01-01', pelaksana('Pengelola Keuangan')));
    await store.close();
  });
  afterAll(() => rmSync(digestDir, { recursive: true, force: true }));

  it('proves the record unchanged since the digest, naming what the digest does not cover', () => {
    const run = ledgerAudit(
      'record',
      copy,
      employeeId,
      '--as-of',
      '2021-03-01',
      '--digest',
      kept,
      '--public-key',
      publicKey,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/rank {7}III\/c/);
    expect(run.stdout).toMatch(
      /Proof: proven unchanged since the digest of .* \(8 events up to position 8, key [0-9a-f]{16}\); 4 of this employee's events are covered by it, 1 recorded after it are not/,
    );
  }, 60_000);

  it('detects a stream rewritten with its chain recomputed, names it, and exits 1', () => {
    rewriteStream(copy, `employee-${employeeId}`, (row) =>
      row.type === 'DecisionCorrected' ? row.data.replace('"III/c"', '"IV/a"') : row.data,
    );
    const run = ledgerAudit(
      'record',
      copy,
      employeeId,
      '--as-of',
      '2021-03-01',
      '--digest',
      kept,
      '--public-key',
      publicKey,
      '--format',
      'json',
    );
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      rank: { golongan: 'IV/a' },
      proof: { ok: false, problem: { kind: 'head-differs', stream: `employee-${employeeId}` } },
    });
    const text = ledgerAudit('timeline', copy, employeeId, '--digest', kept, '--public-key', publicKey);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`Proof: NOT PROVEN: head-differs at stream employee-${employeeId}`);
  }, 90_000);

  it('refuses a digest changed after signing before reading the store', () => {
    const forged = join(digestDir, 'forged.json');
    const signed = JSON.parse(readFileSync(kept, 'utf8')) as { digest: { position: number } };
    signed.digest.position = 5;
    writeFileSync(forged, JSON.stringify(signed));
    const run = ledgerAudit(
      'timeline',
      storePath,
      employeeId,
      '--digest',
      forged,
      '--public-key',
      publicKey,
      '--format',
      'csv',
    );
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(/^eventId,/);
    expect(run.stderr).toContain('audit: proof: NOT PROVEN: bad-signature');
  }, 60_000);
});

describe('a large store', () => {
  it('shows its progress on stderr every 10,000 events', async () => {
    const path = join(dir, 'large.db');
    const store = openSqliteEventStore({ path });
    const unitId = await establishUnit(store, undefined, 'Dinas Besar');
    await store.appendToStream(
      `unit-${unitId}`,
      Array.from({ length: 10_000 }, (_, i) => ({
        id: newId(),
        type: 'UnitRenamed',
        data: { name: `Dinas Besar ${i}`, tmt: '2011-01-01', legalBasis: 'Perwali 5/2024' },
      })),
    );
    await store.close();
    const run = ledgerAudit('roster', path, '--as-of', '2021-03-01', '--format', 'jsonl');
    expect(run).toMatchObject({ status: 0, stdout: '' });
    expect(run.stderr).toContain('audit: read 10,000 events (position 10,000 of 10,001)');
    expect(run.stderr).toContain('audit: read 10,001 events up to position 10,001');
  }, 120_000);
});

interface Row {
  position: number;
  revision: number;
  id: Buffer;
  type: string;
  schema_version: number;
  recorded_at: number;
  data: string;
  metadata: string;
}

/** What an insider with write access to the file does: edit events, then recompute the stream's chain and head so that verify passes. */
const rewriteStream = (path: string, stream: string, edit: (row: Row) => string): void => {
  const db = new Database(path);
  db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT e.position, e.revision, e.id, e.type, e.schema_version, e.recorded_at, e.data, e.metadata
         FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.name = ? ORDER BY e.revision`,
      )
      .all(stream) as Row[];
    let previous = GENESIS_HASH;
    for (const row of rows) {
      const content = edit(row);
      const hex = row.id.toString('hex');
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      previous = eventHash(previous, {
        stream,
        revision: row.revision,
        id,
        type: row.type,
        schemaVersion: row.schema_version,
        recordedAt: row.recorded_at,
        data: content,
        metadata: row.metadata,
      });
      db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?').run(content, previous, row.position);
    }
    db.prepare('UPDATE streams SET head = ? WHERE name = ?').run(previous, stream);
  })();
  db.close();
};

describe('the audit trail of the offline command', () => {
  const trail = (path: string) => {
    const log = openSqliteAuditLog({ path });
    try {
      return log.query({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000), limit: 1000 }).items;
    } finally {
      log.close();
    }
  };

  it('records every read and export, with the employees it showed, beside the store file before printing', () => {
    const before = trail(join(dir, 'reporting.audit.db')).length;
    expect(ledgerAudit('record', storePath, employeeId, '--as-of', '2021-03-01').status).toBe(0);
    expect(ledgerAudit('roster', storePath, '--as-of', '2021-03-01').status).toBe(0);
    const rows = trail(join(dir, 'reporting.audit.db')).slice(before);
    expect(rows.map((r) => r.action)).toEqual(['cli-read-record-as-of', 'cli-export-roster']);
    expect(rows[0]?.subjects).toEqual([employeeId]);
    expect(rows[1]?.subjects).toEqual(expect.arrayContaining([employeeId, colleagueId]));
    expect(rows[0]?.role).toBe('auditor');
  });

  it('records in the trail named by --audit-log, and prints nothing when the trail cannot be written', () => {
    const elsewhere = join(dir, 'kept', 'trail.db');
    const unwritable = join(dir, 'no-such-dir', 'trail.db');
    expect(ledgerAudit('timeline', storePath, employeeId, '--audit-log', unwritable)).toMatchObject({ status: 1, stdout: '' });
    mkdirSync(join(dir, 'kept'));
    expect(ledgerAudit('timeline', storePath, employeeId, '--audit-log', elsewhere).status).toBe(0);
    expect(trail(elsewhere).map((r) => r.action)).toEqual(['cli-read-timeline']);
  });
});
