import { z } from 'zod';
import type { RecordedEvent } from '@asn/event-store';
import { contextOfCategory, parseStreamId } from './streams';
import type { Context } from './topics';

/**
 * A CloudEvents 1.0 event as ASN publishes it. Extension names are lowercase alphanumerics, as the
 * spec requires. The stream is the subject; the aggregate id is the Kafka key.
 */
export interface CloudEvent<Data = unknown> {
  specversion: '1.0';
  id: string;
  /** `/asn/<context>`: the bounded context (service) that recorded the event. */
  source: string;
  /** `asn.<context>.<EventType>.v<schemaVersion>`, see {@link cloudEventType}. */
  type: string;
  /** RFC 3339 time the store recorded the event. */
  time: string;
  /** The stream, `<category>-<uuid>`. */
  subject: string;
  datacontenttype: 'application/json';
  /** Version of the data's schema (also the type's suffix, kept apart so consumers need not parse it). */
  schemaversion: number;
  /** 0-based revision of the event inside its stream. */
  streamrevision: number;
  /** Position in the store's global log. */
  globalposition: number;
  correlationid?: string;
  causationid?: string;
  /** W3C trace context of the request that caused the event. */
  traceparent?: string;
  data: Data;
}

/** A CloudEvent or Kafka message that lacks an attribute or carries an invalid one. */
export class InvalidCloudEventError extends Error {
  override readonly name = 'InvalidCloudEventError';
}

const TYPE = /^asn\.([a-z]+)\.([A-Za-z][A-Za-z0-9_]*)\.v([1-9][0-9]*)$/;

/**
 * The CloudEvents type of an event: `asn.<context>.<EventType>.v<schemaVersion>`. The version is part
 * of the type because CloudEvents routes and filters on type, and a new schema version is a new
 * contract for consumers.
 */
export const cloudEventType = (context: Context, eventType: string, schemaVersion: number): string =>
  `asn.${context}.${eventType}.v${schemaVersion}`;

/** Splits a CloudEvents type built by {@link cloudEventType}. */
export const parseCloudEventType = (type: string): { context: string; eventType: string; schemaVersion: number } => {
  const match = TYPE.exec(type);
  if (!match) throw new InvalidCloudEventError(`type "${type}" is not asn.<context>.<EventType>.v<version>`);
  const [, context = '', eventType = '', version = ''] = match;
  return { context, eventType, schemaVersion: Number(version) };
};

/** The CloudEvents source of a context: `/asn/<context>`. */
export const cloudEventSource = (context: Context): string => `/asn/${context}`;

/**
 * Maps a recorded event to the CloudEvent published for it. The context, hence source and type, follows
 * from the stream's category.
 * @throws InvalidStreamIdError when the stream is not `<known category>-<uuid>`.
 */
export const toCloudEvent = <Data>(event: RecordedEvent<Data>): CloudEvent<Data> => {
  const context = contextOfCategory[parseStreamId(event.stream).category];
  const { correlationId, causationId, traceparent } = event.metadata;
  return {
    specversion: '1.0',
    id: event.id,
    source: cloudEventSource(context),
    type: cloudEventType(context, event.type, event.schemaVersion),
    time: event.recordedAt.toISOString(),
    subject: event.stream,
    datacontenttype: 'application/json',
    schemaversion: event.schemaVersion,
    streamrevision: event.revision,
    globalposition: event.position,
    ...(correlationId === undefined ? {} : { correlationid: correlationId }),
    ...(causationId === undefined ? {} : { causationid: causationId }),
    ...(traceparent === undefined ? {} : { traceparent }),
    data: event.data,
  };
};

/** Kafka header values as kafkajs hands them over. */
export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type KafkaHeaders = Record<string, KafkaHeaderValue>;

/** A message in the CloudEvents Kafka binding, binary mode: attributes in headers, data as the value. */
export interface CloudEventKafkaMessage {
  /** The aggregate id, so that each aggregate's events stay in order on one partition. */
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

// Attributes carried as `ce_<name>` headers; datacontenttype and traceparent have headers of their own.
const CE_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'schemaversion',
  'streamrevision',
  'globalposition',
  'correlationid',
  'causationid',
] as const;

/** Encodes a CloudEvent in the Kafka binary binding: `ce_*` headers, `content-type`, W3C `traceparent`. */
export const toKafkaMessage = (event: CloudEvent): CloudEventKafkaMessage => {
  const headers: Record<string, string> = { 'content-type': event.datacontenttype };
  for (const name of CE_ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined) headers[`ce_${name}`] = String(value);
  }
  // The bare W3C header, not ce_traceparent: OpenTelemetry's Kafka propagation reads `traceparent`.
  if (event.traceparent !== undefined) headers.traceparent = event.traceparent;
  return {
    key: parseStreamId(event.subject).id,
    value: Buffer.from(JSON.stringify(event.data)),
    headers,
  };
};

const nonEmpty = z.string().min(1);
const integer = (min: number) => z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a decimal integer').transform(Number).pipe(z.number().int().min(min));

const Attributes = z.object({
  ce_specversion: z.literal('1.0'),
  ce_id: nonEmpty,
  ce_source: nonEmpty,
  ce_type: z.string().regex(TYPE, 'must be asn.<context>.<EventType>.v<version>'),
  ce_time: z.iso.datetime({ offset: true }),
  ce_subject: nonEmpty,
  ce_schemaversion: integer(1),
  ce_streamrevision: integer(0),
  ce_globalposition: integer(0),
  ce_correlationid: nonEmpty.optional(),
  ce_causationid: nonEmpty.optional(),
  'content-type': z.string().regex(/^application\/json(\s*;.*)?$/i, 'must be application/json'),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent')
    .optional(),
});

const headerText = (value: KafkaHeaderValue): string | undefined => {
  // Kafka allows a header to repeat; the last value wins, as in most HTTP-style bindings.
  const last = Array.isArray(value) ? value.at(-1) : value;
  return last === undefined ? undefined : last.toString();
};

/**
 * Decodes a Kafka message in the CloudEvents binary binding back into a CloudEvent.
 * @throws InvalidCloudEventError naming every missing or invalid attribute, or when the value is not JSON.
 */
export const fromKafkaMessage = (message: {
  headers?: KafkaHeaders | undefined;
  value: Buffer | string | null;
}): CloudEvent => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name.toLowerCase()] = headerText(value);
  const parsed = Attributes.safeParse(headers);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new InvalidCloudEventError(`invalid CloudEvent headers: ${problems.join('; ')}`);
  }
  const a = parsed.data;
  if (parseCloudEventType(a.ce_type).schemaVersion !== a.ce_schemaversion) {
    throw new InvalidCloudEventError(`ce_schemaversion ${a.ce_schemaversion} contradicts ce_type ${a.ce_type}`);
  }
  if (message.value === null) throw new InvalidCloudEventError('the message has no value (data)');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString());
  } catch {
    throw new InvalidCloudEventError('the message value is not JSON');
  }
  return {
    specversion: a.ce_specversion,
    id: a.ce_id,
    source: a.ce_source,
    type: a.ce_type,
    time: a.ce_time,
    subject: a.ce_subject,
    datacontenttype: 'application/json',
    schemaversion: a.ce_schemaversion,
    streamrevision: a.ce_streamrevision,
    globalposition: a.ce_globalposition,
    ...(a.ce_correlationid === undefined ? {} : { correlationid: a.ce_correlationid }),
    ...(a.ce_causationid === undefined ? {} : { causationid: a.ce_causationid }),
    ...(a.traceparent === undefined ? {} : { traceparent: a.traceparent }),
    data,
  };
};
