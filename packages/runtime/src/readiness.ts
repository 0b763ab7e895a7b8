import type { ReadinessCheck } from '@asn/service-kit';
import type { Operations } from './routes';

/**
 * A service's readiness checks: the event store answers, then the service's own `checks` (read models,
 * consumers), then, with a relay, that the relay has not stopped.
 */
export const operationsReadiness = (
  { store, relay }: Operations,
  ...checks: readonly ReadinessCheck[]
): ReadinessCheck[] => [
  {
    name: 'store',
    check: async () => {
      await store.headPosition();
    },
  },
  ...checks,
  // A broker outage leaves the service ready: commands are safe in the store and the relay catches up
  // (GET /v1/relay shows the lag). Only a relay that stopped for good makes the service unready.
  ...(relay
    ? [
        {
          name: 'relay',
          check: async () => {
            if ((await relay.status()).state === 'stopped') throw new Error('the relay stopped');
          },
        },
      ]
    : []),
];

/** Ready once `caughtUp` (a consumer's first catch-up) has resolved, waiting for it up to `waitMs`. */
export const consumerReadiness = (name: string, caughtUp: Promise<unknown>, waitMs = 1_000): ReadinessCheck => ({
  name,
  check: async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}: still catching up`)), waitMs);
    });
    try {
      await Promise.race([caughtUp, timeout]);
    } finally {
      clearTimeout(timer);
    }
  },
});
