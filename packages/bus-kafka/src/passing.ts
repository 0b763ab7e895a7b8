import { KafkaJSError } from 'kafkajs';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a request that kafkajs does not retry by itself (the admin's `fetchOffsets`) again while the broker
 * says its error will pass (`retriable`: a group coordinator still loading its offsets after a restart, a
 * leader being elected), with capped exponential backoff, for at most `withinMs`; any other error, or a
 * passing one past the bound, is thrown as it came.
 */
export const whilePassing = async <T>(request: () => Promise<T>, withinMs = 30_000): Promise<T> => {
  const until = Date.now() + withinMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof KafkaJSError && error.retriable) || Date.now() + delay > until) throw error;
      await sleep(delay);
    }
  }
};
