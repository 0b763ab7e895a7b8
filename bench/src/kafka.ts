/**
 * The relay line (issue 4): events already committed to our SQLite store, published by the relay to a real
 * Kafka broker until every one is acknowledged, beside a raw kafkajs producer sending the very same
 * messages (same CloudEvents encoding, same batch size, same idempotent acks=all producer) to the same
 * broker. Then commit-to-ack lag: events committed at 80 % of the relay's measured rate while the relay
 * runs, each event's time from the store's commit to the broker's ack. Needs KAFKA_BROKERS; each run uses
 * topics of its own (a random prefix), deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startRelay } from '@asn/bus';
import { openKafkaBus, startRelayThread } from '@asn/bus-kafka';
import { streamId, toCloudEvent, toKafkaMessage, Topics, type CloudEvent } from '@asn/contracts';
import { newId, type RecordedEvent } from '@asn/event-store';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { type BenchConfig, type EngineResult, log, type Measurement } from './common';

export const RELAY_OP = 'relay.kafka';
export const RELAY_LAG_OP = 'relay.kafka.lag';
export const RELAY_THREAD_LAG_OP = 'relay.kafka.lag.thread';
const BATCH = 1_000;
const STREAMS = 2_000;

const payload = (n: number) => ({ n, note: 'x'.repeat(180) });

export const runKafka = async (cfg: BenchConfig): Promise<EngineResult> => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('no KAFKA_BROKERS: start one with infra/kafka/start.sh');
  const total = Math.round(100_000 * cfg.scale);
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;
  const store = openSqliteEventStore({ path: join(cfg.dir, 'relay.db') });
  const streams = Array.from({ length: STREAMS }, () => streamId('employee', newId()));
  const measurements: Measurement[] = [];
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    // The committed events: the same ones both producers send.
    for (let done = 0; done < total; ) {
      const count = Math.min(100, total - done);
      const stream = streams[(done / 100) % STREAMS]!;
      await store.appendToStream(stream, Array.from({ length: count }, (_, i) => ({ id: newId(), type: 'Noted', data: payload(done + i) })));
      done += count;
    }
    const committed: CloudEvent[] = [];
    for await (const event of store.readAll({ categories: ['employee'] })) committed.push(toCloudEvent(event));
    log(`kafka: ${total.toLocaleString('en-US')} events committed; broker ${brokers.join(',')}, topic prefix ${prefix}`);

    // raw kafkajs: encode and send in batches, awaiting each ack, as the relay does.
    const rawTopic = `${prefix}raw`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: rawTopic, numPartitions: 6 }] });
    const producer = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Warm-up, not measured: the broker's first writes to new topics and the JIT would otherwise bill the
    // first row measured (run to run the raw row moved by 40 % without it).
    for (let i = 0; i < Math.min(20_000, committed.length); i += BATCH) {
      await producer.send({ topic: rawTopic, acks: -1, messages: committed.slice(i, i + BATCH).map(toKafkaMessage) });
    }
    const rawLatencies: number[] = [];
    const rawStart = performance.now();
    for (let i = 0; i < committed.length; i += BATCH) {
      const t = performance.now();
      await producer.send({ topic: rawTopic, acks: -1, messages: committed.slice(i, i + BATCH).map(toKafkaMessage) });
      rawLatencies.push(performance.now() - t);
    }
    measurements.push({ op: RELAY_OP, label: 'publish to Kafka (1,000/request)', engine: 'raw', events: committed.length, ms: performance.now() - rawStart, latencies: rawLatencies });
    await producer.disconnect();

    // ours: the relay from checkpoint 0 until the broker acknowledged the last event.
    const bus = openKafkaBus({ brokers, clientId: 'bench-relay', topicPrefix: prefix });
    await bus.ensureTopics([Topics.personnel]);
    const batchLatencies: number[] = [];
    let lastBatchStart = performance.now();
    const ours = performance.now();
    let acked = 0;
    let allAcked!: () => void;
    const finished = new Promise<void>((resolve) => (allAcked = resolve));
    const relay = startRelay({
      store,
      checkpoint: store.checkpoints('bench-relay'),
      context: 'personnel',
      publisher: bus,
      batchSize: BATCH,
      afterPublish: (events: readonly RecordedEvent[]) => {
        const t = performance.now();
        batchLatencies.push(t - lastBatchStart);
        lastBatchStart = t;
        acked += events.length;
        if (acked >= total) allAcked();
      },
    });
    await finished;
    const oursMs = performance.now() - ours;
    measurements.push({ op: RELAY_OP, label: 'publish to Kafka (1,000/request)', engine: 'ours', events: acked, ms: oursMs, latencies: batchLatencies });
    const peak = (acked * 1000) / oursMs;

    await relay.stop();
    // Commit-to-ack lag at 80 % of the relay's peak: commits paced every 10 ms for a bounded time, each
    // event's time from its commit to the ack of its page. Once with the relay on the main thread (beside
    // the commits, as in a service by default), once with the relay on a worker thread.
    const rate = 0.8 * peak;
    const lagMs = Math.min(10_000, cfg.loadMs);
    const measureLag = async (label: string, start: (onAck: (first: number, last: number, atMs: number) => void) => Promise<() => Promise<void>>): Promise<void> => {
      const commits: Array<{ first: number; last: number; at: number }> = [];
      const lags: number[] = [];
      let acknowledged = 0;
      const onAck = (first: number, last: number, atMs: number): void => {
        for (const c of commits) {
          if (c.last < first || c.first > last) continue;
          const count = Math.min(c.last, last) - Math.max(c.first, first) + 1;
          for (let i = 0; i < count; i += 1) lags.push(atMs - c.at);
          acknowledged += count;
        }
        while (commits.length > 0 && commits[0]!.last <= last) commits.shift();
      };
      const stop = await start(onAck);
      const began = performance.now();
      let sent = 0;
      while (performance.now() - began < lagMs) {
        const due = Math.floor(((performance.now() - began) / 1000) * rate) - sent;
        if (due > 0) {
          const events = Array.from({ length: due }, (_, i) => ({ id: newId(), type: 'Noted', data: payload(sent + i) }));
          const { position } = await store.appendToStream(streams[sent % STREAMS]!, events);
          commits.push({ first: position - due + 1, last: position, at: performance.timeOrigin + performance.now() });
          sent += due;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const deadline = performance.now() + 60_000;
      while (acknowledged < sent && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      measurements.push({
        op: label === 'main' ? RELAY_LAG_OP : RELAY_THREAD_LAG_OP,
        label: `commit-to-ack at 80% of peak (${Math.round(rate).toLocaleString('en-US')} ev/s), relay on the ${label} thread`,
        engine: 'ours',
        events: acknowledged,
        ms: performance.now() - began,
        latencies: lags,
        note: `${sent} committed, ${acknowledged} acknowledged`,
      });
      await stop();
    };
    await measureLag('main', async (onAck) => {
      await store.checkpoints('bench-lag').save(await store.headPosition());
      const mainRelay = startRelay({
        store,
        checkpoint: store.checkpoints('bench-lag'),
        context: 'personnel',
        publisher: bus,
        batchSize: BATCH,
        afterPublish: (events: readonly RecordedEvent[]) => onAck(events[0]!.position, events.at(-1)!.position, performance.timeOrigin + performance.now()),
      });
      await mainRelay.caughtUp;
      return () => mainRelay.stop();
    });
    await measureLag('worker', async (onAck) => {
      await store.checkpoints('bench-thread').save(await store.headPosition());
      const threadRelay = startRelayThread({
        storePath: join(cfg.dir, 'relay.db'),
        context: 'personnel',
        checkpoint: 'bench-thread',
        kafka: { brokers, clientId: 'bench-relay-thread', topicPrefix: prefix },
        batchSize: BATCH,
        onAck,
      });
      await threadRelay.caughtUp;
      return () => threadRelay.stop();
    });
    await bus.close();
    await admin.deleteTopics({ topics: [rawTopic, `${prefix}${Topics.personnel}`] }).catch(() => undefined);
    return { measurements };
  } finally {
    await admin.disconnect();
    await store.close();
  }
};
