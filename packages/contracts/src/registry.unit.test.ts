import { describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import {
  EventContractError,
  EventSchemaError,
  FutureEventVersionError,
  UnknownEventTypeError,
  UnknownEventVersionError,
  createEventRegistry,
  defineEvent,
} from './registry';
import type { EventData } from './registry';

// Sample events for the tests only: real events live with their services.
const employeeRenamed = defineEvent({
  type: 'EmployeeRenamed',
  version: 1,
  schema: z.strictObject({ name: z.string().min(1) }),
})
  .upcastTo({
    version: 2,
    schema: z.strictObject({ givenName: z.string().min(1), familyName: z.string() }),
    upcast: ({ name }) => {
      // Many Indonesian names are a single word: the family name is then empty, never invented.
      const [givenName = name, ...rest] = name.split(' ');
      return { givenName, familyName: rest.join(' ') };
    },
  })
  .upcastTo({
    version: 3,
    schema: z.strictObject({ givenName: z.string().min(1), familyName: z.string(), title: z.string().optional() }),
    upcast: (v2) => v2,
  });

const noteAdded = defineEvent({
  type: 'NoteAdded',
  version: 1,
  schema: z.strictObject({ text: z.string(), at: z.iso.datetime(), tags: z.array(z.enum(['a', 'b'])).default([]) }),
});

const registry = createEventRegistry([employeeRenamed, noteAdded]);

describe('the event registry', () => {
  describe('when a store checks data before appending it (check)', () => {
    it('validates it at its own version and does not upcast it', () => {
      expect(registry.check('EmployeeRenamed', 1, { name: 'Siti Nurhaliza' })).toEqual({ name: 'Siti Nurhaliza' });
      expect(registry.check('EmployeeRenamed', 2, { givenName: 'Siti', familyName: 'Nurhaliza' })).toEqual({ givenName: 'Siti', familyName: 'Nurhaliza' });
      expect(() => registry.check('EmployeeRenamed', 1, { givenName: 'Siti', familyName: 'Nurhaliza' })).toThrow(EventSchemaError);
      expect(() => registry.check('EmployeeRenamed', 4, { name: 'Siti' })).toThrow(FutureEventVersionError);
      expect(() => registry.check('EmployeeRenamed', 0, { name: 'Siti' })).toThrow(UnknownEventVersionError);
    });
  });

  describe('when data comes from a store that checked it on append (upcastStored)', () => {
    it('takes data at the latest version as it is, without validating it again', () => {
      const stored = { givenName: 'Budi', familyName: 'Santoso' };
      expect(registry.upcastStored('EmployeeRenamed', 3, stored)).toBe(stored);
      expect(registry.upcastStored('NoteAdded', 1, { text: 'not validated' })).toEqual({ text: 'not validated' });
    });

    it('validates and upcasts data at an older version, as parse does', () => {
      expect(registry.upcastStored('EmployeeRenamed', 1, { name: 'Siti Nurhaliza' })).toEqual({ givenName: 'Siti', familyName: 'Nurhaliza' });
      expect(() => registry.upcastStored('EmployeeRenamed', 1, { name: '' })).toThrow(EventSchemaError);
    });

    it('refuses a type or version it does not know', () => {
      expect(() => registry.upcastStored('EmployeeTeleported' as never, 1, {})).toThrow(UnknownEventTypeError);
      expect(() => registry.upcastStored('EmployeeRenamed', 4, {})).toThrow(FutureEventVersionError);
    });
  });

  describe('when data was stored at an old version', () => {
    it('upcasts it to the latest version', () => {
      const renamed = registry.parse('EmployeeRenamed', 1, { name: 'Siti Nurhaliza Putri' });
      expect(renamed).toEqual({ givenName: 'Siti', familyName: 'Nurhaliza Putri' });
    });

    it('upcasts a single-word name without inventing a family name', () => {
      expect(registry.parse('EmployeeRenamed', 1, { name: 'Sukarno' })).toEqual({ givenName: 'Sukarno', familyName: '' });
    });

    it('types the result as the latest version', () => {
      const latest: EventData<typeof employeeRenamed> = registry.parse('EmployeeRenamed', 2, {
        givenName: 'Budi',
        familyName: 'Santoso',
      });
      // @ts-expect-error the v1 field no longer exists on the latest type
      expect(latest.name).toBeUndefined();
      expect(latest.title).toBeUndefined();
    });
  });

  it('validates data stored at the latest version, applying its defaults', () => {
    expect(registry.parse('NoteAdded', 1, { text: 'x', at: '2025-01-01T00:00:00Z' })).toEqual({
      text: 'x',
      at: '2025-01-01T00:00:00Z',
      tags: [],
    });
  });

  it('upcasts a whole event whose type is known only at run time, keeping its other fields', () => {
    const event = registry.parseEvent({ id: 'e1', type: 'EmployeeRenamed', schemaVersion: 1, data: { name: 'Ayu Lestari' } });
    expect(event).toEqual({
      id: 'e1',
      type: 'EmployeeRenamed',
      schemaVersion: 3,
      data: { givenName: 'Ayu', familyName: 'Lestari' },
    });
    if (event.type === 'EmployeeRenamed') expect(event.data.givenName).toBe('Ayu');
  });

  it('rejects an unknown type', () => {
    expect(() => registry.parseEvent({ type: 'EmployeeCloned', schemaVersion: 1, data: {} })).toThrow(UnknownEventTypeError);
    expect(() => registry.parseEvent({ type: 'EmployeeCloned', schemaVersion: 1, data: {} })).toThrow(EventContractError);
  });

  it('rejects a version newer than the code knows', () => {
    const error = catching(() => registry.parse('EmployeeRenamed', 4, {}));
    expect(error).toBeInstanceOf(FutureEventVersionError);
    expect(error).toMatchObject({ type: 'EmployeeRenamed', version: 4, latestVersion: 3 });
  });

  it.each([0, 1.5, Number.NaN])('rejects version %p', (version) => {
    expect(() => registry.parse('EmployeeRenamed', version, { name: 'x' })).toThrow(UnknownEventVersionError);
  });

  it('rejects stored data that fails its own version, naming the path but not the value', () => {
    const error = catching(() => registry.parse('EmployeeRenamed', 1, { name: 'Siti', nip: '198503302010011002' }));
    expect(error).toBeInstanceOf(EventSchemaError);
    expect(error).toMatchObject({ version: 1, upcastFrom: undefined });
    expect(error.message).toMatch(/EmployeeRenamed v1 data fails its schema/);
    expect(error.message).toMatch(/nip/);
    expect(error.message).not.toContain('198503302010011002');
  });

  it('rejects v1 data presented as v2', () => {
    expect(() => registry.parse('EmployeeRenamed', 2, { name: 'Siti' })).toThrow(/v2 data fails its schema.*givenName/);
  });

  it('blames the upcaster when it produces data its target version refuses', () => {
    const broken = createEventRegistry([
      defineEvent({ type: 'Counted', version: 1, schema: z.strictObject({ n: z.number() }) }).upcastTo({
        version: 2,
        schema: z.strictObject({ count: z.number() }),
        upcast: ({ n }) => ({ count: n, extra: true }) as { count: number },
      }),
    ]);
    expect(catching(() => broken.parse('Counted', 1, { n: 1 }))).toMatchObject({ version: 2, upcastFrom: 1 });
  });

  it('refuses definitions that skip a version, reuse a type or are not PascalCase', () => {
    const v1 = defineEvent({ type: 'Counted', version: 1, schema: z.strictObject({ n: z.number() }) });
    expect(() => v1.upcastTo({ version: 3, schema: z.strictObject({}), upcast: () => ({}) })).toThrow(/must follow version 1/);
    expect(() => createEventRegistry([v1, v1])).toThrow(/defined twice/);
    expect(() => defineEvent({ type: 'counted', version: 1, schema: z.strictObject({}) })).toThrow(/PascalCase/);
    expect(() => defineEvent({ type: 'Counted', version: 0, schema: z.strictObject({}) })).toThrow(/positive integer/);
  });

  it('knows its types and their latest versions', () => {
    expect(registry.has('NoteAdded')).toBe(true);
    expect(registry.has('NoteRemoved')).toBe(false);
    expect(registry.latestVersion('EmployeeRenamed')).toBe(3);
  });
});

describe('JSON Schema export', () => {
  const schemas = registry.jsonSchemas();

  it('covers every type and version', () => {
    expect(schemas.map(({ type, version }) => `${type} v${version}`)).toEqual([
      'EmployeeRenamed v1',
      'EmployeeRenamed v2',
      'EmployeeRenamed v3',
      'NoteAdded v1',
    ]);
  });

  it('produces draft 2020-12 schemas that a strict validator compiles and that match the zod schema', () => {
    const ajv = addFormats(new Ajv2020({ strict: true }));
    const v1 = schemas.find((s) => s.type === 'EmployeeRenamed' && s.version === 1)?.schema ?? {};
    expect(v1).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:asn:event:EmployeeRenamed:v1',
      type: 'object',
      additionalProperties: false,
      required: ['name'],
    });
    const validate = ajv.compile(v1);
    expect(validate({ name: 'Siti' })).toBe(true);
    expect(validate({ name: 'Siti', extra: 1 })).toBe(false);
    expect(validate({ name: '' })).toBe(false);
  });

  it('describes data as written, so a field with a default is optional', () => {
    const ajv = addFormats(new Ajv2020({ strict: true }));
    const note = schemas.find((s) => s.type === 'NoteAdded')?.schema ?? {};
    const validate = ajv.compile(note);
    expect(validate({ text: 'x', at: '2025-01-01T00:00:00Z' })).toBe(true);
    expect(validate({ text: 'x', at: 'not a time' })).toBe(false);
  });
});

const catching = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
};
