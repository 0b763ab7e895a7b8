import type { RecordedEvent, SubscribeOptions, Subscription } from './types';

/** What an engine offers so that one subscription loop serves every engine. */
export interface SubscriptionSource {
  /** One page of the global log after `after`: a page per call keeps the per-event cost to the handler's. */
  readPage(after: number, categories: readonly string[] | undefined, limit: number): Promise<RecordedEvent[]>;
  /** A number that changes whenever new events may have been committed. */
  changeCounter(): number;
  /** Resolves once changeCounter() differs from `seen`, or after a polling interval, or on abort. */
  waitForChange(seen: number, signal: AbortSignal): Promise<void>;
}

/**
 * A catch-up subscription: reads the global log after the stored checkpoint page by page, hands each event
 * (or each page) to the handler in order, saves the checkpoint after each page (at-least-once), signals when it has caught
 * up, then keeps following new commits until stopped.
 */
export const startSubscription = (source: SubscriptionSource, options: SubscribeOptions): Subscription => {
  const batchSize = options.batchSize ?? 1000;
  const abort = new AbortController();
  let position = 0;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  const run = async (): Promise<void> => {
    position = (await options.checkpoint?.load()) ?? 0;
    let saved = position;
    while (!abort.signal.aborted) {
      const seen = source.changeCounter();
      const page = await source.readPage(position, options.categories, batchSize);
      if (options.handleBatch) {
        if (page.length > 0) {
          await options.handleBatch(page);
          position = page[page.length - 1]!.position;
        }
      } else {
        for (const event of page) {
          const handled = options.handle(event);
          if (handled) await handled;
          position = event.position;
          if (abort.signal.aborted) break;
        }
      }
      if (position !== saved && options.checkpoint) {
        await options.checkpoint.save(position);
        saved = position;
      }
      if (page.length < batchSize && !abort.signal.aborted) {
        markCaughtUp();
        await source.waitForChange(seen, abort.signal);
      }
    }
  };

  const done = run();
  // A failed subscription must not leave `caughtUp` waiting forever, nor raise an unhandled rejection.
  done.catch(() => undefined).finally(markCaughtUp);
  return {
    caughtUp,
    done,
    position: () => position,
    stop: async () => {
      abort.abort();
      await done.catch(() => undefined);
    },
  };
};

/** Waits for a change signalled through `subscribe`, bounded by `pollMs` so that other processes' commits are seen. */
export const waitForSignal = (
  subscribe: (wake: () => void) => () => void,
  changed: () => boolean,
  pollMs: number,
  signal: AbortSignal,
): Promise<void> =>
  new Promise<void>((resolve) => {
    if (changed() || signal.aborted) return resolve();
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, pollMs);
    const unsubscribe = subscribe(finish);
    signal.addEventListener('abort', finish);
  });

/** Resolves after `ms`, or at once when `signal` aborts: the one bounded wait of the engines, the bus and their retries. */
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
