import {
  deliver,
  describeError,
  type Bus,
  type Consumer,
  type EncodedBatch,
  type Publisher,
  type SubscribeOptions,
} from '@asn/bus';
import {
  DeadLetterHeaders,
  deadLetterTopic,
  fromKafkaMessage,
  InvalidCloudEventError,
  parseStreamId,
  toKafkaMessage,
  type CloudEvent,
  type CloudEventKafkaMessage,
  type Topic,
} from '@asn/contracts';
import { metrics, type ObservableCallback } from '@opentelemetry/api';
import {
  Kafka,
  logLevel as LogLevel,
  type IHeaders,
  type ISocketFactory,
  type KafkaMessage,
  type logCreator,
} from 'kafkajs';
import { whilePassing } from './passing';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  /** Names this process to the broker (logs, quotas). */
  readonly clientId: string;
  /**
   * Put before every topic name on the broker (e.g. `tanjungbalai.` on a cluster shared with other tenants,
   * or a random one per test run); consumers see the contract's topic names without it.
   */
  readonly topicPrefix?: string;
  /** Partitions of the topics this bus creates; default 6. Keys (aggregate ids) spread over them. */
  readonly partitions?: number;
  /** kafkajs log lines; silent by default (the relay and consumers report what matters). */
  readonly logCreator?: logCreator;
  /** For fault tests: how kafkajs opens its TCP connections. */
  readonly socketFactory?: ISocketFactory;
  /** Bound on connecting and on each request, so that an outage surfaces as an error, then a retry. */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

export interface KafkaBus extends Bus, Publisher {
  /** Creates the topics (contract names, prefixed here) that do not exist yet, with the bus's partition count. */
  ensureTopics(topics: readonly string[]): Promise<void>;
}

/** A client connected on first use and shared; dropped (disconnected) to start afresh at the next use. */
const connectOnce = <Client extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  create: () => Client,
) => {
  let connected: Promise<Client> | undefined;
  return {
    get: (): Promise<Client> =>
      (connected ??= (async () => {
        const client = create();
        await client.connect();
        return client;
      })().catch((error: unknown) => {
        connected = undefined;
        throw error;
      })),
    drop: async (): Promise<void> => {
      const dropped = connected;
      connected = undefined;
      await dropped?.then((client) => client.disconnect()).catch(() => undefined);
    },
  };
};

// Looked up when used: the global meter provider is registered by the service's telemetry at start.
const meter = () => metrics.getMeter('@asn/bus');
// The same instrument as @asn/bus's local engine counts into.
const deadLetters = () =>
  meter().createCounter('asn.bus.dead_letters', {
    description: 'Messages a consumer group could not handle, sent to its dead letters',
  });

/** The key must be the aggregate id of the event's stream: else per-aggregate order is not guaranteed. */
const checkKey = (message: KafkaMessage, event: CloudEvent): void => {
  if (message.key === null) throw new InvalidCloudEventError('the message has no key (the aggregate id)');
  const key = message.key.toString();
  if (key !== parseStreamId(event.subject).id)
    throw new InvalidCloudEventError('the key is not the aggregate id of ce_subject');
};

/**
 * The Kafka engine of the bus. Publishing: an idempotent producer (acks from all in-sync replicas, one
 * request in flight so that retries cannot reorder), CloudEvents in binary mode, key = aggregate id; a
 * failed send drops the producer so that the next one starts on fresh connections. Consuming: a consumer
 * group from the earliest offset that resolves each offset only after the message was handled or
 * dead-lettered (so only handled offsets are ever committed, also on rebalance); infrastructure failures
 * are retried in place with backoff, anything else goes to `<topic>.dlq.<group>` with the reason.
 */
export const openKafkaBus = (options: KafkaBusOptions): KafkaBus => {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: options.logCreator ? LogLevel.INFO : LogLevel.NOTHING,
    ...(options.logCreator ? { logCreator: options.logCreator } : {}),
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 },
  });
  const partitions = options.partitions ?? 6;
  const prefix = options.topicPrefix ?? '';
  const onBroker = (topic: string): string => `${prefix}${topic}`;
  const fromBroker = (topic: string): string => topic.slice(prefix.length);
  const known = new Set<string>();
  const admin = connectOnce(() => kafka.admin());
  const producer = connectOnce(() =>
    kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
  );
  const consumers = new Set<Consumer>();

  const ensureTopics = async (topics: readonly string[]): Promise<void> => {
    const missing = topics.filter((topic) => !known.has(topic));
    if (missing.length === 0) return;
    const client = await admin.get();
    await client.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
    });
    missing.forEach((topic) => known.add(topic));
  };

  const send = async (
    topic: string,
    messages: { key: Buffer | string | null; value: Buffer | string | null; headers?: IHeaders }[],
  ) => {
    await ensureTopics([topic]);
    const client = await producer.get();
    try {
      await client.send({ topic, acks: -1, messages });
    } catch (error) {
      // A producer that failed may hold broken connections or a fenced producer id: start afresh next time.
      await producer.drop();
      throw error;
    }
  };

  type KafkaBatch = EncodedBatch & { messages: CloudEventKafkaMessage[] };
  const encode = (topic: Topic, events: readonly CloudEvent[]): KafkaBatch => ({
    topic,
    size: events.length,
    messages: events.map(toKafkaMessage),
  });
  const sendBatch = async (batch: EncodedBatch): Promise<void> => {
    const { topic, messages } = batch as KafkaBatch;
    if (messages.length > 0) await send(onBroker(topic), messages);
  };

  const subscribe = async (subscription: SubscribeOptions): Promise<Consumer> => {
    // Refuses a group name that cannot name a dead-letter topic before anything connects.
    for (const topic of subscription.topics) deadLetterTopic(topic, subscription.group);
    const topics = subscription.topics.map(onBroker);
    await ensureTopics(topics);
    const client = await admin.get();
    // Where each partition ended when the consumer started: reaching it everywhere is "caught up". A partition
    // the group has already consumed to its end (a restart) is caught up from the start.
    const pending = new Map<string, bigint>();
    const committed = new Map<string, bigint>();
    // Just after a broker restart the group coordinator is still loading: asked again until it answers.
    for (const { topic, partitions: offsets } of await whilePassing(() =>
      client.fetchOffsets({ groupId: subscription.group, topics }),
    )) {
      for (const { partition, offset } of offsets)
        if (offset !== '-1') committed.set(`${topic}:${partition}`, BigInt(offset));
    }
    for (const topic of topics) {
      for (const { partition, high, low } of await whilePassing(() => client.fetchTopicOffsets(topic))) {
        const start = committed.get(`${topic}:${partition}`) ?? BigInt(low);
        if (BigInt(high) > start) pending.set(`${topic}:${partition}`, BigInt(high));
      }
    }
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    const passed = (topic: string, partition: number, offset: string): void => {
      const key = `${topic}:${partition}`;
      const high = pending.get(key);
      if (high !== undefined && BigInt(offset) + 1n >= high) pending.delete(key);
      if (pending.size === 0) markCaughtUp();
    };
    if (pending.size === 0) markCaughtUp();

    const abort = new AbortController();
    const consumer = kafka.consumer({ groupId: subscription.group, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });

    // The group's lag, observed at each scrape: per partition, the high watermark of the last batch fetched
    // minus the offset after the last message handled. No request to the broker; a consumer that stopped
    // fetching keeps its last figure.
    const behind = new Map<string, bigint>();
    const lag = meter().createObservableGauge('asn.bus.consumer.lag.events', {
      unit: '{event}',
      description: "Events on a consumer group's topics it has not handled yet",
    });
    const observeLag: ObservableCallback = (result) => {
      let total = 0n;
      for (const value of behind.values()) total += value;
      result.observe(Number(total), { group: subscription.group });
    };
    lag.addCallback(observeLag);

    const deadLetter = async (
      topic: string,
      partition: number,
      message: KafkaMessage,
      errorClass: string,
      reason: string,
    ) => {
      deadLetters().add(1, { group: subscription.group, topic: fromBroker(topic), error_class: errorClass });
      await send(onBroker(deadLetterTopic(fromBroker(topic) as Topic, subscription.group)), [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DeadLetterHeaders.reason]: reason,
            [DeadLetterHeaders.errorClass]: errorClass,
            [DeadLetterHeaders.group]: subscription.group,
            [DeadLetterHeaders.topic]: fromBroker(topic),
            [DeadLetterHeaders.partition]: String(partition),
            [DeadLetterHeaders.offset]: message.offset,
          },
        },
      ]);
    };

    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const message of batch.messages) {
          if (!payload.isRunning() || payload.isStale() || abort.signal.aborted) break;
          let event: CloudEvent | undefined;
          try {
            const decoded = fromKafkaMessage(message);
            checkKey(message, decoded);
            event = decoded;
          } catch (error) {
            const { errorClass, reason } = describeError(error);
            await deadLetter(batch.topic, batch.partition, message, errorClass, reason);
          }
          if (event) {
            const outcome = await deliver(
              subscription.handle,
              event,
              { group: subscription.group, topic: fromBroker(batch.topic) },
              subscription,
              abort.signal,
            );
            if (outcome.kind === 'dead-letter') {
              await deadLetter(batch.topic, batch.partition, message, outcome.errorClass, outcome.reason);
            }
          }
          payload.resolveOffset(message.offset);
          passed(batch.topic, batch.partition, message.offset);
          const remaining = BigInt(batch.highWatermark) - BigInt(message.offset) - 1n;
          behind.set(`${batch.topic}:${batch.partition}`, remaining > 0n ? remaining : 0n);
          await payload.heartbeat();
        }
        await payload.commitOffsetsIfNecessary();
      },
    });

    const running: Consumer = {
      caughtUp,
      pause: () => consumer.pause(topics.map((topic) => ({ topic }))),
      resume: () => consumer.resume(topics.map((topic) => ({ topic }))),
      stop: async () => {
        abort.abort();
        lag.removeCallback(observeLag);
        await consumer.disconnect();
        consumers.delete(running);
      },
    };
    consumers.add(running);
    return running;
  };

  return {
    encode,
    send: sendBatch,
    publish: (topic, events) => sendBatch(encode(topic, events)),
    subscribe,
    ensureTopics: (topics) => ensureTopics(topics.map(onBroker)),
    close: async () => {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      await Promise.all([producer.drop(), admin.drop()]);
    },
  };
};
