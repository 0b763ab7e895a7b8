// The engine against an in-memory EventStoreDB (./testing/fakeEsdbClient.ts): the conformance suite with the
// options of esdb.e2e.test.ts, and what the suite does not reach: ambiguous failures, dropped subscriptions,
// transient errors, namespaces, tampering, checkpoints. What only a real server can prove: ADR 0009.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DuplicateEventIdError, WrongExpectedRevisionError, type NewEvent, type RecordedEvent } from '@asn/event-store';
import { describeEventStoreConformance } from '@asn/event-store/conformance';
import { openEsdbEventStore, type EsdbEventStore } from './esdbEventStore';
import { fakeEsdbClient, type FakeEsdbClient } from './testing/fakeEsdbClient';

const namespace = (): string => `t${randomUUID().replaceAll('-', '').slice(0, 20)}`;
const fastBackoff = { baseMs: 5, maxMs: 40 };
const open = (client: FakeEsdbClient = fakeEsdbClient(), ns?: string): EsdbEventStore =>
  openEsdbEventStore({ client, pollMs: 50, backoff: fastBackoff, namespace: ns });

const anEvent = (data: unknown = { n: 1 }): NewEvent => ({ id: randomUUID(), type: 'SomethingHappened', data, metadata: { correlationId: randomUUID() } });
const events = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => anEvent({ i }));
const aStream = (category = 'employee'): string => `${category}-${randomUUID()}`;
const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
const waitFor = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describeEventStoreConformance('EventStoreDB (in-memory fake)', async () => ({ store: open(fakeEsdbClient(), namespace()) }), {
  gapFreePositions: false,
  longStreamEvents: 4_000,
  boundedMemory: false,
  afterOnlyStorePositions: true,
});

describe('the EventStoreDB engine on the fake server', () => {
  it('hands out byte-offset positions, and keeps system and bookkeeping events out of reads', async () => {
    const client = fakeEsdbClient();
    const store = open(client);
    const stream = aStream();
    await store.appendToStream(stream, events(3));
    await store.checkpoints('relay').save(1);
    await store.appendToStream(aStream(), events(2));
    const all = await collect(store.readAll());
    expect(all).toHaveLength(5);
    expect(all.every((e) => !e.stream.startsWith('$') && !e.stream.startsWith('_asn_'))).toBe(true);
    const gaps = all.slice(1).map((e, i) => e.position - all[i]!.position);
    expect(gaps.every((gap) => gap > 1)).toBe(true);
    // The log really holds system and bookkeeping records between them.
    expect(client.log.some((r) => r.streamId.startsWith('$stats-'))).toBe(true);
    expect(client.log.some((r) => r.streamId === '$$_asn_checkpoint-relay')).toBe(true);
    expect(await store.headPosition()).toBe(all[4]!.position);
    await store.close();
  });

  describe('appends', () => {
    it('answer a retry after an ambiguous failure as the first time, writing nothing twice', async () => {
      const client = fakeEsdbClient();
      const store = open(client);
      const stream = aStream();
      await store.appendToStream(stream, events(1));
      const batch = events(3);
      // The append reaches the log, the answer does not.
      client.faults.failNext(1, { operations: ['appendToStream'], afterWrite: true, matches: (s) => s === stream });
      await expect(store.appendToStream(stream, batch, { expectedRevision: 0 })).rejects.toMatchObject({ type: 'unavailable' });
      const logSize = client.log.length;

      const retry = await store.appendToStream(stream, batch, { expectedRevision: 0 });
      const read = await collect(store.readStream(stream));
      expect(read.map((e) => e.id)).toEqual([read[0]!.id, ...batch.map((e) => e.id)]);
      expect(retry).toEqual({ nextExpectedRevision: 3, position: read[3]!.position });
      expect(client.log.length).toBe(logSize);
      // And again, after other writes to the stream.
      await store.appendToStream(stream, events(1), { expectedRevision: 3 });
      expect(await store.appendToStream(stream, batch, { expectedRevision: 0 })).toEqual(retry);
      await store.close();
    });

    it('go through on a retry when the failed attempt never reached the log', async () => {
      const client = fakeEsdbClient();
      const store = open(client);
      const stream = aStream();
      const batch = events(2);
      client.faults.failNext(1, { operations: ['appendToStream'], matches: (s) => s === stream });
      await expect(store.appendToStream(stream, batch, { expectedRevision: 'no_stream' })).rejects.toMatchObject({ type: 'unavailable' });
      expect(await collect(store.readStream(stream))).toEqual([]);
      const retry = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
      expect(retry.nextExpectedRevision).toBe(1);
      expect((await collect(store.readStream(stream))).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      await store.close();
    });

    it('refuse ids used by another append, in another stream or in another batch', async () => {
      const store = open();
      const batch = events(2);
      const stream = aStream();
      await store.appendToStream(stream, batch);
      await expect(store.appendToStream(aStream(), [batch[0]!])).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.appendToStream(stream, [batch[1]!])).rejects.toMatchObject({ name: 'DuplicateEventIdError', eventId: batch[1]!.id });
      await expect(store.appendToStream(stream, [...batch, anEvent()])).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await collect(store.readStream(stream))).toHaveLength(2);
      await store.close();
    });

    it('with the same expected revision, concurrently and with latency: one wins, the other is refused', async () => {
      const client = fakeEsdbClient();
      const store = open(client);
      const stream = aStream();
      await store.appendToStream(stream, events(1));
      client.faults.delay(3);
      const [a, b] = await Promise.allSettled([
        store.appendToStream(stream, events(2), { expectedRevision: 0 }),
        store.appendToStream(stream, events(1), { expectedRevision: 0 }),
      ]);
      client.faults.delay(0);
      const outcomes = [a, b];
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      expect(lost.reason).toBeInstanceOf(WrongExpectedRevisionError);
      const head = (await collect(store.readStream(stream))).at(-1)!.revision;
      expect((lost.reason as WrongExpectedRevisionError).actual).toBe(head);
      await store.close();
    });
  });

  describe('a subscription', () => {
    it('keeps delivering after its live subscription is dropped, reopening it with backoff', async () => {
      const client = fakeEsdbClient();
      // No poll to speak of: only the wake-up subscription can bring new events quickly.
      const store = openEsdbEventStore({ client, pollMs: 60_000, backoff: fastBackoff });
      const seen: RecordedEvent[] = [];
      const sub = store.subscribe({ handle: (e) => void seen.push(e) });
      await sub.caughtUp;
      await waitFor(() => client.openSubscriptions() >= 1);
      await store.appendToStream(aStream(), events(1));
      await waitFor(() => seen.length === 1);

      for (const withError of [true, false]) {
        expect(client.faults.dropLiveSubscriptions({ withError })).toBeGreaterThanOrEqual(1);
        await waitFor(() => client.openSubscriptions() >= 1); // reopened after a backoff
        const before = seen.length;
        await store.appendToStream(aStream(), events(2));
        await waitFor(() => seen.length === before + 2, 2000);
      }
      // Events appended while it is down are seen once it is back, not only at the next poll.
      client.faults.dropLiveSubscriptions();
      const before = seen.length;
      await store.appendToStream(aStream(), events(1));
      await waitFor(() => seen.length === before + 1, 2000);

      await sub.stop();
      await waitFor(() => client.openSubscriptions() === 0, 1000);
      await store.close();
    });

    it('gets over transient read errors and cut catch-up reads without losing or repeating events', async () => {
      const client = fakeEsdbClient();
      const store = open(client);
      const stream = aStream();
      await store.appendToStream(stream, events(30));
      const retries: unknown[] = [];
      const seen: number[] = [];
      client.faults.failNext(3, { operations: ['subscribeToAll'] });
      const sub = openEsdbEventStore({ client, pollMs: 50, backoff: fastBackoff, onRetry: (e) => void retries.push(e) }).subscribe({
        handle: (e) => void seen.push(e.revision),
        batchSize: 10,
      });
      await sub.caughtUp;
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(retries.length).toBeGreaterThanOrEqual(1);

      // A catch-up read whose connection is cut half way (with or without an error) is read again.
      await store.appendToStream(stream, events(10));
      client.faults.cutNextSubscription(4, { withError: false });
      await waitFor(() => seen.length === 40);
      expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
      await sub.stop();
      await store.close();
    });

    it('reads everything when a catch-up read of $all is cut before it caught up', async () => {
      const client = fakeEsdbClient();
      const store = open(client);
      await store.appendToStream(aStream(), events(20));
      for (const withError of [false, true]) {
        client.faults.cutNextSubscription(7, { withError });
        expect(await collect(store.readAll())).toHaveLength(20);
      }
      await store.close();
    });
  });

  it('keeps two namespaces on one server apart', async () => {
    const client = fakeEsdbClient();
    const a = open(client, 'tenanta');
    const b = open(client, 'tenantb');
    const stream = aStream();
    await a.appendToStream(stream, events(2));
    await b.appendToStream(stream, events(3), { expectedRevision: 'no_stream' });
    await b.appendToStream(aStream('feedback'), events(1));

    expect(await collect(a.readStream(stream))).toHaveLength(2);
    expect(await collect(b.readStream(stream))).toHaveLength(3);
    expect(await collect(a.readAll())).toHaveLength(2);
    expect(await collect(b.readAll())).toHaveLength(4);
    expect(await collect(a.readAll({ categories: ['feedback'] }))).toEqual([]);
    expect(client.log.some((r) => r.streamId === `tenanta.${stream}`)).toBe(true);
    const lastOfA = (await collect(a.readAll())).at(-1)!.position;
    expect(await a.headPosition()).toBe(lastOfA);
    const seen: string[] = [];
    const sub = a.subscribe({ handle: (e) => void seen.push(e.stream) });
    await sub.caughtUp;
    await b.appendToStream(aStream(), events(1));
    const mine = aStream();
    await a.appendToStream(mine, events(1));
    await waitFor(() => seen.length === 3);
    await sub.stop();
    expect(seen).toEqual([stream, stream, mine]);
    expect((await a.verify()).ok).toBe(true);
    expect(await b.verify()).toMatchObject({ ok: true, events: 5, streams: 3 });
    await a.close();
  });

  it('verify() names an event whose data was changed in the log', async () => {
    const client = fakeEsdbClient();
    const store = open(client, 'audit');
    const stream = aStream();
    await store.appendToStream(stream, [anEvent({ golongan: 'III/a' })]);
    await store.appendToStream(stream, [anEvent({ golongan: 'III/b' })], { expectedRevision: 0 });
    await store.appendToStream(aStream(), events(2));
    expect(await store.verify()).toMatchObject({ ok: true, events: 4, streams: 2 });

    client.tamper(`audit.${stream}`, 1, new TextEncoder().encode(JSON.stringify({ golongan: 'IV/e' })));
    const report = await store.verify();
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ kind: 'hash-mismatch', stream, revision: 1 });
    expect(report.problem!.position).toBe((await collect(store.readStream(stream)))[1]!.position);
    await store.close();
  });

  it('keeps checkpoints for a new store on the same client, capped by $maxCount', async () => {
    const client = fakeEsdbClient();
    const first = open(client);
    const stream = aStream();
    await first.appendToStream(stream, events(4));
    const handled: number[] = [];
    const sub = first.subscribe({ checkpoint: first.checkpoints('projector'), handle: (e) => void handled.push(e.revision), batchSize: 1 });
    await sub.caughtUp;
    await sub.stop();
    expect(handled).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 12; i++) await first.checkpoints('other').save(i + 1);

    // A second store (a restarted process) on the same server.
    const second = open(client);
    const saved = await second.checkpoints('projector').load();
    expect(saved).toBe((await collect(second.readStream(stream))).at(-1)!.position);
    expect(await second.checkpoints('other').load()).toBe(12);
    expect(await second.checkpoints('never').load()).toBeUndefined();
    // Only the last 10 values are kept for stream reads.
    const kept = client.log.filter((r) => r.streamId === '_asn_checkpoint-other');
    expect(kept).toHaveLength(12); // in $all until a scavenge
    const read = await collect(client.readStream('_asn_checkpoint-other', { direction: 'forwards', fromRevision: 'start', maxCount: 100 }));
    expect(read.map((r) => Number(r.event!.revision))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    await first.appendToStream(stream, events(2));
    const resumed: number[] = [];
    const again = second.subscribe({ checkpoint: second.checkpoints('projector'), handle: (e) => void resumed.push(e.revision) });
    await again.caughtUp;
    await again.stop();
    expect(resumed).toEqual([4, 5]);
    await second.close();
  });
});

describe('the fake server itself', () => {
  const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const raw = () => ({ id: randomUUID(), type: 'T', data: bytes({}), metadata: bytes({}) });

  it('refuses as client v6 does: wrong-expected-version with actualVersion, stream-not-found, foreign positions', async () => {
    const client = fakeEsdbClient();
    await expect(client.appendToStream('s-1', [raw()], 'stream_exists')).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 'no_stream' });
    const batch = [raw(), raw()];
    const written = await client.appendToStream('s-1', batch, 'no_stream');
    expect(written.nextExpectedRevision).toBe(1n);
    await expect(client.appendToStream('s-1', [raw()], 0n)).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 1n });
    // Idempotent at the same revision with the same ids.
    const again = await client.appendToStream('s-1', batch.map((e) => ({ ...raw(), id: e.id })), 'no_stream');
    expect(again).toEqual(written);
    await expect(collect(client.readStream('s-2', { direction: 'forwards', fromRevision: 'start', maxCount: 1 }))).rejects.toMatchObject({ type: 'stream-not-found' });
    const errors: Error[] = [];
    const inside = written.position!.commit + 1n;
    const sub = client.subscribeToAll({ commit: inside, prepare: inside }, { prefixes: ['s-'] });
    sub.on('error', (e) => void errors.push(e));
    await waitFor(() => errors.length === 1, 1000);
    expect(errors[0]).toMatchObject({ type: 'invalid-position' });
  });
});
