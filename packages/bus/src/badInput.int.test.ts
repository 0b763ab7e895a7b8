// The bus bad inputs of ../shared/QUALITY.md that concern a consumer's contract, on the local bus over a
// real SQLite file: an unknown type, a future schema version, data breaking its schema (dead letters with
// the reason, the consumer goes on), and an event whose subject was erased (applied, its fields unreadable).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createEventRegistry, defineEvent, SealedValue, Topics } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { createFieldCipher, createMemoryKeyStore, ERASED } from '@asn/privacy';
import { z } from 'zod';
import { decodeWith } from './decode';
import { openLocalBus, type LocalBus } from './local';
import { newStream, tempStore } from './testing/fixtures';

const Noted = defineEvent({ type: 'Noted', version: 1, schema: z.strictObject({ text: z.string() }) }).upcastTo({
  version: 2,
  schema: z.strictObject({ text: z.string(), by: z.string() }),
  upcast: (v1) => ({ ...v1, by: 'unknown' }),
});
const Named = defineEvent({ type: 'Named', version: 1, schema: z.strictObject({ name: SealedValue }) });
const registry = createEventRegistry([Noted, Named]);

describe('a consumer decoding with its contract registry', () => {
  let fixture: ReturnType<typeof tempStore>;
  let bus: LocalBus;
  beforeEach(() => {
    fixture = tempStore();
    bus = openLocalBus({ store: fixture.store, path: fixture.path });
  });
  afterEach(async () => {
    await bus.close();
    await fixture.remove();
  });

  it('dead-letters an unknown type, a future version and data that breaks its schema, and upcasts old versions', async () => {
    const stream = newStream();
    await fixture.store.appendToStream(stream, [
      { id: newId(), type: 'Noted', schemaVersion: 1, data: { text: 'old shape' } },
      { id: newId(), type: 'Promoted', data: { to: 'III/b' } },
      { id: newId(), type: 'Noted', schemaVersion: 3, data: { text: 'from the future', by: 'x', extra: 1 } },
      { id: newId(), type: 'Noted', schemaVersion: 2, data: { text: 42, by: 'x' } },
      { id: newId(), type: 'Noted', schemaVersion: 2, data: { text: 'fine', by: 'staff-1' } },
    ]);
    const handled: unknown[] = [];
    const consumer = await bus.subscribe({ group: 'reader', topics: [Topics.personnel], handle: decodeWith(registry, (e) => void handled.push(e.data)) });
    await consumer.caughtUp;
    expect(handled).toEqual([{ text: 'old shape', by: 'unknown' }, { text: 'fine', by: 'staff-1' }]);
    expect(bus.deadLetters('reader').map((d) => d.errorClass)).toEqual(['UnknownEventTypeError', 'FutureEventVersionError', 'EventSchemaError']);
    expect(bus.deadLetters('reader').every((d) => d.reason.length > 0 && d.eventId !== undefined)).toBe(true);
  });

  it("applies an event whose subject was erased: the consumer goes on and the personal field reads as erased", async () => {
    const keys = createMemoryKeyStore();
    const cipher = createFieldCipher(keys);
    const subject = newId();
    const stream = newStream();
    await fixture.store.appendToStream(stream, [{ id: newId(), type: 'Named', data: { name: cipher.seal(subject, 'name', 'Ni Luh Putu Ayu') } }]);
    keys.erase(subject);
    const names: unknown[] = [];
    const consumer = await bus.subscribe({
      group: 'directory',
      topics: [Topics.personnel],
      handle: decodeWith(registry, (e) => void names.push(cipher.open(subject, 'name', (e.data as { name: SealedValue }).name))),
    });
    await consumer.caughtUp;
    expect(names).toEqual([ERASED]);
    expect(bus.deadLetters('directory')).toEqual([]);
  });
});
