import { contextOfTopic, publishedCategories, toCloudEvent, type CloudEvent, type Topic } from '@asn/contracts';
import { categoryOf, type CheckpointStore, type EventStore, type RecordedEvent } from '@asn/event-store';
import { metrics, type ObservableCallback } from '@opentelemetry/api';
import Database from 'better-sqlite3';
import { countDeadLetter, deliver, describeError } from './deliver';
import type { Bus, Consumer, DeadLetter, SubscribeOptions } from './types';

export interface LocalBusOptions {
  /** The embedded event store: its global log is the bus. */
  readonly store: EventStore & { checkpoints(name: string): CheckpointStore };
  /** The store's SQLite file: dead letters are kept beside the events, so one file holds the whole bus. */
  readonly path: string;
  /** Events read per page. */
  readonly batchSize?: number;
}

export interface LocalBus extends Bus {
  /** A group's dead letters, oldest first. */
  deadLetters(group: string): DeadLetter[];
}

// As the relay's lag: a scrape reads at most this many events per group.
const LAG_COUNT_LIMIT = 10_000;

const GROUP = /^[a-zA-Z0-9._-]{1,100}$/;

/**
 * The bus of the embedded default: no broker. A consumer group reads its topics' categories from the
 * store's global log, after a checkpoint kept in the same file, and moves it only after handling a page
 * (at-least-once). Order follows the global log, so each stream is delivered in revision order, as Kafka
 * delivers each key in order. There is nothing to publish: a commit is the publication.
 */
export const openLocalBus = (options: LocalBusOptions): LocalBus => {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS bus_dead_letters (
    id INTEGER PRIMARY KEY,
    consumer_group TEXT NOT NULL,
    topic TEXT NOT NULL,
    position INTEGER NOT NULL,
    event_id TEXT,
    error_class TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  ) STRICT`);
  const insert = db.prepare(
    'INSERT INTO bus_dead_letters (consumer_group, topic, position, event_id, error_class, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const list = db.prepare<[string], { topic: string; event_id: string | null; error_class: string; reason: string }>(
    'SELECT topic, event_id, error_class, reason FROM bus_dead_letters WHERE consumer_group = ? ORDER BY id',
  );
  const consumers = new Set<Consumer>();

  const subscribe = async (subscription: SubscribeOptions): Promise<Consumer> => {
    if (!GROUP.test(subscription.group))
      throw new RangeError('a consumer group is 1-100 letters, digits, ".", "_" or "-"');
    const topicOf = new Map<string, Topic>();
    for (const topic of subscription.topics) {
      for (const category of publishedCategories[contextOfTopic(topic)]) topicOf.set(category, topic);
    }
    const abort = new AbortController();
    let resumed: Promise<void> | undefined;
    let resume: (() => void) | undefined;

    const handle = async (recorded: RecordedEvent): Promise<void> => {
      if (resumed) await resumed;
      const topic = topicOf.get(categoryOf(recorded.stream)) ?? subscription.topics[0]!;
      let event: CloudEvent;
      try {
        event = toCloudEvent(recorded);
      } catch (error) {
        const { errorClass, reason } = describeError(error);
        insert.run(
          subscription.group,
          topic,
          recorded.position,
          recorded.id,
          errorClass,
          reason,
          new Date().toISOString(),
        );
        countDeadLetter(subscription.group, topic, errorClass);
        position = recorded.position;
        return;
      }
      const outcome = await deliver(
        subscription.handle,
        event,
        { group: subscription.group, topic },
        subscription,
        abort.signal,
      );
      if (outcome.kind === 'dead-letter') {
        insert.run(
          subscription.group,
          topic,
          recorded.position,
          event.id,
          outcome.errorClass,
          outcome.reason,
          new Date().toISOString(),
        );
        countDeadLetter(subscription.group, topic, outcome.errorClass);
      }
      position = recorded.position;
    };
    const checkpoint = options.store.checkpoints(`bus:${subscription.group}`);
    // The group's lag, read at each scrape: its topics' events after the last one it handled.
    let position = 0;
    const categories = [...topicOf.keys()];
    const lag = metrics.getMeter('@asn/bus').createObservableGauge('asn.bus.consumer.lag.events', {
      unit: '{event}',
      description: "Events on a consumer group's topics it has not handled yet",
    });
    const observeLag: ObservableCallback = async (result) => {
      let behind = 0;
      for await (const _ of options.store.readAll({ after: position, categories, maxCount: LAG_COUNT_LIMIT }))
        behind += 1;
      result.observe(behind, { group: subscription.group });
    };
    lag.addCallback(observeLag);
    const running = options.store.subscribe({
      checkpoint: {
        load: async () => (position = (await checkpoint.load()) ?? 0),
        save: (saved) => checkpoint.save(saved),
      },
      categories,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      handle,
    });
    const consumer: Consumer = {
      caughtUp: running.caughtUp,
      pause: () => {
        resumed ??= new Promise<void>((resolve) => (resume = resolve));
      },
      resume: () => {
        resume?.();
        resumed = undefined;
        resume = undefined;
      },
      stop: async () => {
        abort.abort();
        lag.removeCallback(observeLag);
        consumer.resume();
        await running.stop();
        consumers.delete(consumer);
      },
    };
    consumers.add(consumer);
    return consumer;
  };

  return {
    subscribe,
    deadLetters: (group) =>
      list.all(group).map((row) => ({
        group,
        topic: row.topic,
        ...(row.event_id === null ? {} : { eventId: row.event_id }),
        errorClass: row.error_class,
        reason: row.reason,
      })),
    close: async () => {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      db.close();
    },
  };
};
