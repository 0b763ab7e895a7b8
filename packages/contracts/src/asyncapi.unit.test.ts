import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { z } from 'zod';
import type { RecordedEvent } from '@asn/event-store';
import { asyncApiYaml, generateAsyncApi, isSealedValueSchema, sealedPaths } from './asyncapi';
import { cloudEventType, toCloudEvent, toKafkaMessage } from './cloudEvents';
import { evaluationEventRegistry } from './evaluation/events';
import { feedbackEventRegistry } from './feedback/events';
import { nipEventRegistry, personnelEventRegistry, unitEventRegistry } from './personnel/events';
import { trainingEventRegistry } from './training/events';
import { SealedValue } from './sealed';
import { deadLetterTopic, Topics, type Context } from './topics';

const committedFile = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml');

// Untyped JSON, as a consumer's YAML parser gives it: the checks below read the generated YAML that way.
type Parsed = ReturnType<typeof parse>;
const doc: Parsed = parse(asyncApiYaml());
const message = (eventType: string, version = 1) =>
  doc.components.messages[cloudEventType('personnel', eventType, version)];

const resolve = (pointer: string): Parsed =>
  pointer
    .slice(2)
    .split('/')
    .reduce((node: Parsed, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);

// Replaces every local $ref by its target, so that a validator sees the message's schemas alone.
const inline = (node: unknown): Parsed => {
  if (Array.isArray(node)) return node.map(inline);
  if (typeof node !== 'object' || node === null) return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  if (typeof $ref === 'string') return inline(resolve($ref));
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inline(value)]));
};

const refsIn = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refsIn(value),
  );
};

const employeeId = '0192f1a4-7b3c-7d2e-9f10-1234567890ab';
const unitId = '0190a000-0000-7000-8000-00000000000a';
const sealed = { alg: 'A256GCM', iv: 'AAAAAAAAAAAAAAAA', ct: 'c2VjcmV0', tag: 'AAAAAAAAAAAAAAAAAAAAAA' } as const;
const appointment = personnelEventRegistry.parse('EmployeeAppointed', 1, {
  decisionId: '0190b000-0000-7000-8000-000000000001',
  proposedBy: 'staff-1',
  approvedBy: 'approver-1',
  decision: {
    kind: 'appointment',
    employeeType: 'CPNS',
    golongan: 'III/a',
    unitId,
    position: { kind: 'pelaksana', title: 'Analis Kepegawaian' },
  },
  decree: {
    skNumber: '800/2015/BKPSDM',
    skDate: '2015-03-01',
    tmt: '2015-03-01',
    signedBy: 'Wali Kota',
    legalBasis: 'UU 20/2023',
  },
  personal: sealed,
});

const anAppointment = (metadata: RecordedEvent['metadata']): RecordedEvent => ({
  id: '0192f1a5-0000-7000-8000-000000000001',
  type: 'EmployeeAppointed',
  schemaVersion: 1,
  stream: `employee-${employeeId}`,
  revision: 1,
  position: 42,
  recordedAt: new Date('2015-03-02T03:04:05.678Z'),
  data: appointment,
  metadata,
});

describe('docs/asyncapi.yaml', () => {
  it('is what the contracts generate', () => {
    const committed = readFileSync(committedFile, 'utf8');
    const verdict =
      committed === asyncApiYaml()
        ? 'up to date'
        : 'docs/asyncapi.yaml is stale: run `pnpm --filter @asn/contracts asyncapi` and commit the result';
    expect(verdict).toBe('up to date');
  });

  it('reads back as the generated document', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(generateAsyncApi())));
  });
});

describe('generateAsyncApi', () => {
  it('is an AsyncAPI 3.0.0 document whose every $ref resolves', () => {
    expect(doc).toMatchObject({ asyncapi: '3.0.0', info: { title: expect.any(String), version: expect.any(String) } });
    expect(Object.keys(doc)).toEqual([
      'asyncapi',
      'info',
      'defaultContentType',
      'servers',
      'channels',
      'operations',
      'components',
    ]);
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect([ref, resolve(ref)]).toEqual([ref, expect.anything()]);
  });

  it('has one channel per topic, each received by one operation', () => {
    const contexts = Object.keys(Topics) as Context[];
    expect(Object.keys(doc.channels)).toEqual(contexts);
    for (const context of contexts) expect(doc.channels[context].address).toBe(Topics[context]);
    const operations: Parsed[] = Object.values(doc.operations);
    expect(operations.map((op) => op.channel.$ref)).toEqual(contexts.map((c) => `#/channels/${c}`));
    for (const op of operations) expect(op.action).toBe('receive');
  });

  it('has a message per published event type and version on its topic, and none of the internal nip streams', () => {
    const expected = [...personnelEventRegistry.jsonSchemas(), ...unitEventRegistry.jsonSchemas()].map((s) =>
      cloudEventType('personnel', s.type, s.version),
    );
    const ofContext = (context: Context, registry: { jsonSchemas(): { type: string; version: number }[] }) =>
      registry.jsonSchemas().map((s) => cloudEventType(context, s.type, s.version));
    const evaluation = ofContext('evaluation', evaluationEventRegistry);
    const training = ofContext('training', trainingEventRegistry);
    const feedback = ofContext('feedback', feedbackEventRegistry);
    expect(Object.keys(doc.components.messages)).toEqual([...expected, ...evaluation, ...training, ...feedback]);
    expect(Object.keys(doc.channels.personnel.messages)).toEqual(expected);
    expect(Object.keys(doc.channels.evaluation.messages)).toEqual(evaluation);
    expect(Object.keys(doc.channels.training.messages)).toEqual(training);
    expect(Object.keys(doc.channels.feedback.messages)).toEqual(feedback);
    for (const name of expected) expect(doc.components.messages[name].name).toBe(name);
    const nip = nipEventRegistry.jsonSchemas().map((s) => cloudEventType('personnel', s.type, s.version));
    expect(nip.length).toBeGreaterThan(0);
    for (const name of nip) expect(doc.components.messages).not.toHaveProperty([name]);
  });

  it("carries each version's JSON Schema as the payload", () => {
    const schema = personnelEventRegistry.jsonSchemas().find((s) => s.type === 'EmployeeAppointed')?.schema;
    expect(message('EmployeeAppointed').payload).toEqual({
      schemaFormat: 'application/schema+json;version=draft-2020-12',
      schema,
    });
    const validate = addFormats(new Ajv2020({ strict: true })).compile(message('EmployeeAppointed').payload.schema);
    expect(validate(appointment)).toBe(true);
  });

  describe('headers and key', () => {
    const declared = (name: string) => {
      const headers = inline(message(name).headers);
      return new Set<string>(headers.allOf.flatMap((part: Parsed) => Object.keys(part.properties ?? {})));
    };

    it('declares every header toKafkaMessage writes, and those headers pass the schema', () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const validate = addFormats(new Ajv2020({ strict: false })).compile(inline(message('EmployeeAppointed').headers));
      for (const metadata of [{ correlationId: 'corr-1', causationId: 'cause-1', traceparent }, {}]) {
        const kafka = toKafkaMessage(toCloudEvent(anAppointment(metadata)));
        for (const header of Object.keys(kafka.headers))
          expect([header, declared('EmployeeAppointed').has(header)]).toEqual([header, true]);
        expect(validate(kafka.headers)).toBe(true);
      }
      const full = toKafkaMessage(toCloudEvent(anAppointment({ correlationId: 'c', causationId: 'c', traceparent })));
      expect([...declared('EmployeeAppointed')].sort()).toEqual(Object.keys(full.headers).sort());
    });

    it('fixes ce_type to the message and refuses another', () => {
      const validate = addFormats(new Ajv2020({ strict: false })).compile(inline(message('EmployeePromoted').headers));
      const { headers } = toKafkaMessage(toCloudEvent(anAppointment({})));
      expect(validate(headers)).toBe(false);
      expect(validate({ ...headers, ce_type: 'asn.personnel.EmployeePromoted.v1' })).toBe(true);
    });

    it('declares the key as the aggregate id toKafkaMessage uses', () => {
      const { key } = toKafkaMessage(toCloudEvent(anAppointment({})));
      expect(key).toBe(employeeId);
      const schema = message('EmployeeAppointed').bindings.kafka.key;
      expect(schema.type).toBe('string');
      expect(new RegExp(schema.pattern).test(key)).toBe(true);
    });
  });

  it('states the dead-letter convention of deadLetterTopic', () => {
    const address: string = doc.channels.personnel['x-dead-letters'].address;
    expect(address.replace('{group}', 'payroll')).toBe(deadLetterTopic(Topics.personnel, 'payroll'));
    expect(doc.components.schemas.DeadLetterHeaders.required).toEqual([
      'asn_dlq_reason',
      'asn_dlq_error_class',
      'asn_dlq_group',
      'asn_dlq_topic',
      'asn_dlq_partition',
      'asn_dlq_offset',
    ]);
  });

  describe('personal data', () => {
    it('lists the sealed field of an event that carries one', () => {
      for (const type of ['EmployeeAppointed', 'PersonalDataCorrected', 'DecisionProposed']) {
        expect(message(type)['x-personal-data']).toEqual(['$.personal']);
        expect(message(type).description).toContain('only sealed, at `$.personal`');
      }
    });

    it('lists none for an event without sealed fields', () => {
      for (const type of ['DecisionRejected', 'PersonalDataErased', 'UnitEstablished']) {
        expect(message(type)['x-personal-data']).toEqual([]);
        expect(message(type).description).toContain('Personal data of the employee: none.');
      }
    });

    it('misses no sealed value in any payload', () => {
      for (const m of Object.values<Parsed>(doc.components.messages)) {
        const ciphers = JSON.stringify(m.payload).split('"A256GCM"').length - 1;
        expect([m.name, m['x-personal-data'].length]).toEqual([m.name, ciphers]);
      }
    });
  });
});

describe('sealedPaths', () => {
  const sealedSchema = z.toJSONSchema(SealedValue);

  it('recognises SealedValue itself, whatever the order of its properties', () => {
    expect(sealedPaths(sealedSchema)).toEqual(['$']);
    const { alg, iv, ct, tag } = (sealedSchema as Parsed).properties;
    expect(isSealedValueSchema({ type: 'object', properties: { tag, ct, iv, alg } })).toBe(true);
    expect(isSealedValueSchema({ properties: { alg: { enum: ['A256GCM'] }, iv, ct, tag } })).toBe(true);
  });

  it('finds sealed values in nested objects, arrays, maps, unions and nullable fields', () => {
    const schema = z.strictObject({
      person: z.strictObject({ name: SealedValue, age: z.number() }),
      relatives: z.array(z.strictObject({ name: SealedValue })),
      notes: z.record(z.string(), SealedValue),
      'birth-date': SealedValue.nullable().optional(),
      either: z.union([z.strictObject({ a: SealedValue }), z.strictObject({ b: z.string() })]),
      plain: z.string(),
    });
    expect(sealedPaths(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }))).toEqual([
      '$.person.name',
      '$.relatives[*].name',
      '$.notes.*',
      "$['birth-date']",
      '$.either.a',
    ]);
  });

  it('follows $refs, also of a recursive schema', () => {
    const Node: z.ZodType = z.lazy(() => z.strictObject({ secret: SealedValue, children: z.array(Node) }));
    const withRefs = z.toJSONSchema(z.strictObject({ a: SealedValue, b: SealedValue, tree: Node }), { reused: 'ref' });
    expect(JSON.stringify(withRefs)).toContain('$ref');
    expect(sealedPaths(withRefs)).toEqual(['$.a', '$.b', '$.tree.secret', '$.tree.children[*].secret']);
  });

  it('refuses a $ref it cannot follow rather than reporting none', () => {
    expect(() => sealedPaths({ properties: { x: { $ref: 'https://example.org/other.json' } } })).toThrow(RangeError);
    expect(() => sealedPaths({ properties: { x: { $ref: '#/$defs/missing' } } })).toThrow(RangeError);
  });

  it('does not take a near miss for a sealed value', () => {
    const { alg, iv, ct, tag } = (sealedSchema as Parsed).properties;
    const nearMisses = [
      { type: 'object', properties: { alg, iv, ct } },
      { type: 'object', properties: { alg, iv, ct, tag, extra: { type: 'string' } } },
      { type: 'object', properties: { alg: { type: 'string' }, iv, ct, tag } },
      { type: 'object', properties: { alg: { const: 'A128GCM' }, iv, ct, tag } },
      { type: 'object', properties: { alg: { enum: ['A256GCM', 'none'] }, iv, ct, tag } },
      { type: 'array', properties: { alg, iv, ct, tag } },
    ];
    for (const schema of nearMisses) expect(sealedPaths({ properties: { x: schema } })).toEqual([]);
  });
});
