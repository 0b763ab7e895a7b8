import type { Bus } from '@asn/bus';
import { cityDate } from '@asn/contracts';
import { consumerReadiness, rulesRoute, serviceApp, type ServiceDeps } from '@asn/runtime';
import { startTrainingConsumer, type TrainingConsumer } from './consumers/trainingConsumer';
import { employeeTrainingRoutes } from './employees/employeeTraining.http';
import { trainingErrorMapper } from './errors';
import { programmeRoutes } from './programmes/programme.http';
import { openTrainingReadModel, type TrainingReadModel } from './readModel';
import type { TrainingRules } from './rules/rules';

/** What the training service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface TrainingDeps extends ServiceDeps {
  /** Where asn.personnel.v1 and asn.evaluation.v1 are read from; the service's own events come from its own store. */
  readonly bus: Bus;
  readonly rules: TrainingRules;
  /** DATA_DIR/training.readmodel.db. */
  readonly readModelPath: string;
}

export const SERVICE = {
  name: 'training',
  version: '0.1.0',
  description: 'Training programmes and their participants, enrolment from training needs, attendance, completion and the yearly JP tally.',
} as const;

export interface TrainingApp {
  app: ReturnType<typeof serviceApp>;
  readModel: TrainingReadModel;
  consumer: TrainingConsumer;
  /** Stops the consumer and closes the read model (the store, bus and other adapters belong to the caller). */
  stop(): Promise<void>;
}

/** The training service's express app (no listen), its read model and the consumer that feeds it. */
export const createApp = async (deps: TrainingDeps): Promise<TrainingApp> => {
  const now = deps.now ?? (() => new Date());
  const today = deps.today ?? (() => cityDate(now()));
  const readModel = openTrainingReadModel(deps.readModelPath);
  const placement = { store: deps.store, now, today, readModel, logger: deps.logger };
  const consumer = await startTrainingConsumer({ ...placement, bus: deps.bus });
  const app = serviceApp(deps, {
    service: SERVICE,
    routes: [
      ...programmeRoutes(placement),
      ...employeeTrainingRoutes({ readModel, rules: () => deps.rules, today }),
      rulesRoute(deps.rules, 'The JP entitlements in force, each naming its regulation', 'employees'),
    ],
    readiness: [consumerReadiness('consumer', consumer.consumer.caughtUp)],
    errorMapper: trainingErrorMapper,
  });
  return {
    app,
    readModel,
    consumer,
    stop: async () => {
      await consumer.stop();
      readModel.close();
    },
  };
};
