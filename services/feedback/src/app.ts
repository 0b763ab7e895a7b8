import type { Bus } from '@asn/bus';
import { Topics, workingCalendar } from '@asn/contracts';
import { personnelTopicRegistry } from '@asn/org-chart';
import { createFieldCipher, type AuditLog, type SubjectKeyStore } from '@asn/privacy';
import { personalDataAccessRoutes } from '@asn/privacy/http';
import { consumerReadiness, project, rulesRoute, serviceApp, type ServiceDeps } from '@asn/runtime';
import { feedbackErrorMapper } from './errors';
import { publicRoutes } from './public/public.http';
import { submissionKeys } from './public/submission';
import { openFeedbackReadModel, type FeedbackReadModel } from './readModel';
import type { FeedbackRules } from './rules/rules';
import { ticketRoutes } from './tickets/ticket.http';
import { startWatch, type Watch } from './tickets/watch';

/** What the feedback service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface FeedbackDeps extends ServiceDeps {
  /** Where asn.personnel.v1 (the org chart: routing, unit heads) is read from; the own events come from the store. */
  readonly bus: Bus;
  readonly rules: FeedbackRules;
  /** DATA_DIR/feedback.readmodel.db. */
  readonly readModelPath: string;
  /** DATA_DIR/feedback.keys.db: each ticket's case key and contact key. */
  readonly keys: SubjectKeyStore;
  /** DATA_DIR/feedback.audit.db: who read which ticket's contact details. */
  readonly audit: AuditLog;
  /** Derives the ids and capability tokens of submissions. */
  readonly masterKey: Buffer;
  readonly intakeUnitId?: string;
  readonly contactRetentionDays: number;
  readonly publicRateLimit: { limit: number; windowSeconds: number };
  readonly sweepIntervalMs: number;
}

export const SERVICE = {
  name: 'feedback',
  version: '0.1.0',
  description: 'Public feedback (SP4N-LAPOR!): reports from the public routed to the responsible unit, answered within the deadlines; transparency figures; erasable contact details.',
} as const;

export interface FeedbackApp {
  app: ReturnType<typeof serviceApp>;
  readModel: FeedbackReadModel;
  watch: Watch;
  /** Resolves once the org chart and the own events have caught up. */
  caughtUp: Promise<void>;
  /** Stops the watch, the consumers and closes the read model (the store, bus and other adapters belong to the caller). */
  stop(): Promise<void>;
}

export const createApp = async (deps: FeedbackDeps): Promise<FeedbackApp> => {
  const now = deps.now ?? (() => new Date());
  const rules = () => deps.rules;
  const calendar = workingCalendar(deps.rules);
  const readModel = openFeedbackReadModel(deps.readModelPath, rules, now);
  const cipher = createFieldCipher(deps.keys);
  const handlers = { store: deps.store, cipher, calendar: () => calendar, now };

  const personnel = await project({
    bus: deps.bus,
    group: 'feedback.personnel',
    topics: [Topics.personnel],
    registry: personnelTopicRegistry,
    db: readModel.db,
    apply: (event) => void readModel.orgChart.apply(event),
  });
  const own = deps.store.subscribe({
    categories: ['feedback'],
    checkpoint: readModel.checkpoint('own'),
    handleBatch: async (events) => readModel.applyOwn(events),
  });
  own.done.catch((error: unknown) => deps.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'the subscription to the own events failed'));
  const caughtUp = Promise.all([personnel.caughtUp, own.caughtUp]).then(() => undefined);
  const watch = startWatch({ handlers, readModel, keys: deps.keys, calendar: () => calendar, retentionDays: deps.contactRetentionDays, intervalMs: deps.sweepIntervalMs, logger: deps.logger });

  const app = serviceApp(deps, {
    service: SERVICE,
    routes: [
      ...publicRoutes({
        handlers,
        readModel,
        cipher,
        keys: deps.keys,
        submission: submissionKeys(deps.masterKey),
        calendar: () => calendar,
        ...(deps.intakeUnitId ? { intakeUnitId: deps.intakeUnitId } : {}),
        rateLimit: deps.publicRateLimit,
      }),
      ...ticketRoutes({ handlers, readModel, cipher, audit: deps.audit, calendar: () => calendar, dueSoonWorkingDays: () => deps.rules.dueSoonWorkingDays }),
      ...personalDataAccessRoutes(deps.audit),
      rulesRoute(deps.rules, 'The feedback rules in force: deadlines in working days, the working calendar', 'rules'),
    ],
    readiness: [consumerReadiness('consumers', caughtUp)],
    audit: deps.audit,
    errorMapper: feedbackErrorMapper,
  });
  return {
    app,
    readModel,
    watch,
    caughtUp,
    stop: async () => {
      await watch.stop();
      await personnel.stop();
      await own.stop();
      readModel.close();
    },
  };
};
