import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DuplicateEventIdError, InvalidAppendError, WrongExpectedRevisionError } from './errors';
import { checkAgainstDigest, makeDigest } from './digest';
import type { CheckpointStore, EventStore, NewEvent, RecordedEvent } from './types';
import { verifyEvents, verifyStore, type VerifiableEvent, type VerifiableStore } from './verify';

export interface ConformanceOptions {
  /** Events in the long stream that must be read without holding it in memory. */
  longStreamEvents?: number;
  /** Whether the engine's global positions are 1, 2, 3… without gaps. */
  gapFreePositions?: boolean;
  /** Whether the engine keeps events outside the JS heap, so that reading a long stream must not grow it. */
  boundedMemory?: boolean;
  /**
   * Whether `readAll({ after })` only takes 0 or a position the store handed out. On EventStoreDB positions
   * are byte offsets in the log, and a number between two events may point inside a record (ADR 0009).
   * Default false: any number works, as on SQLite.
   */
  afterOnlyStorePositions?: boolean;
}

const anEvent = (data: unknown = { n: 1 }, type = 'SomethingHappened'): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { actor: { subject: 'tester', role: 'hr-staff' }, correlationId: randomUUID() },
});
const events = (n: number, type?: string): NewEvent[] => Array.from({ length: n }, (_, i) => anEvent({ i }, type));
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
const memoryCheckpoint = (): CheckpointStore & { value?: number } => {
  const checkpoint: CheckpointStore & { value?: number } = {
    load: async () => checkpoint.value,
    save: async (position) => {
      checkpoint.value = position;
    },
  };
  return checkpoint;
};

/**
 * The behaviour every event store engine must have (QUALITY.md P2, P3, P4, P6 and the port's contract).
 * Call it from a test file of the engine with a factory that opens a fresh, empty store.
 */
/** A full garbage collection, without starting node with --expose-gc (the flag set now, gc taken from a fresh context). */
const collectGarbage = (() => {
  let gc: (() => void) | undefined;
  return (): void => {
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
    gc();
  };
})();

export const describeEventStoreConformance = (
  engine: string,
  open: () => Promise<{ store: EventStore & VerifiableStore; dispose?: () => Promise<void> }>,
  options: ConformanceOptions = {},
): void => {
  describe(`event store conformance: ${engine}`, () => {
    let store: EventStore & VerifiableStore;
    let dispose: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await store.close();
      await dispose?.();
    });

    describe('appending and reading a stream', () => {
      it('records the envelope of every event in order', async () => {
        const stream = aStream();
        const before = Date.now();
        const written = events(3);
        written[1] = { ...written[1]!, schemaVersion: 2, metadata: { causationId: 'c-1', traceparent: '00-abc' } };
        const result = await store.appendToStream(stream, written, { expectedRevision: 'no_stream' });
        const read = await collect(store.readStream(stream));

        expect(result.nextExpectedRevision).toBe(2);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
        expect(read.map((e) => e.data)).toEqual(written.map((e) => e.data));
        expect(read[1]!.metadata).toEqual({ causationId: 'c-1', traceparent: '00-abc' });
        expect(read[0]!.metadata.actor).toEqual({ subject: 'tester', role: 'hr-staff' });
        expect(read.map((e) => e.schemaVersion)).toEqual([1, 2, 1]);
        expect(read.every((e) => e.stream === stream && e.type === 'SomethingHappened')).toBe(true);
        expect(read[2]!.position).toBe(result.position);
        expect(read[0]!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(read[0]!.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      });

      it('reads backwards, from a revision, and up to a count', async () => {
        const stream = aStream();
        await store.appendToStream(stream, events(10));
        const revisions = async (o: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(stream, o))).map((e) => e.revision);
        expect(await revisions({ direction: 'backwards', maxCount: 3 })).toEqual([9, 8, 7]);
        expect(await revisions({ fromRevision: 7 })).toEqual([7, 8, 9]);
        expect(await revisions({ fromRevision: 4, direction: 'backwards', maxCount: 2 })).toEqual([4, 3]);
        expect(await revisions({ fromRevision: 2, maxCount: 2 })).toEqual([2, 3]);
        expect(await revisions({ fromRevision: 10 })).toEqual([]);
      });

      it('reads nothing from a stream that does not exist', async () => {
        expect(await collect(store.readStream(aStream()))).toEqual([]);
      });

      it('never hands out the object the writer passed in', async () => {
        const stream = aStream();
        const event = anEvent({ list: [1, 2] });
        await store.appendToStream(stream, [event]);
        (event.data as { list: number[] }).list.push(3);
        const [read] = await collect(store.readStream(stream));
        expect(read!.data).toEqual({ list: [1, 2] });
      });
    });

    describe('when the append expects a revision', () => {
      it('accepts the states that match and refuses the others', async () => {
        const stream = aStream();
        await expect(store.appendToStream(stream, events(1), { expectedRevision: 'exists' })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await expect(store.appendToStream(stream, events(1), { expectedRevision: 0 })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.appendToStream(stream, events(2), { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(stream, events(1), { expectedRevision: 'no_stream' })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          stream,
          actual: 1,
        });
        await expect(store.appendToStream(stream, events(1), { expectedRevision: 0 })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.appendToStream(stream, events(1), { expectedRevision: 1 });
        await store.appendToStream(stream, events(1), { expectedRevision: 'exists' });
        await store.appendToStream(stream, events(1), { expectedRevision: 'any' });
        expect((await collect(store.readStream(stream))).length).toBe(5);
      });

      it('lets exactly one of many concurrent appends with the same expected revision win (P3)', async () => {
        const stream = aStream();
        await store.appendToStream(stream, events(1));
        const attempts = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.appendToStream(stream, events(2), { expectedRevision: 0 })),
        );
        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((a) => a.reason instanceof WrongExpectedRevisionError)).toBe(true);
        expect((await collect(store.readStream(stream))).map((e) => e.revision)).toEqual([0, 1, 2]);
      });
    });

    describe('when an append is retried with the same event ids (P4)', () => {
      it('writes nothing and returns the original result, also after other writes', async () => {
        const stream = aStream();
        const batch = events(3);
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, events(2), { expectedRevision: 2 });
        await store.appendToStream(aStream(), events(4));
        const head = await store.headPosition();

        const retry = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(retry).toEqual(first);
        expect(await store.headPosition()).toBe(head);
        expect((await collect(store.readStream(stream))).length).toBe(5);
      });

      it('refuses ids already used by a different append, writing nothing', async () => {
        const stream = aStream();
        const batch = events(3);
        await store.appendToStream(stream, batch);
        const head = await store.headPosition();
        await expect(store.appendToStream(aStream(), [batch[0]!])).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.appendToStream(stream, [batch[0]!, anEvent()])).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.appendToStream(stream, [batch[1]!, batch[0]!])).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('when a multi-event append cannot complete (P2)', () => {
      it('writes none of its events', async () => {
        const other = aStream();
        const taken = anEvent();
        await store.appendToStream(other, [taken]);
        const stream = aStream();
        const head = await store.headPosition();
        const batch = [...events(3), taken, ...events(2)];
        await expect(store.appendToStream(stream, batch)).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await collect(store.readStream(stream))).toEqual([]);
        expect(await store.headPosition()).toBe(head);
        // The stream is still new: the same events without the taken id go in at revision 0.
        const retry = await store.appendToStream(stream, batch.filter((e) => e !== taken), { expectedRevision: 'no_stream' });
        expect(retry.nextExpectedRevision).toBe(4);
      });

      it('refuses malformed input with a clear error and writes nothing', async () => {
        const head = await store.headPosition();
        const bad: Array<[string, NewEvent[], unknown]> = [
          ['nocategory', events(1), 'any'],
          ['Employee-1', events(1), 'any'],
          [aStream(), [], 'any'],
          [aStream(), [{ ...anEvent(), id: 'not-a-uuid' }], 'any'],
          [aStream(), [{ ...anEvent(), type: 'has space' }], 'any'],
          [aStream(), [{ ...anEvent(), schemaVersion: 0 }], 'any'],
          [aStream(), events(1), -1],
          [aStream(), events(1), 'latest'],
        ];
        const same = anEvent();
        bad.push([aStream(), [same, same], 'any']);
        for (const [stream, batch, expectedRevision] of bad) {
          await expect(
            store.appendToStream(stream, batch, { expectedRevision: expectedRevision as 'any' }),
          ).rejects.toBeInstanceOf(InvalidAppendError);
        }
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('the global log', () => {
      it('has gap-free revisions, growing positions and unique ids (P6)', async () => {
        const streams = Array.from({ length: 5 }, () => aStream());
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => store.appendToStream(streams[i % 5]!, events((i % 3) + 1))),
        );
        const all = await collect(store.readAll());
        const positions = all.map((e) => e.position);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(new Set(positions).size).toBe(positions.length);
        if (options.gapFreePositions) expect(positions).toEqual(all.map((_, i) => i + 1));
        expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
        for (const stream of streams) {
          const revisions = all.filter((e) => e.stream === stream).map((e) => e.revision);
          expect(revisions).toEqual(revisions.map((_, i) => i));
        }
        expect(await store.headPosition()).toBe(positions[positions.length - 1]);
      });

      it('keeps concurrent appends to different streams apart', async () => {
        const streams = Array.from({ length: 50 }, () => aStream());
        const results = await Promise.all(streams.map((s) => store.appendToStream(s, events(2), { expectedRevision: 'no_stream' })));
        expect(new Set(results.map((r) => r.position)).size).toBe(50);
        for (const [i, stream] of streams.entries()) {
          const read = await collect(store.readStream(stream));
          expect(read.map((e) => e.revision)).toEqual([0, 1]);
          expect(read[1]!.position).toBe(results[i]!.position);
        }
      });

      it('reads after a position, by category, up to a count', async () => {
        await store.appendToStream(aStream('employee'), events(2));
        const { position } = await store.appendToStream(aStream('feedback'), events(3));
        await store.appendToStream(aStream('employee'), events(1));
        // The event just before the feedback stream's last one: any number in between, or its own position.
        const all = await collect(store.readAll());
        const before = all[all.findIndex((e) => e.position === position) - 1]!.position;
        const after = await collect(store.readAll({ after: options.afterOnlyStorePositions ? before : position - 1 }));
        expect(after.map((e) => e.position)[0]).toBe(position);
        expect(after).toHaveLength(2);
        const feedback = await collect(store.readAll({ categories: ['feedback'] }));
        expect(feedback.map((e) => e.stream.split('-')[0])).toEqual(['feedback', 'feedback', 'feedback']);
        expect(await collect(store.readAll({ categories: ['employee', 'feedback'], maxCount: 4 }))).toHaveLength(4);
        expect(await collect(store.readAll({ categories: ['training'] }))).toEqual([]);
      });
    });

    describe('a subscription', () => {
      it('catches up, resumes from its checkpoint and keeps following', async () => {
        const stream = aStream();
        await store.appendToStream(stream, events(5));
        const checkpoint = memoryCheckpoint();
        const seen: RecordedEvent[] = [];
        const first = store.subscribe({ checkpoint, handle: (e) => void seen.push(e), batchSize: 2 });
        await first.caughtUp;
        expect(seen.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
        await first.stop();
        expect(checkpoint.value).toBe(seen[4]!.position);

        await store.appendToStream(stream, events(2));
        const resumed: RecordedEvent[] = [];
        const second = store.subscribe({ checkpoint, handle: async (e) => void resumed.push(e) });
        await second.caughtUp;
        expect(resumed.map((e) => e.revision)).toEqual([5, 6]);

        await store.appendToStream(stream, events(1));
        await store.appendToStream(aStream(), events(1));
        await waitFor(() => resumed.length === 4);
        expect(resumed.map((e) => e.revision)).toEqual([5, 6, 7, 0]);
        await second.stop();
        expect(checkpoint.value).toBe(resumed[3]!.position);
      });

      it('hands over whole pages to a batch handler and moves the checkpoint only after it resolved', async () => {
        const stream = aStream();
        await store.appendToStream(stream, events(5));
        const checkpoint = memoryCheckpoint();
        const pages: number[][] = [];
        const lastPositions: number[] = [];
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const sub = store.subscribe({
          checkpoint,
          batchSize: 2,
          handleBatch: async (page) => {
            pages.push(page.map((e) => e.revision));
            lastPositions.push(page.at(-1)!.position);
            if (pages.length === 2) await held;
          },
        });
        await waitFor(() => pages.length === 2);
        // The second page is in the handler: the checkpoint is at the end of the first page, not beyond.
        expect(checkpoint.value).toBe(lastPositions[0]);
        release();
        await sub.caughtUp;
        await sub.stop();
        expect(pages).toEqual([[0, 1], [2, 3], [4]]);
        expect(checkpoint.value).toBe(lastPositions[2]);
      });

      it('follows only the categories asked for', async () => {
        const seen: string[] = [];
        const sub = store.subscribe({ categories: ['feedback'], handle: (e) => void seen.push(e.stream) });
        await sub.caughtUp;
        await store.appendToStream(aStream('employee'), events(1));
        const feedback = aStream('feedback');
        await store.appendToStream(feedback, events(1));
        await waitFor(() => seen.length === 1);
        await sub.stop();
        expect(seen).toEqual([feedback]);
      });

      it('fails, and stops, when its handler throws', async () => {
        await store.appendToStream(aStream(), events(3));
        const handled: number[] = [];
        const sub = store.subscribe({
          handle: (e) => {
            if (e.revision === 1) throw new Error('cannot handle');
            handled.push(e.revision);
          },
        });
        await expect(sub.done).rejects.toThrow('cannot handle');
        expect(handled).toEqual([0]);
      });
    });

    describe('its stored form, what verify and signed digests read (P11)', () => {
      /** The form's events, with `during` run once after the first event was read. */
      const readWhile = async function* (form: ReturnType<VerifiableStore['storedForm']>, during: () => Promise<void>): AsyncIterable<VerifiableEvent> {
        let first = true;
        for await (const event of form.events) {
          if (first) await during();
          first = false;
          yield event;
        }
      };

      it('is of one moment: appends committed while it is read are in neither its events nor its heads', async () => {
        const [a, b, c] = [aStream(), aStream('unit'), aStream()];
        await store.appendToStream(a, events(3));
        // More than an engine reads in one page (512), so that the appends below land while pages are still to be read.
        await store.appendToStream(b, events(1200));
        const form = store.storedForm();
        const during = async () => {
          await store.appendToStream(a, events(2), { expectedRevision: 2 });
          await store.appendToStream(c, events(1));
        };
        const report = await verifyEvents(readWhile(form, during), form.heads, { gapFreePositions: form.gapFreePositions });
        expect(report).toEqual({ ok: true, events: 1203, streams: 2 });
        expect(await verifyStore(store)).toEqual({ ok: true, events: 1206, streams: 3 });
      });

      it('gives a digest of one moment while appends go on, and the store checks against it afterwards', async () => {
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const a = aStream();
        await store.appendToStream(a, events(2));
        await store.appendToStream(aStream(), events(1200));
        const form = store.storedForm();
        const signed = await makeDigest({ ...form, events: readWhile(form, async () => void (await store.appendToStream(a, events(1), { expectedRevision: 1 }))) }, privateKey);
        expect(signed.digest.events).toBe(1202);
        expect(signed.digest.heads.find((head) => head.stream === a)).toMatchObject({ revision: 1 });
        await store.appendToStream(aStream(), events(1));
        expect(await checkAgainstDigest(store.storedForm(), signed, publicKey)).toEqual({ ok: true, store: { ok: true, events: 1204, streams: 3 } });
      });
    });

    it(`reads a long stream without holding it in memory`, async () => {
      const total = options.longStreamEvents ?? 100_000;
      const stream = aStream();
      const payload = 'x'.repeat(1000);
      for (let written = 0; written < total; written += 2000) {
        const batch = Array.from({ length: Math.min(2000, total - written) }, (_, i) => anEvent({ i: written + i, payload }));
        await store.appendToStream(stream, batch);
      }
      // What the reader holds, not the garbage the collector has not got to yet (which depends on what ran before
      // in the same process): measured after a full collection.
      const retained = (): number => {
        collectGarbage();
        return process.memoryUsage().heapUsed;
      };
      const baseline = retained();
      let peak = 0;
      let expected = 0;
      for await (const event of store.readStream(stream)) {
        if (event.revision !== expected) throw new Error(`revision ${event.revision} where ${expected} was due`);
        expected++;
        if (expected % 5000 === 0) peak = Math.max(peak, retained() - baseline);
      }
      expect(expected).toBe(total);
      // Held whole, the stream would take well over 100 MB of heap.
      if (options.boundedMemory) expect(peak).toBeLessThan(64 * 1024 * 1024);
    }, 120_000);
  });
};
