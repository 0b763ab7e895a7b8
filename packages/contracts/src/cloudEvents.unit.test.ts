import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@asn/event-store';
import {
  InvalidCloudEventError,
  fromKafkaMessage,
  parseCloudEventType,
  toCloudEvent,
  toKafkaMessage,
} from './cloudEvents';
import type { CloudEvent } from './cloudEvents';
import { InvalidStreamIdError } from './streams';

const employeeId = '0192f1a4-7b3c-7d2e-9f10-1234567890ab';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const aTransfer = (overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '0192f1a5-0000-7000-8000-000000000001',
  type: 'EmployeeTransferred',
  schemaVersion: 2,
  stream: `employee-${employeeId}`,
  revision: 3,
  position: 42,
  recordedAt: new Date('2025-01-02T03:04:05.678Z'),
  data: { toOpd: 'dinas-kesehatan' },
  metadata: { correlationId: 'corr-1', causationId: 'cause-1', traceparent },
  ...overrides,
});

describe('toCloudEvent', () => {
  it('maps a recorded event to a CloudEvent of its context', () => {
    expect(toCloudEvent(aTransfer())).toEqual({
      specversion: '1.0',
      id: '0192f1a5-0000-7000-8000-000000000001',
      source: '/asn/personnel',
      type: 'asn.personnel.EmployeeTransferred.v2',
      time: '2025-01-02T03:04:05.678Z',
      subject: `employee-${employeeId}`,
      datacontenttype: 'application/json',
      schemaversion: 2,
      streamrevision: 3,
      globalposition: 42,
      correlationid: 'corr-1',
      causationid: 'cause-1',
      traceparent,
      data: { toOpd: 'dinas-kesehatan' },
    });
  });

  it('leaves out extensions the metadata does not have', () => {
    const event = toCloudEvent(aTransfer({ metadata: {} }));
    expect(event).not.toHaveProperty('correlationid');
    expect(event).not.toHaveProperty('causationid');
    expect(event).not.toHaveProperty('traceparent');
  });

  it('takes the context from the stream category', () => {
    expect(toCloudEvent(aTransfer({ stream: `programme-${employeeId}`, type: 'ParticipantEnrolled' })).source).toBe('/asn/training');
  });

  it('refuses a stream that is not <category>-<uuid>', () => {
    expect(() => toCloudEvent(aTransfer({ stream: 'employee-198503302010011002' }))).toThrow(InvalidStreamIdError);
  });
});

describe('parseCloudEventType', () => {
  it('splits context, event type and version', () => {
    expect(parseCloudEventType('asn.training.Enrolled.v12')).toEqual({
      context: 'training',
      eventType: 'Enrolled',
      schemaVersion: 12,
    });
  });

  it('refuses a type without a version', () => {
    expect(() => parseCloudEventType('asn.training.Enrolled')).toThrow(InvalidCloudEventError);
  });
});

describe('the Kafka binary binding', () => {
  const event: CloudEvent = toCloudEvent(aTransfer());

  it('puts attributes in string headers, the aggregate id in the key and the data in the value', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe(employeeId);
    expect(JSON.parse(message.value.toString())).toEqual({ toOpd: 'dinas-kesehatan' });
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: '/asn/personnel',
      ce_type: 'asn.personnel.EmployeeTransferred.v2',
      ce_time: '2025-01-02T03:04:05.678Z',
      ce_subject: `employee-${employeeId}`,
      ce_schemaversion: '2',
      ce_streamrevision: '3',
      ce_globalposition: '42',
      ce_correlationid: 'corr-1',
      ce_causationid: 'cause-1',
      'content-type': 'application/json',
      traceparent,
    });
  });

  it('reads back what it wrote, from Buffer headers as kafkajs delivers them', () => {
    const { headers, value } = toKafkaMessage(event);
    const asBuffers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaMessage({ headers: asBuffers, value })).toEqual(event);
  });

  it('reads back an event without optional extensions', () => {
    const bare = toCloudEvent(aTransfer({ metadata: {} }));
    expect(fromKafkaMessage(toKafkaMessage(bare))).toEqual(bare);
  });

  it('names every missing attribute', () => {
    const { headers, value } = toKafkaMessage(event);
    const { ce_id: _id, ce_time: _time, ...rest } = headers;
    expect(() => fromKafkaMessage({ headers: rest, value })).toThrow(/ce_id.*ce_time/);
  });

  it.each([
    ['ce_specversion', '0.3'],
    ['ce_time', 'yesterday'],
    ['ce_streamrevision', '-1'],
    ['ce_globalposition', '1.5'],
    ['ce_type', 'EmployeeTransferred'],
    ['content-type', 'application/avro'],
    ['traceparent', 'not-a-trace'],
  ])('rejects an invalid %s', (header, bad) => {
    const { headers, value } = toKafkaMessage(event);
    expect(() => fromKafkaMessage({ headers: { ...headers, [header]: bad }, value })).toThrow(
      new RegExp(`invalid CloudEvent headers: ${header}`),
    );
  });

  it('rejects a schema version that contradicts the type', () => {
    const { headers, value } = toKafkaMessage(event);
    expect(() => fromKafkaMessage({ headers: { ...headers, ce_schemaversion: '1' }, value })).toThrow(/contradicts/);
  });

  it('rejects a value that is not JSON, or none at all', () => {
    const { headers } = toKafkaMessage(event);
    expect(() => fromKafkaMessage({ headers, value: Buffer.from('{oops') })).toThrow(/not JSON/);
    expect(() => fromKafkaMessage({ headers, value: null })).toThrow(InvalidCloudEventError);
  });
});
