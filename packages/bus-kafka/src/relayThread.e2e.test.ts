// The relay on a worker thread against the real broker: same relay, own connection and producer.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import { streamId, Topics } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { describeWithInfra } from '@asn/testing';
import { openKafkaBus } from './kafkaBus';
import { startRelayThread } from './relayThread';

describeWithInfra('kafka', (getInfra) => {
  it('publishes from its own thread, reports status and acks, and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asn-relay-thread-'));
    const prefix = `thread-${randomUUID().slice(0, 8)}.`;
    const path = join(dir, 'asn.db');
    const store = openSqliteEventStore({ path });
    const bus = openKafkaBus({ brokers: getInfra().brokers, clientId: 'thread-e2e', topicPrefix: prefix });
    const stream = streamId('employee', newId());
    await store.appendToStream(stream, Array.from({ length: 2_500 }, (_, n) => ({ id: newId(), type: 'Noted', data: { n } })));
    const acks: Array<[number, number]> = [];
    const relay = startRelayThread({
      storePath: path,
      context: 'personnel',
      checkpoint: 'relay:personnel',
      kafka: { brokers: getInfra().brokers, clientId: 'thread-relay', topicPrefix: prefix },
      onAck: (first, last) => void acks.push([first, last]),
    });
    try {
      await relay.caughtUp;
      expect(await relay.status()).toMatchObject({ state: 'publishing', lag: 0, published: 2_500, position: 2_500 });
      expect(acks).toEqual([[1, 1_000], [1_001, 2_000], [2_001, 2_500]]);
      expect(await store.checkpoints('relay:personnel').load()).toBe(2_500);
      const seen: number[] = [];
      const consumer = await bus.subscribe({ group: 'thread-check', topics: [Topics.personnel], handle: (e) => void seen.push(e.streamrevision) });
      await consumer.caughtUp;
      await consumer.stop();
      expect(seen).toEqual([...Array(2_500).keys()]);
    } finally {
      await relay.stop();
      expect((await relay.status()).state).toBe('stopped');
      await bus.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
