import type { Relay } from '@asn/bus';
import type { EventStore } from '@asn/event-store';
import { defineRoute, type Route } from '@asn/service-kit';
import { z } from 'zod';

/** What every service's operations routes and readiness report on. */
export interface Operations {
  readonly store: Pick<EventStore, 'headPosition'>;
  /** The relay to Kafka (BUS=kafka); absent on the local bus, where the store is the bus. */
  readonly relay?: Relay | undefined;
}

export const StoreHead = z.object({ position: z.number().int().min(0) });
export type StoreHead = z.infer<typeof StoreHead>;

export const RelayStatusBody = z.object({
  topic: z.string(),
  state: z.enum(['publishing', 'retrying', 'stopped']),
  position: z.number().int(),
  head: z.number().int(),
  lag: z
    .number()
    .int()
    .describe('committed events of this service not yet acknowledged by the broker (counted up to 10,000)'),
  lagMs: z.number().describe('age of the oldest of them in milliseconds; 0 when none waits'),
  lastCommitToAckMs: z.number().optional(),
  published: z.number().int(),
  failedAttempts: z.number().int(),
  lastError: z.string().optional(),
});
export type RelayStatusBody = z.infer<typeof RelayStatusBody>;

/**
 * The routes an operator watches a service by: `GET /v1/store/head` (the event store's last global
 * position) and, with a relay, `GET /v1/relay` (its position, lag and whether the broker answers). Both are
 * for the auditor and the operator.
 */
export const operationsRoutes = ({ store, relay }: Operations): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/store/head',
    summary: "Global position of the event store's last committed event",
    tags: ['operations'],
    operationId: 'getStoreHead',
    access: ['auditor', 'operator'],
    responses: { 200: { description: 'The head position; 0 when the store is empty', schema: StoreHead } },
    handler: async () => ({ status: 200, body: { position: await store.headPosition() } satisfies StoreHead }),
  }),
  ...(relay
    ? [
        defineRoute({
          method: 'get',
          path: '/v1/relay',
          summary: 'The relay to Kafka: position, lag behind the store, and whether the broker answers',
          tags: ['operations'],
          operationId: 'getRelayStatus',
          access: ['auditor', 'operator'],
          responses: { 200: { description: 'The relay status', schema: RelayStatusBody } },
          handler: async () => ({ status: 200, body: (await relay.status()) satisfies RelayStatusBody }),
        }),
      ]
    : []),
];

/** `GET /v1/rules`: the service's rule set in force (each rule naming its regulation), for any caller with a token. */
export const rulesRoute = (rules: unknown, summary: string, tag: string): Route =>
  defineRoute({
    method: 'get',
    path: '/v1/rules',
    summary,
    tags: [tag],
    operationId: 'getRules',
    access: 'authenticated',
    responses: { 200: { description: 'The rule set' } },
    handler: () => ({ status: 200, body: rules }),
  });
