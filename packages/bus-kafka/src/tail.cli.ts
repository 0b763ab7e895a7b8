// Follows a topic and prints each event as one JSON line: what a department runs to see what we publish.
//   ./ledger tail asn.personnel.v1 [--brokers host:port,…] [--group name] [--prefix p] [--max N] [--timeout S]
//   ./ledger tail asn.personnel.v1 --data-dir ./data        (the embedded default: no broker)
// With brokers (--brokers or KAFKA_BROKERS): without --group it reads from the beginning under a throwaway
// group; with one it resumes where that group left off; a message that is not a valid CloudEvent is
// reported on stderr with its offset. A dead-letter topic (`asn.personnel.v1.dlq.<group>`) prints each
// message raw with its headers (the asn_dlq_* reason among them). Without brokers it follows the local bus, the store file in
// --data-dir (read-only), printing the same CloudEvents the relay would publish.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { contextOfTopic, fromKafkaMessage, parseStreamId, publishedCategories, toCloudEvent, Topics } from '@asn/contracts';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { Kafka, logLevel } from 'kafkajs';

const usage = 'usage: tail <topic> [--brokers host:port,… | --data-dir DIR] [--group name] [--prefix p] [--max N] [--timeout S]';

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '' },
      group: { type: 'string' },
      prefix: { type: 'string', default: '' },
      max: { type: 'string' },
      timeout: { type: 'string' },
      'data-dir': { type: 'string', default: process.env.DATA_DIR ?? './data' },
    },
  });
  const [topic] = positionals;
  const brokers = values.brokers.split(',').map((b) => b.trim()).filter(Boolean);
  const max = values.max === undefined ? Infinity : Number(values.max);
  const timeoutS = values.timeout === undefined ? Infinity : Number(values.timeout);
  // A dead-letter topic (`<topic>.dlq.<group>`) is tailed too: its messages print raw, with their reason.
  const deadLetters = topic !== undefined && /^asn\.[a-z]+\.v1\.dlq\.[a-zA-Z0-9._-]+$/.test(topic);
  if (!topic || (!deadLetters && !(Object.values(Topics) as string[]).includes(topic)) || !(max > 0) || !(timeoutS > 0)) {
    process.stderr.write(`${usage}\n  topics: ${Object.values(Topics).join(', ')}; brokers from --brokers or KAFKA_BROKERS\n`);
    return 64; // EX_USAGE
  }
  if (brokers.length === 0 && deadLetters) {
    process.stderr.write('tail: dead letters of the local bus are in the bus_dead_letters table of the store file\n');
    return 64;
  }

  // One output for both sources: a JSON line per message, until --max lines, --timeout or a signal.
  let printed = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const timer = Number.isFinite(timeoutS) ? setTimeout(finish, timeoutS * 1_000) : undefined;
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  const print = (line: object, stream: NodeJS.WriteStream = process.stdout): void => {
    if (printed >= max) return;
    stream.write(`${JSON.stringify(line)}\n`);
    printed += 1;
    if (printed >= max) finish();
  };

  if (brokers.length === 0) {
    const store = openSqliteEventStore({ path: join(values['data-dir'], 'asn.db'), readonly: true });
    const subscription = store.subscribe({
      categories: publishedCategories[contextOfTopic(topic)],
      handle: (event) => print({ key: parseStreamId(event.stream).id, ...toCloudEvent(event) }),
    });
    await Promise.race([finished, subscription.done]);
    clearTimeout(timer);
    await subscription.stop();
    await store.close();
    return 0;
  }

  const kafka = new Kafka({ clientId: 'asn-tail', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: values.group ?? `asn-tail-${randomUUID()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: `${values.prefix}${topic}`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const where = { partition, offset: message.offset, key: message.key?.toString() ?? null };
        if (deadLetters) {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
          print({ ...where, headers, value: message.value?.toString() ?? null });
          return;
        }
        try {
          print({ ...where, ...fromKafkaMessage(message) });
        } catch (error) {
          print({ ...where, error: error instanceof Error ? error.message : String(error) }, process.stderr);
        }
      },
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // kafkajs's own log stays off (it would mix with the JSON lines); its error says what went wrong.
    const unknownTopic = (error as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tail: ${unknownTopic ? 'the topic does not exist on this broker (nothing published yet?)' : message}\n`);
    process.exit(1);
  },
);
