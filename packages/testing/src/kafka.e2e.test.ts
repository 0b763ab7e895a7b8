// Smoke test of a real Kafka broker (infra/kafka/start.sh in dev and CI, docker-compose elsewhere):
// create a topic, produce keyed messages with headers, consume them with a fresh group, delete the topic.
//
// Infrastructure discovery (see docs: Tests): KAFKA_BROKERS (comma-separated host:port) selects the broker.
// Without it the suite is skipped with a printed reason, unless REQUIRE_INFRA names `kafka` (CI sets it),
// in which case it fails, so the Kafka tier cannot silently vanish. Self-contained on purpose.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type LogEntry,
  type Producer,
} from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);
const required = (process.env.REQUIRE_INFRA ?? '')
  .toLowerCase()
  .split(/[\s,;]+/)
  .includes('kafka');

const STEP_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 60_000;

/** Rejects if `promise` does not settle within `ms`. */
async function within<T>(label: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** kafkajs logs are kept in memory and printed only when a test fails. */
const kafkaLogs: string[] = [];
const logCreator =
  () =>
  ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp, ...rest } = log;
    kafkaLogs.push(`${timestamp} ${logLevel[level]} [${namespace}] ${message} ${JSON.stringify(rest)}`);
    if (kafkaLogs.length > 200) kafkaLogs.shift();
  };
async function reportingLogsOnFailure(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    console.error(`kafkajs log before the failure (last ${kafkaLogs.length} entries):\n${kafkaLogs.join('\n')}`);
    throw error;
  }
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.map(String).join(',') : String(value),
    ]),
  );

const kafkaReason = 'KAFKA_BROKERS is not set (start a broker with infra/kafka/start.sh, which prints it)';

if (brokers.length === 0 && required) {
  describe('Kafka smoke test', () => {
    it('needs a Kafka broker because REQUIRE_INFRA includes kafka', () => {
      throw new Error(`REQUIRE_INFRA includes "kafka" but ${kafkaReason}`);
    });
  });
} else {
  if (brokers.length === 0) console.warn(`Skipping the Kafka smoke test: ${kafkaReason}.`);
  const describeKafka = brokers.length > 0 ? describe : describe.skip;

  describeKafka('Kafka smoke test', () => {
    const runId = `${Date.now()}-${randomUUID().slice(0, 8)}`;
    const topic = `asn.smoke.${runId}`;
    const groupId = `asn-smoke-${runId}`;
    const kafka = new Kafka({
      clientId: 'asn-kafka-smoke',
      brokers,
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
      logLevel: logLevel.INFO,
      logCreator,
    });
    let admin: Admin | undefined;
    let producer: Producer | undefined;
    let consumer: Consumer | undefined;

    beforeAll(async () => {
      admin = kafka.admin();
      await within('admin connect', STEP_TIMEOUT_MS, admin.connect());
      const created = await within(
        'create topic',
        STEP_TIMEOUT_MS,
        admin.createTopics({
          topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
          waitForLeaders: true,
        }),
      );
      expect(created).toBe(true);
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      const steps: Array<[string, (() => Promise<unknown>) | undefined]> = [
        ['consumer disconnect', consumer && (() => consumer!.disconnect())],
        ['producer disconnect', producer && (() => producer!.disconnect())],
        ['delete topic', admin && (() => admin!.deleteTopics({ topics: [topic], timeout: 10_000 }))],
        ['admin disconnect', admin && (() => admin!.disconnect())],
      ];
      const failures: string[] = [];
      for (const [label, step] of steps) {
        if (!step) continue;
        try {
          await within(label, STEP_TIMEOUT_MS, step());
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) {
        console.error(`kafkajs log:\n${kafkaLogs.join('\n')}`);
        throw new Error(`Kafka smoke test cleanup failed: ${failures.join('; ')}`);
      }
    }, TEST_TIMEOUT_MS);

    it(
      'produces keyed messages with headers and consumes them in order with a fresh group',
      () =>
        reportingLogsOnFailure(async () => {
          const sent = [1, 2, 3].map((n) => ({
            key: `employee-${n === 2 ? 'b' : 'a'}-${runId}`,
            value: JSON.stringify({ n, type: 'SmokeTested' }),
            headers: {
              ce_id: randomUUID(),
              ce_type: 'asn.smoke.tested.v1',
              ce_specversion: '1.0',
              'content-type': 'application/json',
              traceparent: `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`,
            },
          }));

          producer = kafka.producer({
            createPartitioner: Partitioners.DefaultPartitioner,
            allowAutoTopicCreation: false,
            idempotent: true,
            maxInFlightRequests: 1,
          });
          await within('producer connect', STEP_TIMEOUT_MS, producer.connect());
          const acks = await within('produce', STEP_TIMEOUT_MS, producer.send({ topic, acks: -1, messages: sent }));
          expect(acks).toHaveLength(1);
          expect(acks[0]?.errorCode).toBe(0);

          consumer = kafka.consumer({
            groupId,
            sessionTimeout: 10_000,
            rebalanceTimeout: 10_000,
            heartbeatInterval: 1_000,
            maxWaitTimeInMs: 250,
            allowAutoTopicCreation: false,
          });
          await within('consumer connect', STEP_TIMEOUT_MS, consumer.connect());
          await within('subscribe', STEP_TIMEOUT_MS, consumer.subscribe({ topics: [topic], fromBeginning: true }));

          const received: Array<{ key: string; value: string; headers: Record<string, string>; offset: string }> =
            [];
          const allReceived = new Promise<void>((resolve, reject) => {
            consumer!
              .run({
                eachMessage: async ({ message }) => {
                  received.push({
                    key: message.key?.toString('utf8') ?? '',
                    value: message.value?.toString('utf8') ?? '',
                    headers: headerText(message.headers),
                    offset: message.offset,
                  });
                  if (received.length >= sent.length) resolve();
                },
              })
              .catch(reject);
          });
          await within(`consume ${sent.length} messages`, STEP_TIMEOUT_MS, allReceived);

          expect(received.map((m) => m.offset)).toEqual(['0', '1', '2']);
          expect(received.map((m) => m.key)).toEqual(sent.map((m) => m.key));
          expect(received.map((m) => m.value)).toEqual(sent.map((m) => m.value));
          expect(received.map((m) => m.headers)).toEqual(sent.map((m) => m.headers));
        }),
      TEST_TIMEOUT_MS,
    );
  });
}
