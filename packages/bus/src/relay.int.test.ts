import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { waitUntil } from '@asn/testing';
import type { CloudEvent, Topic } from '@asn/contracts';
import { startRelay, type Relay } from './relay';
import { events, newStream, tempStore } from './testing/fixtures';
import type { EncodedBatch, Publisher } from './types';

/** A publisher that records what it was sent and fails while `down` is true. */
const recordingPublisher = () => {
  const sent: CloudEvent[] = [];
  const state = { down: false, attempts: 0 };
  type Batch = EncodedBatch & { events: readonly CloudEvent[] };
  const send = async (batch: EncodedBatch): Promise<void> => {
    state.attempts += 1;
    if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    sent.push(...(batch as Batch).events);
  };
  const encode = (topic: Topic, events: readonly CloudEvent[]): Batch => ({ topic, size: events.length, events });
  const publisher: Publisher = { encode, send, publish: (topic, events) => send(encode(topic, events)), close: async () => undefined };
  return { publisher, sent, state };
};


describe('the relay (store -> bus)', () => {
  let fixture: ReturnType<typeof tempStore>;
  let relays: Relay[];
  beforeEach(() => {
    fixture = tempStore();
    relays = [];
  });
  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await fixture.remove();
  });
  const start = (publisher: Publisher, extra: Partial<Parameters<typeof startRelay>[0]> = {}): Relay => {
    const relay = startRelay({
      store: fixture.store,
      checkpoint: fixture.store.checkpoints('relay:personnel'),
      context: 'personnel',
      publisher,
      batchSize: 3,
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      ...extra,
    });
    relays.push(relay);
    return relay;
  };

  it("publishes its own categories in log order, and reports no lag once caught up", async () => {
    const employee = newStream('employee');
    await fixture.store.appendToStream(employee, events(4));
    await fixture.store.appendToStream(newStream('feedback'), events(2));
    await fixture.store.appendToStream(newStream('nip'), events(1));
    const { publisher, sent } = recordingPublisher();
    const relay = start(publisher);
    await relay.caughtUp;
    expect(sent.map((e) => e.streamrevision)).toEqual([0, 1, 2, 3]);
    expect(sent.every((e) => e.subject === employee)).toBe(true);
    const status = await relay.status();
    expect(status).toMatchObject({ state: 'publishing', lag: 0, lagMs: 0, published: 4, position: 4, head: 7 });
  });

  it('never publishes what was not committed: a refused append leaves nothing on the bus', async () => {
    const stream = newStream();
    await fixture.store.appendToStream(stream, events(2));
    // Refused in the same group-commit transaction as a good append: its savepoint is rolled back.
    const results = await Promise.allSettled([
      fixture.store.appendToStream(stream, events(3), { expectedRevision: 0 }),
      fixture.store.appendToStream(newStream(), events(1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const { publisher, sent } = recordingPublisher();
    const relay = start(publisher);
    await relay.caughtUp;
    expect(sent).toHaveLength(3);
    expect(sent.filter((e) => e.subject === stream).map((e) => e.streamrevision)).toEqual([0, 1]);
  });

  it('reports itself stopped when it fails outside a publish, so that the service turns unready', async () => {
    await fixture.store.appendToStream(newStream(), events(2));
    const { publisher } = recordingPublisher();
    const relay = start({
      ...publisher,
      encode: () => {
        throw new TypeError('cannot encode');
      },
    });
    await waitUntil('the expected state', async () => (await relay.status()).state === 'stopped', 5_000);
    expect(await relay.status()).toMatchObject({ state: 'stopped', lastError: 'TypeError', published: 0 });
  });

  it('restarts from its checkpoint after a transient store failure, skipping nothing', async () => {
    const stream = newStream();
    await fixture.store.appendToStream(stream, events(5));
    const { publisher, sent } = recordingPublisher();
    const checkpoint = fixture.store.checkpoints('relay:personnel');
    let busy = 1;
    const relay = start(publisher, {
      checkpoint: {
        load: () => checkpoint.load(),
        save: async (position) => {
          if (busy-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
          await checkpoint.save(position);
        },
      },
    });
    await waitUntil('the expected state', async () => (await relay.status()).lag === 0 && (await checkpoint.load()) === 5, 5_000);
    // The first page was acknowledged but not checkpointed: published again, then everything once more in order.
    expect(sent.map((e) => e.streamrevision)).toEqual([0, 1, 2, 0, 1, 2, 3, 4]);
    expect(await relay.status()).toMatchObject({ state: 'publishing', failedAttempts: 1, lastError: 'Error' });
  });

  it('waits out a broker outage and resumes from the same event, skipping nothing (P7)', async () => {
    const { publisher, sent, state } = recordingPublisher();
    state.down = true;
    const stream = newStream();
    await fixture.store.appendToStream(stream, events(7));
    const relay = start(publisher);
    await waitUntil('the expected state', () => state.attempts >= 3, 5_000);
    const during = await relay.status();
    expect(during).toMatchObject({ state: 'retrying', lag: 7, lastError: 'Error' });
    expect(sent).toEqual([]);
    expect(await fixture.store.checkpoints('relay:personnel').load()).toBeUndefined();
    state.down = false;
    await waitUntil('the expected state', async () => (await relay.status()).lag === 0, 5_000);
    expect(sent.map((e) => e.streamrevision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await relay.status()).state).toBe('publishing');
  });

  it('publishes a page again when it dies between the ack and the checkpoint: duplicates, never a loss', async () => {
    const stream = newStream();
    await fixture.store.appendToStream(stream, events(5));
    const { publisher, sent } = recordingPublisher();
    let crashes = 1;
    const crashing = start(publisher, {
      afterPublish: () => {
        if (crashes-- > 0) throw new Error('killed after publish');
      },
    });
    await waitUntil('the expected state', () => sent.length === 3, 5_000);
    await crashing.stop();
    expect(await fixture.store.checkpoints('relay:personnel').load()).toBeUndefined();
    const restarted = start(publisher);
    await restarted.caughtUp;
    await waitUntil('the expected state', async () => (await restarted.status()).lag === 0, 5_000);
    expect(sent.map((e) => e.streamrevision)).toEqual([0, 1, 2, 0, 1, 2, 3, 4]);
    expect(await fixture.store.checkpoints('relay:personnel').load()).toBe(5);
  });
});
