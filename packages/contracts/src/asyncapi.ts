import { stringify } from 'yaml';
import { cloudEventSource, cloudEventType } from './cloudEvents';
import { evaluationEventRegistry } from './evaluation/events';
import { feedbackEventRegistry } from './feedback/events';
import { nipEventRegistry, personnelEventRegistry, unitEventRegistry } from './personnel/events';
import { trainingEventRegistry } from './training/events';
import type { EventJsonSchema } from './registry';
import { SealedValue } from './sealed';
import { publishedCategories, type StreamCategory } from './streams';
import { DeadLetterHeaders, Topics, type Context } from './topics';

type Json = Record<string, unknown>;

// The one link the code does not hold elsewhere: which registry defines the events of which stream
// category. Whether a category is published is still `publishedCategories`' call (nip is listed here and
// stays out of the document because it is not published).
const registryOf: Readonly<Record<StreamCategory, { jsonSchemas(): EventJsonSchema[] }>> = {
  employee: personnelEventRegistry,
  unit: unitEventRegistry,
  nip: nipEventRegistry,
  evaluation: evaluationEventRegistry,
  programme: trainingEventRegistry,
  feedback: feedbackEventRegistry,
};

const DEAD_LETTER_HEADERS = {
  [DeadLetterHeaders.reason]: 'Why the consumer gave up: the error class and message, never a stack or data.',
  [DeadLetterHeaders.errorClass]: 'The class of the error, e.g. EventSchemaError or InvalidCloudEventError.',
  [DeadLetterHeaders.group]: 'The consumer group that failed.',
  [DeadLetterHeaders.topic]: 'The topic the message was read from.',
  [DeadLetterHeaders.partition]: 'Its partition there (decimal).',
  [DeadLetterHeaders.offset]: 'Its offset there (decimal).',
} as const;

// Same rule as streams.ts: stream ids are lowercase UUIDs.
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const DECIMAL = '^(0|[1-9][0-9]*)$';
const KAFKA_BINDING = '0.5.0';
// Moves with the topics' contract (their `.v1`), not with event schemas: those are versioned per message.
const DOCUMENT_VERSION = '1.0.0';

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SEALED_KEYS = Object.keys(SealedValue.shape).sort().join();
const SEALED_ALG = SealedValue.shape.alg.value;

/**
 * Whether a JSON Schema describes a {@link SealedValue}: an object whose properties are exactly those of
 * SealedValue (alg, iv, ct, tag, in any order) with `alg` fixed to A256GCM by `const` or a one-value `enum`.
 */
export const isSealedValueSchema = (schema: unknown): boolean => {
  if (!isObject(schema) || !isObject(schema.properties)) return false;
  if (schema.type !== undefined && schema.type !== 'object') return false;
  if (Object.keys(schema.properties).sort().join() !== SEALED_KEYS) return false;
  const alg = schema.properties.alg;
  if (!isObject(alg)) return false;
  return alg.const === SEALED_ALG || (Array.isArray(alg.enum) && alg.enum.length === 1 && alg.enum[0] === SEALED_ALG);
};

const member = (path: string, name: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${path}.${name}` : `${path}['${name.replace(/[\\']/g, '\\$&')}']`;

const resolvePointer = (root: unknown, ref: string): unknown => {
  if (!ref.startsWith('#')) throw new RangeError(`cannot follow non-local $ref "${ref}"`);
  const tokens = ref.length <= 1 ? [] : decodeURIComponent(ref.slice(1)).split('/').slice(1);
  let node = root;
  for (const token of tokens) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
    if (node === undefined) throw new RangeError(`$ref "${ref}" points nowhere`);
  }
  return node;
};

/**
 * JSONPath (`$.a.b`, `[*]` for array items, `.*` for map values) of every field a JSON Schema declares as a
 * {@link SealedValue}, in schema order without duplicates. Follows local `$ref`s and every applicator that
 * can place a value somewhere (properties, items, combinators, conditionals); branches of a combinator
 * share their parent's path. A recursive schema repeats its fields at every depth: the paths name the first
 * two.
 * @throws RangeError for a `$ref` it cannot follow: an unseen branch must not read as "no personal data".
 */
export const sealedPaths = (root: unknown): string[] => {
  const found = new Set<string>();
  const cycles: { from: string; to: string }[] = [];
  const walk = (schema: unknown, path: string, following: ReadonlyMap<string, string>): void => {
    if (!isObject(schema)) return;
    if (isSealedValueSchema(schema)) {
      found.add(path);
      return;
    }
    if (typeof schema.$dynamicRef === 'string')
      throw new RangeError(`cannot follow $dynamicRef "${schema.$dynamicRef}"`);
    if (typeof schema.$ref === 'string') {
      const from = following.get(schema.$ref);
      if (from === undefined)
        walk(resolvePointer(root, schema.$ref), path, new Map([...following, [schema.$ref, path]]));
      else cycles.push({ from, to: path });
    }
    const each = (value: unknown, at: (key: string) => string): void => {
      if (Array.isArray(value)) value.forEach((sub, i) => walk(sub, at(String(i)), following));
      else if (isObject(value)) for (const [key, sub] of Object.entries(value)) walk(sub, at(key), following);
    };
    for (const keyword of ['allOf', 'anyOf', 'oneOf', 'dependentSchemas']) each(schema[keyword], () => path);
    for (const keyword of ['if', 'then', 'else']) walk(schema[keyword], path, following);
    each(schema.properties, (name) => member(path, name));
    each(schema.patternProperties, () => `${path}.*`);
    for (const keyword of ['additionalProperties', 'unevaluatedProperties'])
      walk(schema[keyword], `${path}.*`, following);
    each(schema.prefixItems, (i) => `${path}[${i}]`);
    // `items` is one schema in 2020-12 and may be a tuple in draft-07.
    if (Array.isArray(schema.items)) each(schema.items, (i) => `${path}[${i}]`);
    else walk(schema.items, `${path}[*]`, following);
    for (const keyword of ['additionalItems', 'unevaluatedItems', 'contains'])
      walk(schema[keyword], `${path}[*]`, following);
  };
  walk(root, '$', new Map());
  // Where a schema refers back to itself, its sealed fields recur below the reference.
  for (const { from, to } of cycles) {
    for (const path of [...found]) {
      const rest = path.slice(from.length);
      if (path.startsWith(from) && (rest === '' || rest.startsWith('.') || rest.startsWith('[')))
        found.add(`${to}${rest}`);
    }
  }
  return [...found];
};

const personalDataSentence = (paths: readonly string[]): string =>
  paths.length === 0
    ? 'Personal data of the employee: none.'
    : `Personal data of the employee: only sealed, at ${paths.map((p) => `\`${p}\``).join(', ')} ` +
      "(AES-256-GCM ciphertext under the employee's own key, which a department cannot open; after erasure " +
      'the key is shredded and nobody can).';

const ref = (pointer: string): Json => ({ $ref: pointer });

const cloudEventHeaders = (): Json => ({
  type: 'object',
  description:
    'CloudEvents 1.0 attributes in the Kafka binding, binary mode: one `ce_<attribute>` header each, the data as the ' +
    'message value. Header values are UTF-8 strings, numbers in decimal.',
  required: [
    'ce_specversion',
    'ce_id',
    'ce_source',
    'ce_type',
    'ce_time',
    'ce_subject',
    'ce_schemaversion',
    'ce_streamrevision',
    'ce_globalposition',
    'content-type',
  ],
  properties: {
    ce_specversion: { type: 'string', const: '1.0' },
    ce_id: { type: 'string', minLength: 1, description: 'The event id, unique per event: deduplicate on it.' },
    ce_source: { type: 'string', description: '`/asn/<context>`: the service that recorded the event.' },
    ce_type: { type: 'string', description: '`asn.<context>.<EventType>.v<schema version>`.' },
    ce_time: { type: 'string', format: 'date-time', description: 'RFC 3339 time the event was recorded.' },
    ce_subject: {
      type: 'string',
      description: 'The stream, `<category>-<uuid>`: one aggregate (an employee, a unit). Opaque, never a NIP.',
    },
    ce_schemaversion: {
      type: 'string',
      pattern: DECIMAL,
      description: 'The schema version of the data (also in ce_type).',
    },
    ce_streamrevision: {
      type: 'string',
      pattern: DECIMAL,
      description: "0-based revision of the event in its stream: apply a stream's events in this order.",
    },
    ce_globalposition: { type: 'string', pattern: DECIMAL, description: "Position in the publisher's global log." },
    ce_correlationid: {
      type: 'string',
      minLength: 1,
      description: 'Id shared by every event of one request or process.',
    },
    ce_causationid: { type: 'string', minLength: 1, description: 'Id of the command or event that caused this one.' },
    'content-type': { type: 'string', const: 'application/json', description: 'Media type of the value.' },
    traceparent: {
      type: 'string',
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: 'W3C trace context of the request that caused the event, when it was traced.',
    },
  },
});

const deadLetterHeaders = (): Json => ({
  type: 'object',
  description:
    "Headers a dead letter carries besides all headers of the original message; its key and value are the original's.",
  required: Object.keys(DEAD_LETTER_HEADERS),
  properties: Object.fromEntries(
    Object.entries(DEAD_LETTER_HEADERS).map(([name, description]) => [name, { type: 'string', description }]),
  ),
});

interface Message {
  name: string;
  body: Json;
}

const capitalised = (word: string): string => `${word.slice(0, 1).toUpperCase()}${word.slice(1)}`;

const messagesOf = (
  context: Context,
  category: StreamCategory,
  registry: { jsonSchemas(): EventJsonSchema[] },
): Message[] =>
  registry.jsonSchemas().map(({ type, version, schema }) => {
    const name = cloudEventType(context, type, version);
    const personal = sealedPaths(schema);
    return {
      name,
      body: {
        name,
        title: `${type} v${version}`,
        summary: `${type}, schema version ${version}, recorded on ${category} streams.`,
        description: `Subject \`${category}-<uuid>\`, key \`<uuid>\` (the ${category} id). ${personalDataSentence(personal)}`,
        contentType: 'application/json',
        headers: {
          allOf: [
            ref('#/components/schemas/CloudEventHeaders'),
            {
              type: 'object',
              properties: {
                ce_source: { const: cloudEventSource(context) },
                ce_type: { const: name },
                ce_subject: { pattern: `^${category}-${UUID}$` },
                ce_schemaversion: { const: String(version) },
              },
            },
          ],
        },
        payload: { schemaFormat: 'application/schema+json;version=draft-2020-12', schema },
        bindings: {
          kafka: {
            key: {
              type: 'string',
              pattern: `^${UUID}$`,
              description: `The ${category} id: the subject without \`${category}-\`. All events of one ${category} share it, hence one partition and their order.`,
            },
            bindingVersion: KAFKA_BINDING,
          },
        },
        'x-personal-data': personal,
      },
    };
  });

const INFO_DESCRIPTION = `Events the city's personnel system (ASN Ledger) publishes for integrating departments (payroll, inspectorate, planning).

One Kafka topic per bounded context. Every message is a CloudEvents 1.0 event in the Kafka binding's binary mode: the attributes are \`ce_*\` headers, \`content-type\` is application/json and the value is the event data as JSON, described here per event type and schema version. A schema version is part of the CloudEvents type (\`asn.<context>.<EventType>.v<N>\`): a change that is not backwards compatible publishes a new message type beside the old one, never a different shape under an old name.

Keys and order: the key is the aggregate id, an opaque lowercase UUID (the stream \`<category>-<uuid>\` without its category, never a NIP or any readable key), so all events of one employee or unit land on one partition in the order recorded. There is no order across keys. Apply one stream's events in \`ce_streamrevision\` order.

Delivery is at least once: the publisher moves its checkpoint only after the broker acknowledged, so after a failure a message may come again. Deduplicate by \`ce_id\` or by (\`ce_subject\`, \`ce_streamrevision\`).

Dead letters: a consumer that cannot parse or handle a message sends it to \`<topic>.dlq.<consumer group>\` (key, value and headers unchanged, plus the \`asn_dlq_*\` headers listed under components: DeadLetterHeaders) and moves on, so one bad message never blocks a partition.

Personal data of employees appears only as sealed values (\`{alg: A256GCM, iv, ct, tag}\`): AES-256-GCM ciphertext under a key per employee that departments do not hold; once an employee's data is erased the key is shredded and the ciphertext stays unreadable for good. Each message lists its sealed fields in \`x-personal-data\` (JSONPath). Fields naming the officials who acted in office (proposer, approver, signer of a decree) are not sealed.`;

/**
 * The AsyncAPI 3.0.0 document of every topic the contracts define, for departments that consume them:
 * one channel per topic, one message per event type and schema version of the published stream categories
 * (payload = the registry's JSON Schema), CloudEvents binary-mode headers, the Kafka key, and the sealed
 * personal-data fields of each message. Deterministic: keys come out in the order the code builds them.
 * @throws RangeError when two published event types would share a message name.
 */
export const generateAsyncApi = (): object => {
  const contexts = Object.keys(Topics) as Context[];
  const messages = new Map<string, Message>();
  const channels: Json = {};
  const operations: Json = {};
  for (const context of contexts) {
    const topic = Topics[context];
    const categories = publishedCategories[context];
    const own: string[] = [];
    for (const category of categories) {
      for (const message of messagesOf(context, category, registryOf[category])) {
        if (messages.has(message.name)) throw new RangeError(`two published events are both ${message.name}`);
        messages.set(message.name, message);
        own.push(message.name);
      }
    }
    channels[context] = {
      address: topic,
      title: `${capitalised(context)} events`,
      description:
        `Events of the ${context} context, from stream categories ${categories.join(', ')}. ` +
        `Dead letters of a consumer group go to \`${topic}.dlq.<group>\`.`,
      messages: Object.fromEntries(own.map((name) => [name, ref(`#/components/messages/${name}`)])),
      'x-dead-letters': { address: `${topic}.dlq.{group}`, headers: ref('#/components/schemas/DeadLetterHeaders') },
    };
    operations[`receive${capitalised(context)}Events`] = {
      action: 'receive',
      channel: ref(`#/channels/${context}`),
      summary: `A department consumes ${topic} with a consumer group of its own.`,
      bindings: {
        kafka: {
          groupId: {
            type: 'string',
            pattern: '^[a-zA-Z0-9._-]+$',
            description: 'Your own group, e.g. payroll-sync; it names your dead-letter topic.',
          },
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'ASN Ledger integration events', version: DOCUMENT_VERSION, description: INFO_DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description: "The city's Kafka cluster.",
        variables: {
          brokers: { description: 'Bootstrap brokers, host:port, comma-separated.', examples: ['127.0.0.1:9092'] },
        },
      },
    },
    channels,
    operations,
    components: {
      schemas: { CloudEventHeaders: cloudEventHeaders(), DeadLetterHeaders: deadLetterHeaders() },
      messages: Object.fromEntries([...messages].map(([name, message]) => [name, message.body])),
    },
  };
};

/** {@link generateAsyncApi} as the YAML committed in docs/asyncapi.yaml. */
export const asyncApiYaml = (): string =>
  // Unfolded lines and single quotes, as Prettier writes them here: `pnpm format` leaves the file as generated.
  '# Generated from @asn/contracts by `pnpm --filter @asn/contracts asyncapi`: do not edit.\n' +
  stringify(generateAsyncApi(), { aliasDuplicateObjects: false, lineWidth: 0, singleQuote: true });
