import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openLocalBus, type Consumer, type DecodedEvent, type LocalBus } from '@asn/bus';
import { evaluationEventRegistry, personnelEventRegistry, streamId, Topics, unitEventRegistry } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import Database from 'better-sqlite3';
import { combineRegistries, project } from './project';

const finalised = (employeeId: string, year: number, predicate = 'baik'): NewEvent => ({
  id: newId(),
  type: 'AppraisalFinalised',
  data: {
    employeeId,
    unitId: randomUUID(),
    period: { kind: 'annual', year },
    results: 'meets',
    behaviour: 'meets',
    predicate,
    finalisedBy: 'reviewer-1',
    finalisedOn: `${year + 1}-01-15`,
    objectionUntil: `${year + 1}-01-29`,
  },
});
const closed = (): NewEvent => ({
  id: newId(),
  type: 'AppraisalClosed',
  data: { reason: 'employee-left', tmt: '2026-03-01' },
});

describe('a read model projected from a topic', () => {
  let dir: string;
  let store: SqliteEventStore;
  let storePath: string;
  let bus: LocalBus;
  let db: Database.Database;
  let consumer: Consumer | undefined;
  const steps: string[] = [];
  const rows = () =>
    db.prepare('SELECT stream, predicate FROM model ORDER BY stream').all() as { stream: string; predicate: string }[];
  const apply = (event: DecodedEvent): void => {
    steps.push(`apply ${event.eventType}`);
    const { predicate } = event.data as { predicate?: string };
    db.prepare(
      'INSERT INTO model (stream, predicate) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET predicate = excluded.predicate',
    ).run(event.subject, predicate ?? 'closed');
  };

  beforeEach(() => {
    steps.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'asn-runtime-'));
    storePath = join(dir, 'asn.db');
    store = openSqliteEventStore({ path: storePath, pollMs: 20 });
    bus = openLocalBus({ store, path: storePath });
    db = new Database(join(dir, 'readmodel.db'));
    db.exec('CREATE TABLE model (stream TEXT PRIMARY KEY, predicate TEXT NOT NULL)');
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await bus.close();
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies each event once, also when the bus delivers it again (P8)', async () => {
    const stream = streamId('evaluation', newId());
    await store.appendToStream(stream, [finalised(randomUUID(), 2024), closed()]);
    const options = {
      bus,
      group: 'personnel',
      topics: [Topics.evaluation],
      registry: evaluationEventRegistry,
      db,
      apply,
    };
    consumer = await project(options);
    await consumer.caughtUp;
    await consumer.stop();
    expect(steps).toEqual(['apply AppraisalFinalised', 'apply AppraisalClosed']);

    // A crash before the bus checkpoint moved: everything is delivered again.
    await store.checkpoints('bus:personnel').save(0);
    consumer = await project(options);
    await consumer.caughtUp;
    expect(steps).toHaveLength(2);
    expect(rows()).toEqual([{ stream, predicate: 'closed' }]);
    expect(bus.deadLetters('personnel')).toEqual([]);
  });

  it('runs the reaction before the read model is updated, and not again for an event already applied', async () => {
    const stream = streamId('evaluation', newId());
    await store.appendToStream(stream, [finalised(randomUUID(), 2024)]);
    const react = async (event: DecodedEvent): Promise<void> => {
      steps.push(`react ${event.eventType} seen=${rows().length}`);
    };
    const options = {
      bus,
      group: 'training',
      topics: [Topics.evaluation],
      registry: evaluationEventRegistry,
      db,
      apply,
      react,
    };
    consumer = await project(options);
    await consumer.caughtUp;
    await consumer.stop();
    await store.checkpoints('bus:training').save(0);
    consumer = await project(options);
    await consumer.caughtUp;
    expect(steps).toEqual(['react AppraisalFinalised seen=0', 'apply AppraisalFinalised']);
  });

  it('writes nothing of an event whose update throws, dead-letters it with the reason, and goes on', async () => {
    const failing = streamId('evaluation', newId());
    const fine = streamId('evaluation', newId());
    await store.appendToStream(failing, [finalised(randomUUID(), 2024, 'kurang')]);
    await store.appendToStream(fine, [finalised(randomUUID(), 2024)]);
    consumer = await project({
      bus,
      group: 'strict',
      topics: [Topics.evaluation],
      registry: evaluationEventRegistry,
      db,
      apply: (event) => {
        apply(event);
        if ((event.data as { predicate: string }).predicate === 'kurang')
          throw new RangeError('no such predicate here');
      },
    });
    await consumer.caughtUp;
    expect(rows()).toEqual([{ stream: fine, predicate: 'baik' }]);
    expect(bus.deadLetters('strict')).toEqual([
      expect.objectContaining({ errorClass: 'RangeError', reason: 'no such predicate here' }),
    ]);
    // The inbox was rolled back with the model: the failed stream's revision 0 is still to be applied.
    expect(db.prepare('SELECT count(*) AS n FROM inbox WHERE stream = ?').get(failing)).toEqual({ n: 0 });
  });

  it('dead-letters data its registry refuses, before any reaction', async () => {
    const stream = streamId('evaluation', newId());
    await store.appendToStream(stream, [{ ...finalised(randomUUID(), 2024), data: { employeeId: 'not-an-id' } }]);
    consumer = await project({
      bus,
      group: 'schema',
      topics: [Topics.evaluation],
      registry: evaluationEventRegistry,
      db,
      apply,
      react: () => void steps.push('react'),
    });
    await consumer.caughtUp;
    expect(steps).toEqual([]);
    expect(bus.deadLetters('schema')).toEqual([expect.objectContaining({ errorClass: 'EventSchemaError' })]);
  });

  it('decodes a topic that carries the events of two registries', async () => {
    const unit = streamId('unit', newId());
    const established = {
      id: newId(),
      type: 'UnitEstablished',
      data: { name: 'Dinas Pendidikan', code: 'DISDIK', tmt: '2026-01-02', legalBasis: 'Perda 6/2026' },
    };
    await store.appendToStream(unit, [established]);
    const options = {
      bus,
      topics: [Topics.personnel],
      db,
      apply: (event: DecodedEvent) => void steps.push(`${event.eventType} ${event.subject}`),
    };
    consumer = await project({ ...options, group: 'both', registry: [personnelEventRegistry, unitEventRegistry] });
    await consumer.caughtUp;
    await consumer.stop();
    consumer = await project({ ...options, group: 'employees-only', registry: personnelEventRegistry });
    await consumer.caughtUp;
    expect(steps).toEqual([`UnitEstablished ${unit}`]);
    expect(bus.deadLetters('both')).toEqual([]);
    expect(bus.deadLetters('employees-only')).toEqual([
      expect.objectContaining({ errorClass: 'UnknownEventTypeError' }),
    ]);
    const combined = combineRegistries(personnelEventRegistry, unitEventRegistry);
    expect(combined.jsonSchemas()).toHaveLength(
      personnelEventRegistry.jsonSchemas().length + unitEventRegistry.jsonSchemas().length,
    );
  });
});
