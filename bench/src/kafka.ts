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
import { openKafkaBus } from '@asn/bus-kafka';
import { streamId, toCloudEvent, toKafkaMessage, Topics, type CloudEvent } from '@asn/contracts';
import { newId, type RecordedEvent } from '@asn/event-store';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { type BenchConfig, type EngineResult, log, type Measurement } from './common';

export const RELAY_OP = 'relay.kafka';
export const RELAY_LAG_OP = 'relay.kafka.lag';
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

    // Commit-to-ack lag at 80 % of the relay's peak: commits paced every 10 ms, for a bounded time.
    const rate = 0.8 * peak;
    const lagMs = Math.min(10_000, cfg.loadMs);
    const lags: number[] = [];
    const committedAt = new Map<string, number>();
    const lagRelayStop = relay.stop();
    await lagRelayStop;
    const lagRelay = startRelay({
      store,
      checkpoint: store.checkpoints('bench-relay'),
      context: 'personnel',
      publisher: bus,
      batchSize: BATCH,
      afterPublish: (events: readonly RecordedEvent[]) => {
        const t = performance.now();
        for (const e of events) {
          const at = committedAt.get(e.id);
          if (at !== undefined) lags.push(t - at);
        }
      },
    });
    await lagRelay.caughtUp;
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < lagMs) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
      if (due > 0) {
        const events = Array.from({ length: due }, (_, i) => ({ id: newId(), type: 'Noted', data: payload(sent + i) }));
        const pending = store.appendToStream(streams[sent % STREAMS]!, events);
        void pending.then(() => {
          const at = performance.now();
          for (const e of events) committedAt.set(e.id, at);
        });
        await pending;
        sent += due;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const deadline = performance.now() + 30_000;
    while (lags.length < sent && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    measurements.push({
      op: RELAY_LAG_OP,
      label: `commit-to-ack at 80% of peak (${Math.round(rate).toLocaleString('en-US')} ev/s)`,
      engine: 'ours',
      events: lags.length,
      ms: performance.now() - start,
      latencies: lags,
      note: `${sent} committed, ${lags.length} acknowledged`,
    });
    await lagRelay.stop();
    await bus.close();
    await admin.deleteTopics({ topics: [rawTopic, `${prefix}${Topics.personnel}`] }).catch(() => undefined);
    return { measurements };
  } finally {
    await admin.disconnect();
    await store.close();
  }
};
