// The Kafka engine against a real broker (infra/kafka in dev and CI): relay -> topic -> consumer group with
// an inbox, poison messages to the dead-letter topic, duplicates and out-of-order revisions. Each test run
// uses its own topic prefix so that runs and parallel suites never see each other's messages.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteInbox, startRelay, withInbox, type Consumer } from '@asn/bus';
import { DeadLetterHeaders, deadLetterTopic, streamId, toCloudEvent, toKafkaMessage, Topics, type CloudEvent } from '@asn/contracts';
import { newId, type NewEvent } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { describeWithInfra, waitUntil } from '@asn/testing';
import Database from 'better-sqlite3';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { openKafkaBus, type KafkaBus } from './kafkaBus';

const noted = (count: number): NewEvent[] => Array.from({ length: count }, (_, n) => ({ id: newId(), type: 'Noted', data: { n } }));

/** Reads every message of a topic from the start (a fresh group), until `count` arrived. */
const readTopic = async (brokers: string[], topic: string, count: number): Promise<KafkaMessage[]> => {
  const kafka = new Kafka({ clientId: 'reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitUntil(`${count} messages on ${topic}`, () => messages.length >= count);
    return messages;
  } finally {
    await consumer.disconnect();
  }
};

describeWithInfra('kafka', (getInfra) => {
  const prefix = `test-${randomUUID().slice(0, 8)}.`;
  let dir: string;
  let store: SqliteEventStore;
  let bus: KafkaBus;
  let model: Database.Database;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'asn-kafka-'));
    store = openSqliteEventStore({ path: join(dir, 'asn.db'), pollMs: 20 });
    bus = openKafkaBus({ brokers: getInfra().brokers, clientId: 'bus-e2e', topicPrefix: prefix });
    model = new Database(join(dir, 'model.db'));
    model.exec('CREATE TABLE applied (stream TEXT NOT NULL, revision INTEGER NOT NULL, PRIMARY KEY (stream, revision))');
  }, 60_000);
  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await bus?.close();
    model?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const record = (event: CloudEvent): void =>
    void model.prepare('INSERT INTO applied (stream, revision) VALUES (?, ?)').run(event.subject, event.streamrevision);
  const appliedOf = (stream: string): number[] =>
    model
      .prepare<[string], { revision: number }>('SELECT revision FROM applied WHERE stream = ? ORDER BY rowid')
      .all(stream)
      .map((row) => row.revision);

  it('relays committed events to the topic as CloudEvents, and a consumer group applies them in order', async () => {
    const streams = [streamId('employee', newId()), streamId('unit', newId())];
    for (const stream of streams) await store.appendToStream(stream, noted(20), {});
    await store.appendToStream(streamId('feedback', newId()), noted(3));
    const relay = startRelay({ store, checkpoint: store.checkpoints('relay'), context: 'personnel', publisher: bus, batchSize: 7 });
    try {
      await relay.caughtUp;
      await waitUntil('relay acknowledged', async () => (await relay.status()).lag === 0);
      const consumer = await bus.subscribe({ group: 'payroll', topics: [Topics.personnel], handle: withInbox(openSqliteInbox(model, 'payroll'), record) });
      await consumer.caughtUp;
      for (const stream of streams) expect(appliedOf(stream)).toEqual([...Array(20).keys()]);
      // The group restarted after consuming everything: caught up at once, nothing redelivered.
      await consumer.stop();
      let redelivered = 0;
      const restarted = await bus.subscribe({ group: 'payroll', topics: [Topics.personnel], handle: () => void (redelivered += 1) });
      consumers.push(restarted);
      await restarted.caughtUp;
      expect(redelivered).toBe(0);
      const onTopic = await readTopic(getInfra().brokers, `${prefix}${Topics.personnel}`, 40);
      const first = onTopic.find((m) => m.headers?.ce_subject?.toString() === streams[0] && m.headers?.ce_streamrevision?.toString() === '0');
      expect(first?.key?.toString()).toBe(streams[0]!.slice('employee-'.length));
      expect(first?.headers?.['content-type']?.toString()).toBe('application/json');
      expect(first?.headers?.ce_type?.toString()).toBe('asn.personnel.Noted.v1');
      expect(JSON.parse(first!.value!.toString())).toEqual({ n: 0 });
    } finally {
      await relay.stop();
    }
  });

  it('sends poison messages to the group dead-letter topic with the reason, applies duplicates once, refuses a skipped revision, and goes on', async () => {
    const kafka = new Kafka({ clientId: 'poisoner', brokers: getInfra().brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const topic = `${prefix}${Topics.personnel}`;
    const stream = streamId('employee', newId());
    await store.appendToStream(stream, noted(4));
    const recorded = [];
    for await (const event of store.readStream(stream)) recorded.push(event);
    const [e0, e1, e2, e3] = recorded.map((e) => toKafkaMessage(toCloudEvent(e)));
    try {
      await producer.send({
        topic,
        messages: [
          { ...e0!, headers: { ...e0!.headers } },
          { key: e1!.key, value: Buffer.from('{not json'), headers: e1!.headers }, // bytes that are not JSON
          { key: e1!.key, value: e1!.value, headers: { ...e1!.headers, ce_type: 'nonsense' } }, // a broken header
          { key: null, value: e1!.value, headers: e1!.headers }, // a null key
          { key: e1!.key, value: null, headers: e1!.headers }, // a null value
          e0!, // a duplicate delivery
          e2!, // revision 2 before 1
          e1!,
          e2!,
          e3!,
        ],
      });
      const handled: number[] = [];
      const inbox = openSqliteInbox(model, 'inspectorate');
      const consumer = await bus.subscribe({
        group: 'inspectorate',
        topics: [Topics.personnel],
        handle: (event) => {
          if (event.subject !== stream) return;
          inbox.apply(event, () => void handled.push(event.streamrevision));
        },
      });
      consumers.push(consumer);
      await consumer.caughtUp;
      expect(handled).toEqual([0, 1, 2, 3]);
      const letters = await readTopic(getInfra().brokers, `${prefix}${deadLetterTopic(Topics.personnel, 'inspectorate')}`, 5);
      const reasons = letters.map((m) => `${m.headers?.[DeadLetterHeaders.errorClass]?.toString()}: ${m.headers?.[DeadLetterHeaders.reason]?.toString()}`);
      // The message without a key lands on any partition, so only the keyed ones keep their relative order.
      expect(reasons).toHaveLength(5);
      expect(reasons).toEqual(expect.arrayContaining([
        'InvalidCloudEventError: the message value is not JSON',
        expect.stringMatching(/^InvalidCloudEventError: invalid CloudEvent headers: ce_type/),
        'InvalidCloudEventError: the message has no key (the aggregate id)',
        'InvalidCloudEventError: the message has no value (data)',
        `OutOfOrderError: ${stream}: revision 2 arrived before revision 1`,
      ]));
      const notJson = letters.find((m) => m.value?.toString() === '{not json');
      expect(notJson?.headers?.[DeadLetterHeaders.group]?.toString()).toBe('inspectorate');
      expect(notJson?.headers?.[DeadLetterHeaders.topic]?.toString()).toBe(Topics.personnel);
      expect(notJson?.headers?.ce_id?.toString()).toBe(e1!.headers.ce_id);
    } finally {
      await producer.disconnect();
    }
  });

  it('survives rebalances: a second member joins and the first leaves mid-stream, yet every event is applied once and in order', async () => {
    const streams = Array.from({ length: 12 }, () => streamId('employee', newId()));
    for (const stream of streams) await store.appendToStream(stream, noted(15));
    const relay = startRelay({ store, checkpoint: store.checkpoints('relay'), context: 'personnel', publisher: bus });
    await relay.caughtUp;
    await waitUntil('relay acknowledged', async () => (await relay.status()).lag === 0);
    await relay.stop();
    // One read model, two replicas of the consumer: each with its own connection, as two processes would.
    const file = join(dir, 'planning.db');
    const [a, b] = [new Database(file), new Database(file)];
    a.exec('CREATE TABLE IF NOT EXISTS applied (stream TEXT NOT NULL, revision INTEGER NOT NULL) STRICT');
    const member = (db: Database.Database) => {
      const inbox = openSqliteInbox(db, 'planning');
      const insert = db.prepare('INSERT INTO applied (stream, revision) VALUES (?, ?)');
      return bus.subscribe({
        group: 'planning',
        topics: [Topics.personnel],
        handle: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 60)); // slow enough for both rebalances to land mid-stream
          inbox.apply(event, () => void insert.run(event.subject, event.streamrevision));
        },
      });
    };
    const ours = new Set(streams);
    const applied = () => a.prepare<[], { stream: string; revision: number }>('SELECT stream, revision FROM applied ORDER BY rowid').all().filter((row) => ours.has(row.stream));
    const first = await member(a);
    let second: Consumer | undefined;
    try {
      await waitUntil('the first member applied some', () => applied().length >= 10);
      second = await member(b);
      const atJoin = applied().length;
      await waitUntil('both members applied more', () => applied().length >= atJoin + 20, 60_000);
      await first.stop();
      const atLeave = applied().length;
      await waitUntil('the second member applied the rest', () => applied().length >= 180, 90_000);
      // Both rebalances happened with work left, or the test would prove nothing.
      expect(atJoin).toBeLessThan(180);
      expect(atLeave).toBeLessThan(180);
      const rows = applied();
      expect(rows).toHaveLength(180);
      for (const stream of streams) {
        expect(rows.filter((row) => row.stream === stream).map((row) => row.revision)).toEqual([...Array(15).keys()]);
      }
    } finally {
      await first.stop().catch(() => undefined);
      await second?.stop();
      a.close();
      b.close();
    }
  }, 240_000);
});

describe('the Kafka bus without a broker', () => {
  it('refuses a consumer group that cannot name a dead-letter topic, before connecting', async () => {
    const bus = openKafkaBus({ brokers: ['127.0.0.1:1'], clientId: 'nobody' });
    await expect(bus.subscribe({ group: 'payroll; drop', topics: [Topics.personnel], handle: () => undefined })).rejects.toThrow(RangeError);
    await bus.close();
  });

  it('fails a publish with an error instead of hanging, so the relay can retry', async () => {
    const bus = openKafkaBus({ brokers: ['127.0.0.1:1'], clientId: 'nobody', connectionTimeoutMs: 200, requestTimeoutMs: 500 });
    try {
      const event = toCloudEvent({
        id: newId(),
        type: 'Noted',
        schemaVersion: 1,
        stream: streamId('employee', newId()),
        revision: 0,
        position: 1,
        recordedAt: new Date(),
        data: {},
        metadata: {},
      });
      await expect(bus.publish(Topics.personnel, [event])).rejects.toThrow();
    } finally {
      await bus.close();
    }
  }, 60_000);
});
