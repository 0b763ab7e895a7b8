import type { Bus, Relay } from '@asn/bus';
import type { EventStore } from '@asn/event-store';
import { openOrgChart, type OrgChart } from '@asn/org-chart';
import { createFieldCipher, type SubjectKeyStore } from '@asn/privacy';
import { createServiceApp, defineRoute, eventStoreErrorMapper, type IdempotencyStore, type Logger, type TokenVerifier } from '@asn/service-kit';
import type { Database } from 'better-sqlite3';
import { appraisalRoutes } from './appraisals/appraisal.http';
import { startAppraisalIndex, type AppraisalIndex } from './appraisals/appraisals.projection';
import { startConsumers, type EvaluationConsumers } from './consumers/consumers';
import { evaluationErrorMapper } from './errors';
import type { EvaluationRules } from './rules/rules';
import { unitRatingRoutes } from './units/unitRating.http';

/** What the evaluation service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface EvaluationDeps {
  readonly store: EventStore;
  /** Other contexts' topics (personnel, feedback): the local bus over the store file, or Kafka. */
  readonly bus: Bus;
  /** DATA_DIR/evaluation.readmodel.db: the org chart, the consumers' inboxes, complaints, pending closings. */
  readonly readModel: Database;
  readonly logger: Logger;
  readonly auth: TokenVerifier;
  readonly idempotency: IdempotencyStore;
  /** DATA_DIR/evaluation.keys.db: each employee's key for the notes about them. */
  readonly keys: SubjectKeyStore;
  readonly rules: EvaluationRules;
  readonly trustProxyHops?: number;
  readonly now?: () => Date;
  /** The relay to Kafka (BUS=kafka); absent on the local bus, where the store is the bus. */
  readonly relay?: Relay;
}

export const SERVICE = {
  name: 'evaluation',
  version: '0.1.0',
  description: 'Appraisals of civil servants (PermenPANRB 6/2022): ratings, predicates, reviews, objections, distribution caps, training needs.',
} as const;

export interface EvaluationApp {
  app: ReturnType<typeof createServiceApp>;
  index: AppraisalIndex;
  orgChart: OrgChart;
  consumers: EvaluationConsumers;
  /** Stops the consumers and the read model (the store, bus and other adapters belong to the caller). */
  stop(): Promise<void>;
}

/** The evaluation service's express app (no listen), its read models and its consumers. */
export const createApp = async (deps: EvaluationDeps): Promise<EvaluationApp> => {
  const now = deps.now ?? (() => new Date());
  const rules = () => deps.rules;
  const cipher = createFieldCipher(deps.keys);
  const handlers = { store: deps.store, cipher, rules };
  const index = startAppraisalIndex({ store: deps.store, logger: deps.logger });
  const orgChart = openOrgChart(deps.readModel);
  const consumers = await startConsumers({ bus: deps.bus, db: deps.readModel, orgChart, index, handlers, logger: deps.logger });
  const { relay } = deps;

  const app = createServiceApp({
    service: SERVICE,
    logger: deps.logger,
    routes: [
      ...appraisalRoutes({ handlers, index, orgChart, complaints: consumers.complaints, rules, orgChartReady: () => consumers.personnel.caughtUp, now }),
      ...unitRatingRoutes({ store: deps.store, index, rules }),
      defineRoute({
        method: 'get',
        path: '/v1/rules',
        summary: 'The appraisal rules in force: predicate grid, distribution caps, objection window, training-need areas',
        tags: ['rules'],
        operationId: 'getRules',
        access: 'authenticated',
        responses: { 200: { description: 'The rule set' } },
        handler: () => ({ status: 200, body: deps.rules }),
      }),
    ],
    readiness: [
      {
        name: 'store',
        check: async () => {
          await deps.store.headPosition();
        },
      },
      {
        name: 'read model',
        check: async () => {
          await index.catchUp(1_000);
        },
      },
      {
        name: 'consumers',
        check: async () => {
          const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the consumers are catching up')), 1_000).unref());
          await Promise.race([consumers.caughtUp, timeout]);
        },
      },
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
    ],
    auth: deps.auth,
    idempotency: deps.idempotency,
    errorMappers: [evaluationErrorMapper, eventStoreErrorMapper],
    ...(deps.trustProxyHops === undefined ? {} : { trustProxyHops: deps.trustProxyHops }),
    now,
  });
  return {
    app,
    index,
    orgChart,
    consumers,
    stop: async () => {
      await consumers.stop();
      await index.stop();
    },
  };
};
