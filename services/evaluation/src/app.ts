import type { Bus } from '@asn/bus';
import { cityDate } from '@asn/contracts';
import { openOrgChart, type OrgChart } from '@asn/org-chart';
import { createFieldCipher, type AuditLog, type SubjectKeyStore } from '@asn/privacy';
import { personalDataAccessRoutes } from '@asn/privacy/http';
import { consumerReadiness, rulesRoute, serviceApp, type ServiceDeps } from '@asn/runtime';
import type { Database } from 'better-sqlite3';
import { appraisalRoutes } from './appraisals/appraisal.http';
import { startAppraisalIndex, type AppraisalIndex } from './appraisals/appraisals.projection';
import { startConsumers, type EvaluationConsumers } from './consumers/consumers';
import { evaluationErrorMapper } from './errors';
import type { EvaluationRules } from './rules/rules';
import { unitRatingRoutes } from './units/unitRating.http';

/** What the evaluation service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface EvaluationDeps extends ServiceDeps {
  /** Other contexts' topics (personnel, feedback): the local bus over the store file, or Kafka. */
  readonly bus: Bus;
  /** DATA_DIR/evaluation.readmodel.db: the org chart, the consumers' inboxes, complaints, pending closings. */
  readonly readModel: Database;
  /** DATA_DIR/evaluation.keys.db: each employee's key for the notes about them. */
  readonly keys: SubjectKeyStore;
  /** DATA_DIR/evaluation.audit.db: who read which appraisal (QUALITY.md), served to auditors. */
  readonly audit: AuditLog;
  readonly rules: EvaluationRules;
}

export const SERVICE = {
  name: 'evaluation',
  version: '0.1.0',
  description: 'Appraisals of civil servants (PermenPANRB 6/2022): ratings, predicates, reviews, objections, distribution caps, training needs.',
} as const;

export interface EvaluationApp {
  app: ReturnType<typeof serviceApp>;
  index: AppraisalIndex;
  orgChart: OrgChart;
  consumers: EvaluationConsumers;
  /** Stops the consumers and the read model (the store, bus and other adapters belong to the caller). */
  stop(): Promise<void>;
}

/** The evaluation service's express app (no listen), its read models and its consumers. */
export const createApp = async (deps: EvaluationDeps): Promise<EvaluationApp> => {
  const now = deps.now ?? (() => new Date());
  const today = deps.today ?? (() => cityDate(now()));
  const rules = () => deps.rules;
  const cipher = createFieldCipher(deps.keys);
  const handlers = { store: deps.store, cipher, rules };
  const index = startAppraisalIndex({ store: deps.store, logger: deps.logger });
  const orgChart = openOrgChart(deps.readModel);
  const consumers = await startConsumers({ bus: deps.bus, db: deps.readModel, orgChart, index, handlers, logger: deps.logger });

  const app = serviceApp(deps, {
    service: SERVICE,
    routes: [
      ...appraisalRoutes({ handlers, index, orgChart, complaints: consumers.complaints, rules, orgChartReady: () => consumers.personnel.caughtUp, today, audit: deps.audit }),
      ...unitRatingRoutes({ store: deps.store, index, rules }),
      ...personalDataAccessRoutes(deps.audit),
      rulesRoute(deps.rules, 'The appraisal rules in force: predicate grid, distribution caps, objection window, training-need areas', 'rules'),
    ],
    readiness: [{ name: 'read model', check: () => index.catchUp(1_000) }, consumerReadiness('consumers', consumers.caughtUp)],
    audit: deps.audit,
    errorMapper: evaluationErrorMapper,
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
