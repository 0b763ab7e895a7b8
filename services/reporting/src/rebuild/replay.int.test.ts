import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { anEmployeeId, appointed, aUnitId, decided, establishUnit, record, transferred } from '@asn/org-chart/testing';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { openReadModels } from '../readModels';
import { replayInto } from './replay';

// replayInto on a real store file: many events per transaction, and an event that cannot be applied left out alone.

const U1 = aUnitId(1);
const U2 = aUnitId(2);
const [A, B, C] = [anEmployeeId(1), anEmployeeId(2), anEmployeeId(3)];

let dir: string;
let store: SqliteEventStore;
let db: Database.Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asn-replay-'));
  // No contract check on this store: it stands for one written before it, or by hand, with what the check refuses.
  store = openSqliteEventStore({ path: join(dir, 'asn.db') });
  db = new Database(join(dir, 'readmodel.db'));
  await establishUnit(store, U1, 'Dinas Pendidikan');
  await establishUnit(store, U2, 'Dinas Kesehatan');
  await record(store, appointed(A, '2015-01-01', { unitId: U1 }), appointed(B, '2016-01-01', { unitId: U2 }));
});
afterEach(async () => {
  db.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const replay = (batchSize: number) => replayInto({ store, db, readModels: openReadModels(db), group: 'reporting', batchSize });

describe('replayInto', () => {
  it('applies every event of the store, however many go into one transaction', async () => {
    await record(store, transferred(A, '2020-01-01', U2), decided(B, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2021-04-01'));
    for (const batchSize of [1, 3, 1_000]) {
      const fresh = new Database(':memory:');
      const result = await replayInto({ store, db: fresh, readModels: openReadModels(fresh), group: 'reporting', batchSize });
      const models = openReadModels(fresh);
      expect({ batchSize, events: result.events, skipped: result.skippedCount }).toEqual({ batchSize, events: 6, skipped: 0 });
      expect(models.careers.recordOf(A, '2020-06-01')?.unit.unitId).toBe(U2);
      expect(models.careers.recordOf(B, '2021-06-01')?.rank?.golongan).toBe('III/b');
      expect(models.orgChart.employeeOn(A, '2020-06-01')?.unitId).toBe(U2);
      fresh.close();
    }
  });

  it('reports its progress once the events counted are applied and committed', async () => {
    await record(store, transferred(A, '2020-01-01', U2), decided(B, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2021-04-01'));
    const reader = new Database(join(dir, 'readmodel.db'), { readonly: true });
    const seen: { events: number; committed: number }[] = [];
    // The inbox holds each stream's last applied revision: the sum of (revision + 1) is the events committed.
    const committed = () => (reader.prepare('SELECT coalesce(sum(revision + 1), 0) AS n FROM inbox').get() as { n: number }).n;
    db.pragma('journal_mode = WAL');
    await replayInto({ store, db, readModels: openReadModels(db), group: 'reporting', batchSize: 4, progressEvery: 2, onProgress: ({ events }) => seen.push({ events, committed: committed() }) });
    reader.close();
    expect(seen).toEqual([
      { events: 2, committed: 2 },
      { events: 4, committed: 4 },
      { events: 6, committed: 6 },
      { events: 6, committed: 6 },
    ]);
  });

  it('trusts the store\'s check on append, unless asked to validate each event as the live consumer does', async () => {
    // Written past the check (this store has none): a promotion to a rank that does not exist.
    const bad = decided(B, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2021-04-01');
    await store.appendToStream(`employee-${B}`, [{ id: newId(), type: bad.eventType, data: { ...(bad.data as object), decision: { kind: 'promotion', promotionKind: 'regular', golongan: 'IX/z' } } }]);

    const trusted = await replay(1_000);
    expect(trusted.skippedCount).toBe(0);
    expect(openReadModels(db).careers.recordOf(B, '2021-06-01')?.rank?.golongan).toBe('IX/z');

    const strict = new Database(':memory:');
    const validated = await replayInto({ store, db: strict, readModels: openReadModels(strict), group: 'reporting', validate: true });
    expect(validated.skipped.map((s) => ({ stream: s.stream, revision: s.revision, reason: s.reason.split(':')[0] }))).toEqual([{ stream: `employee-${B}`, revision: 1, reason: 'EventSchemaError' }]);
    expect(openReadModels(strict).careers.recordOf(B, '2021-06-01')?.rank?.golongan).not.toBe('IX/z');
    strict.close();
  });

  it('leaves out an event it cannot apply, alone: the rest of its transaction is applied, and the event is reported', async () => {
    // A unit event on an employee stream (the org chart refuses it) and a type no contract knows, between good events.
    await record(store, transferred(A, '2020-01-01', U2));
    await store.appendToStream(`employee-${B}`, [{ id: newId(), type: 'UnitRenamed', data: { name: 'Dinas Lain' } }]);
    await store.appendToStream(`employee-${A}`, [{ id: newId(), type: 'EmployeeTeleported', data: {} }]);
    await record(store, decided(B, { kind: 'promotion', promotionKind: 'regular', golongan: 'III/b' }, '2021-04-01'), appointed(C, '2022-01-01', { unitId: U1 }));

    const result = await replay(1_000);

    expect(result.events).toBe(9);
    // B's promotion comes after B's refused event: it waits, as it would in the live consumer's dead letters.
    expect(result.skipped.map((s) => ({ stream: s.stream, revision: s.revision, type: s.type, reason: s.reason.split(':')[0] }))).toEqual([
      { stream: `employee-${B}`, revision: 1, type: 'UnitRenamed', reason: 'InvalidStreamIdError' },
      { stream: `employee-${A}`, revision: 2, type: 'EmployeeTeleported', reason: 'UnknownEventTypeError' },
      { stream: `employee-${B}`, revision: 2, type: 'EmployeePromoted', reason: 'OutOfOrderError' },
    ]);
    expect(result.skippedCount).toBe(3);
    const models = openReadModels(db);
    // Before and after the refused events, in the same transaction: applied.
    expect(models.careers.recordOf(A, '2020-06-01')?.unit.unitId).toBe(U2);
    expect(models.careers.timeline(B).map((e) => e.eventType)).toEqual(['EmployeeAppointed']);
    expect(models.careers.recordOf(C, '2022-06-01')?.unit.unitId).toBe(U1);
    expect(models.orgChart.employeeOn(C, '2022-06-01')?.unitId).toBe(U1);
    expect(models.orgChart.unit(U2)?.name).toBe('Dinas Kesehatan');
    // The inbox stands where the live consumer would: each stream at its last applied revision.
    const inbox = db.prepare('SELECT stream, revision FROM inbox WHERE consumer = ? AND stream LIKE ? ORDER BY stream').all('reporting', 'employee-%');
    expect(inbox).toEqual(
      [
        { stream: `employee-${A}`, revision: 1 },
        { stream: `employee-${B}`, revision: 0 },
        { stream: `employee-${C}`, revision: 0 },
      ].sort((x, y) => (x.stream < y.stream ? -1 : 1)),
    );
  });
});
