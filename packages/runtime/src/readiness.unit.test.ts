import { describe, expect, it } from '@jest/globals';
import type { Relay, RelayStatus } from '@asn/bus';
import { consumerReadiness, operationsReadiness } from './readiness';

const store = { headPosition: async () => 7 };
const relayIn = (state: RelayStatus['state']): Relay => ({
  caughtUp: Promise.resolve(),
  status: async () => ({
    topic: 'asn.personnel.v1',
    state,
    position: 0,
    head: 7,
    lag: 7,
    lagMs: 5,
    published: 0,
    failedAttempts: 3,
  }),
  stop: async () => undefined,
});
const outcome = async (check: { check(): Promise<void> | void }): Promise<'ok' | 'failed'> => {
  try {
    await check.check();
    return 'ok';
  } catch {
    return 'failed';
  }
};

describe('the readiness checks of a service', () => {
  it('check the store first, then its own, then the relay when there is one', () => {
    const own = { name: 'read model', check: () => undefined };
    expect(operationsReadiness({ store }, own).map((c) => c.name)).toEqual(['store', 'read model']);
    expect(operationsReadiness({ store, relay: relayIn('publishing') }, own).map((c) => c.name)).toEqual([
      'store',
      'read model',
      'relay',
    ]);
  });

  it('stay ready while the broker is out, and not once the relay stopped', async () => {
    const relayCheck = (state: RelayStatus['state']) => operationsReadiness({ store, relay: relayIn(state) }).at(-1)!;
    expect(await outcome(relayCheck('retrying'))).toBe('ok');
    expect(await outcome(relayCheck('stopped'))).toBe('failed');
  });

  it('fail while the store does not answer', async () => {
    const [check] = operationsReadiness({ store: { headPosition: () => Promise.reject(new Error('closed')) } });
    expect(await outcome(check!)).toBe('failed');
  });
});

describe('the readiness of a consumer', () => {
  it('waits a little for the consumer to catch up', async () => {
    let done!: () => void;
    const check = consumerReadiness('consumer', new Promise<void>((resolve) => (done = resolve)), 1_000);
    const probe = outcome(check);
    done();
    expect(await probe).toBe('ok');
  });

  it('fails while the consumer is still catching up', async () => {
    expect(await outcome(consumerReadiness('consumer', new Promise<void>(() => undefined), 10))).toBe('failed');
  });
});
