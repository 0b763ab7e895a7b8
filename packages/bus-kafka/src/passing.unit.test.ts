import { describe, expect, it } from '@jest/globals';
import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';
import { whilePassing } from './passing';

// What the broker answers in the first seconds after a restart (code 14, COORDINATOR_LOAD_IN_PROGRESS).
const loading = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error("The coordinator is loading and hence can't process requests for this group"), {
      type: 'COORDINATOR_LOAD_IN_PROGRESS',
      code: 14,
      retriable: true,
    }),
  );

describe('whilePassing', () => {
  it('given a coordinator still loading, when it is asked again, then the answer that follows is returned', async () => {
    let calls = 0;
    const offsets = await whilePassing(async () => {
      calls += 1;
      if (calls < 3) throw loading();
      return 'offsets';
    });
    expect(offsets).toBe('offsets');
    expect(calls).toBe(3);
  });

  it('given an error that will not pass, then it is thrown at once', async () => {
    let calls = 0;
    const denied = new KafkaJSError('Not authorized to access group', { retriable: false });
    await expect(
      whilePassing(async () => {
        calls += 1;
        throw denied;
      }),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
  });

  it('given an error that is not from Kafka, then it is thrown at once', async () => {
    const bug = new TypeError('x is undefined');
    await expect(whilePassing(() => Promise.reject(bug))).rejects.toBe(bug);
  });

  it('given a coordinator that keeps loading, then the last error is thrown once the bound has passed', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      whilePassing(async () => {
        calls += 1;
        throw loading();
      }, 500),
    ).rejects.toThrow(/coordinator is loading/);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(calls).toBeGreaterThan(1);
  });
});
