// The conformance suite on a real EventStoreDB: ESDB_CONNECTION_STRING when set, else a container of the pinned
// image (eventstore/eventstore:24.10, as docker-compose.yml) where Docker runs, else skipped with the reason
// printed, unless REQUIRE_INFRA names esdb (then it fails).
import { randomUUID } from 'node:crypto';
import { expect, it } from '@jest/globals';
import { describeEventStoreConformance } from '@asn/event-store/conformance';
import { describeWithInfra } from '@asn/testing';
import { connectEsdb } from './client';
import { openEsdbEventStore } from './esdbEventStore';

describeWithInfra('esdb', (getInfra) => {
  // Each case gets a ledger of its own on the one server (a namespace: its streams are `<namespace>.<stream>`
  // there), so that the suite's "empty store" and global-log cases hold as on a fresh SQLite file.
  const open = () => openEsdbEventStore({ client: connectEsdb(getInfra().connectionString), pollMs: 50, namespace: `t${randomUUID().replaceAll('-', '').slice(0, 20)}` });

  describeEventStoreConformance('EventStoreDB', async () => ({ store: open() }), {
    gapFreePositions: false,
    longStreamEvents: 4_000,
    boundedMemory: false,
    afterOnlyStorePositions: true,
  });

  it('verifies the hash chain of what it stored', async () => {
    const store = open();
    const stream = `employee-${randomUUID()}`;
    await store.appendToStream(stream, [{ id: randomUUID(), type: 'Appointed', data: { golongan: 'III/a' } }]);
    await store.appendToStream(stream, [{ id: randomUUID(), type: 'Promoted', data: { golongan: 'III/b' } }], { expectedRevision: 0 });
    const report = await store.verify();
    await store.close();
    expect(report).toMatchObject({ ok: true });
    expect(report.events).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
