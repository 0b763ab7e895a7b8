import type { CloudEvent } from '@asn/contracts';
import { isTransient, type DeliveryContext, type Handler } from './types';

export type DeliveryOutcome = { kind: 'handled' } | { kind: 'dead-letter'; errorClass: string; reason: string };

export interface DeliveryPolicy {
  readonly isTransient?: (error: unknown) => boolean;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

/** The delivery was given up because the consumer is stopping: nothing may be committed for it. */
export class DeliveryAbortedError extends Error {
  override readonly name = 'DeliveryAbortedError';
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });

/** The dead letter's reason for an error: its class and message, never a stack (it may hold data). */
export const describeError = (error: unknown): { errorClass: string; reason: string } =>
  error instanceof Error
    ? { errorClass: error.name, reason: error.message.slice(0, 1_000) }
    : { errorClass: typeof error, reason: String(error).slice(0, 1_000) };

/**
 * Hands one event to the handler: transient failures are retried with capped exponential backoff until
 * they pass or the consumer stops; any other failure becomes a dead letter, so the messages behind it go on.
 * @throws DeliveryAbortedError when `signal` aborts while retrying.
 */
export const deliver = async (
  handle: Handler,
  event: CloudEvent,
  context: Omit<DeliveryContext, 'attempt'>,
  policy: DeliveryPolicy,
  signal: AbortSignal,
): Promise<DeliveryOutcome> => {
  const transient = policy.isTransient ?? isTransient;
  let delay = policy.retryDelayMs ?? 100;
  const maxDelay = policy.maxRetryDelayMs ?? 10_000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handled = handle(event, { ...context, attempt });
      if (handled) await handled;
      return { kind: 'handled' };
    } catch (error) {
      if (!transient(error)) return { kind: 'dead-letter', ...describeError(error) };
      if (signal.aborted) throw new DeliveryAbortedError('the consumer stopped while retrying a delivery');
      await sleep(delay, signal);
      if (signal.aborted) throw new DeliveryAbortedError('the consumer stopped while retrying a delivery');
      delay = Math.min(delay * 2, maxDelay);
    }
  }
};
