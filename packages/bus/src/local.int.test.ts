import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { waitUntil } from '@asn/testing';
import { Topics, type CloudEvent } from '@asn/contracts';
import { openLocalBus, type LocalBus } from './local';
import { events, newStream, tempStore } from './testing/fixtures';
import { TransientError } from './types';


describe('the local bus (the store file is the bus)', () => {
  let fixture: ReturnType<typeof tempStore>;
  let bus: LocalBus;
  beforeEach(() => {
    fixture = tempStore();
    bus = openLocalBus({ store: fixture.store, path: fixture.path, batchSize: 4 });
  });
  afterEach(async () => {
    await bus.close();
    await fixture.remove();
  });

  it("delivers a topic's categories in log order as CloudEvents, then follows new commits", async () => {
    const employee = newStream('employee');
    const unit = newStream('unit');
    await fixture.store.appendToStream(employee, events(3));
    await fixture.store.appendToStream(newStream('nip'), events(1));
    await fixture.store.appendToStream(newStream('feedback'), events(2));
    await fixture.store.appendToStream(unit, events(2));
    const seen: CloudEvent[] = [];
    const consumer = await bus.subscribe({ group: 'payroll', topics: [Topics.personnel], handle: (e) => void seen.push(e) });
    await consumer.caughtUp;
    expect(seen.map((e) => [e.subject, e.streamrevision])).toEqual([
      [employee, 0],
      [employee, 1],
      [employee, 2],
      [unit, 0],
      [unit, 1],
    ]);
    expect(seen[0]).toMatchObject({ type: 'asn.personnel.Noted.v1', source: '/asn/personnel', specversion: '1.0' });
    await fixture.store.appendToStream(employee, events(1));
    await waitUntil('the expected state', () => seen.length === 6, 5_000);
  });

  it('resumes a group after its checkpoint, and gives another group everything', async () => {
    const stream = newStream();
    await fixture.store.appendToStream(stream, events(10));
    const first: number[] = [];
    const consumer = await bus.subscribe({ group: 'g1', topics: [Topics.personnel], handle: (e) => void first.push(e.streamrevision) });
    await consumer.caughtUp;
    await consumer.stop();
    await fixture.store.appendToStream(stream, events(2));
    const resumed: number[] = [];
    await (await bus.subscribe({ group: 'g1', topics: [Topics.personnel], handle: (e) => void resumed.push(e.streamrevision) })).caughtUp;
    expect(resumed).toEqual([10, 11]);
    const other: number[] = [];
    await (await bus.subscribe({ group: 'g2', topics: [Topics.personnel], handle: (e) => void other.push(e.streamrevision) })).caughtUp;
    expect(other).toHaveLength(12);
  });

  it('dead-letters a message the handler refuses, with the reason, and goes on', async () => {
    const stream = newStream();
    await fixture.store.appendToStream(stream, events(3));
    const handled: number[] = [];
    const consumer = await bus.subscribe({
      group: 'strict',
      topics: [Topics.personnel],
      handle: (e) => {
        if (e.streamrevision === 1) throw new SyntaxError('data is not what version 1 promises');
        handled.push(e.streamrevision);
      },
    });
    await consumer.caughtUp;
    expect(handled).toEqual([0, 2]);
    expect(bus.deadLetters('strict')).toEqual([
      expect.objectContaining({ topic: Topics.personnel, errorClass: 'SyntaxError', reason: 'data is not what version 1 promises' }),
    ]);
  });

  it('retries a transient failure in place instead of dead-lettering it', async () => {
    await fixture.store.appendToStream(newStream(), events(2));
    let failures = 2;
    const handled: number[] = [];
    const consumer = await bus.subscribe({
      group: 'retrying',
      topics: [Topics.personnel],
      retryDelayMs: 5,
      handle: (e) => {
        if (e.streamrevision === 0 && failures-- > 0) throw new TransientError('database is locked');
        handled.push(e.streamrevision);
      },
    });
    await consumer.caughtUp;
    expect(handled).toEqual([0, 1]);
    expect(bus.deadLetters('retrying')).toEqual([]);
  });

  it('pauses and resumes without losing or skipping anything', async () => {
    const stream = newStream();
    const handled: number[] = [];
    const consumer = await bus.subscribe({ group: 'slow', topics: [Topics.personnel], handle: (e) => void handled.push(e.streamrevision) });
    await consumer.caughtUp;
    consumer.pause();
    await fixture.store.appendToStream(stream, events(5));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled.length).toBeLessThanOrEqual(1);
    consumer.resume();
    await waitUntil('the expected state', () => handled.length === 5, 5_000);
    expect(handled).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a consumer group name that is not a safe identifier, and an unknown topic', async () => {
    await expect(bus.subscribe({ group: 'a b', topics: [Topics.personnel], handle: () => undefined })).rejects.toThrow(RangeError);
    await expect(bus.subscribe({ group: 'ok', topics: ['asn.unknown.v1' as never], handle: () => undefined })).rejects.toThrow(
      'unknown topic',
    );
  });
});
