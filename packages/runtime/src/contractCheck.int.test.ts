import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSchemaError } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { contractCheck } from './contractCheck';

// The contract check every service's store runs before an append (ADR 0010), on a real store file.

const unit = '00000000-0000-4000-8000-000000000001';
const data = { name: 'Dinas Pendidikan', code: 'DISDIK', tmt: '2010-01-01', legalBasis: 'Perda 1/2016' };
let dir: string;
let store: SqliteEventStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asn-contract-check-'));
  store = openSqliteEventStore({ path: join(dir, 'asn.db'), checkEvent: contractCheck });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = async (stream: string) => {
  const events = [];
  for await (const event of store.readStream(stream)) events.push(event);
  return events;
};

describe('the contract check on append', () => {
  it('stores an event that meets its contract', async () => {
    await store.appendToStream(`unit-${unit}`, [{ id: newId(), type: 'UnitEstablished', data }]);
    expect((await stored(`unit-${unit}`)).map((e) => e.data)).toEqual([data]);
  });

  it('refuses an append with an event that breaks its contract, naming the path and not the value, and writes none of it', async () => {
    const good = { id: newId(), type: 'UnitEstablished', data };
    const bad = { id: newId(), type: 'UnitRenamed', data: { name: 'X', tmt: '2011-02-30', legalBasis: 'Perda 2/2011' } };
    const refused = store.appendToStream(`unit-${unit}`, [good, bad]);
    await expect(refused).rejects.toThrow(EventSchemaError);
    await expect(refused).rejects.toThrow(/UnitRenamed v1 data fails its schema: name/);
    await expect(refused).rejects.not.toThrow(/Dinas/);
    expect(await stored(`unit-${unit}`)).toEqual([]);
    expect(await store.headPosition()).toBe(0);
  });

  it('refuses data with keys its contract does not have, and a version it does not know', async () => {
    await expect(store.appendToStream(`unit-${unit}`, [{ id: newId(), type: 'UnitEstablished', data: { ...data, nik: '1271010101010001' } }])).rejects.toThrow(EventSchemaError);
    await expect(store.appendToStream(`unit-${unit}`, [{ id: newId(), type: 'UnitEstablished', schemaVersion: 9, data }])).rejects.toThrow(/newer than the latest/);
    expect(await store.headPosition()).toBe(0);
  });

  it('lets an event of a type without a contract through as it is', async () => {
    await store.appendToStream('scratch-1', [{ id: newId(), type: 'SomethingInternal', data: { any: 'thing' } }]);
    expect((await stored('scratch-1')).map((e) => e.data)).toEqual([{ any: 'thing' }]);
  });
});
