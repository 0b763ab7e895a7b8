import type { EventStore } from '@asn/event-store';
import {
  createServiceApp,
  defineRoute,
  eventStoreErrorMapper,
  type IdempotencyStore,
  type Logger,
  type TokenVerifier,
} from '@asn/service-kit';
import { z } from 'zod';

/** What the personnel service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface PersonnelDeps {
  readonly store: EventStore;
  readonly logger: Logger;
  readonly auth: TokenVerifier;
  readonly idempotency: IdempotencyStore;
  readonly trustProxyHops?: number;
  readonly now?: () => Date;
}

export const SERVICE = {
  name: 'personnel',
  version: '0.1.0',
  description: 'Employee records and decrees (SK) of the civil service.',
} as const;

export const StoreHead = z.object({ position: z.number().int().min(0) });
export type StoreHead = z.infer<typeof StoreHead>;

// Until the employee slice lands (a later issue), this route proves the wiring end to end:
// token verification, role check, the store, and the OpenAPI document.
const storeHeadRoute = (store: EventStore) =>
  defineRoute({
    method: 'get',
    path: '/v1/store/head',
    summary: "Global position of the event store's last committed event",
    tags: ['operations'],
    operationId: 'getStoreHead',
    access: ['auditor', 'operator'],
    responses: { 200: { description: 'The head position; 0 when the store is empty', schema: StoreHead } },
    handler: async () => ({ status: 200, body: { position: await store.headPosition() } satisfies StoreHead }),
  });

/** The personnel service's express app (no listen). */
export const createApp = (deps: PersonnelDeps): ReturnType<typeof createServiceApp> =>
  createServiceApp({
    service: SERVICE,
    logger: deps.logger,
    routes: [storeHeadRoute(deps.store)],
    readiness: [
      {
        name: 'store',
        check: async () => {
          await deps.store.headPosition();
        },
      },
    ],
    auth: deps.auth,
    idempotency: deps.idempotency,
    errorMappers: [eventStoreErrorMapper],
    ...(deps.trustProxyHops === undefined ? {} : { trustProxyHops: deps.trustProxyHops }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
