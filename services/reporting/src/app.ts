import type { Bus } from '@asn/bus';
import { DEFAULT_FEEDBACK_RULES, workingCalendar, type FeedbackRules, type TrainingRules } from '@asn/contracts';
import { StoreDoesNotVerifyError, type DigestKey, type EventStore, type VerifiableStore } from '@asn/event-store';
import type { AuditLog } from '@asn/privacy';
import { personalDataAccessRoutes } from '@asn/privacy/http';
import { consumerReadiness, serviceApp, type ServiceDeps } from '@asn/runtime';
import { HttpProblem } from '@asn/service-kit';
import type { Careers } from './careers/careers';
import { appraisalRoutes } from './appraisals/appraisals.http';
import { careerRoutes } from './careers/careers.http';
import { complaintTimeliness } from './complaints/complaints';
import { complaintRoutes } from './complaints/complaints.http';
import { jpRoutes } from './competency/jp.http';
import { movementRoutes, publicFigureRoutes } from './careers/movements.http';
import { startDigests, type Digests } from './digests/digests';
import { digestRoutes } from './digests/digests.http';
import { openLiveReadModels, type LiveReadModels } from './rebuild/liveReadModels';
import { rebuildRoutes } from './rebuild/rebuild.http';

/** What the reporting service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface ReportingDeps extends ServiceDeps {
  /** The event store of either engine: its stored form is what the digests sign. */
  readonly store: EventStore & VerifiableStore;
  /** Every context's topic: the local bus over the store file, or Kafka. */
  readonly bus: Bus;
  /** DATA_DIR/reporting.readmodel.db: disposable, rebuilt from the topics. */
  readonly readModelPath: string;
  /** DATA_DIR/reporting.audit.db: who read or exported what. */
  readonly audit: AuditLog;
  /** The signing key of the store's digests and where they are kept; absent: no digest routes. */
  readonly digests?: { key: DigestKey; dir: string; intervalMs: number };
  /** The SP4N deadlines and working calendar of the feedback service (FEEDBACK_RULES_FILE; default the shipped ones). */
  readonly feedbackRules?: FeedbackRules;
  /** The JP entitlements of the training service (TRAINING_RULES_FILE; default the shipped ones). */
  readonly trainingRules?: TrainingRules;
  /** Requests for the public figures per client address and window (default 60 a minute). */
  readonly publicRateLimit?: { limit: number; windowSeconds: number };
}

export const SERVICE = {
  name: 'reporting',
  version: '0.1.0',
  description: "Reports and audit from every topic: each civil servant's timeline and record as of any date, the roster as of any date, movements per period (CSV, JSON Lines), public aggregate figures without personal data, signed digests of the event store.",
} as const;

export interface ReportingApp {
  app: ReturnType<typeof serviceApp>;
  /** The careers read model live now. */
  readonly careers: Careers;
  /** The read models, live: rebuilds and comparisons. */
  live: LiveReadModels;
  /** Undefined on an engine other than SQLite. */
  digests: Digests | undefined;
  caughtUp: Promise<void>;
  /** Stops the digests, the consumer and closes the read model (the store, bus and other adapters belong to the caller). */
  stop(): Promise<void>;
}

export const createApp = async (deps: ReportingDeps): Promise<ReportingApp> => {
  const now = deps.now ?? (() => new Date());
  const feedbackRules = deps.feedbackRules ?? DEFAULT_FEEDBACK_RULES;
  const live = await openLiveReadModels({ path: deps.readModelPath, store: deps.store, bus: deps.bus, logger: deps.logger, now, readModelOptions: { feedbackRules, ...(deps.trainingRules ? { trainingRules: deps.trainingRules } : {}) } });
  // The routes read whichever read models are live (another database after a rebuild).
  const readModels = () => live.current();
  const careers = () => readModels().careers;
  // The city's calendar (its clock: WIB in the shipped rules): "today" is the city's date, not UTC's.
  const calendar = workingCalendar(feedbackRules);
  const complaintFigures = (asOf: string) => {
    const models = readModels();
    return complaintTimeliness(asOf, models.complaints.tickets(calendar.endOf(asOf)), (id) => models.orgChart.unit(id)?.name, feedbackRules.utcOffsetMinutes);
  };
  const digests = deps.digests ? startDigests({ ...deps.digests, store: deps.store, logger: deps.logger, now }) : undefined;
  const today = () => calendar.localDate(now());
  const app = serviceApp(deps, {
    service: SERVICE,
    routes: [...careerRoutes({ careers, audit: deps.audit, today }), ...movementRoutes({ careers, audit: deps.audit, today }), ...publicFigureRoutes({ careers, today, complaints: complaintFigures, rateLimit: deps.publicRateLimit ?? { limit: 60, windowSeconds: 60 } }), ...(digests ? digestRoutes({ digests, audit: deps.audit }) : []), ...rebuildRoutes({ live, audit: deps.audit }), ...appraisalRoutes({ readModels, audit: deps.audit }), ...jpRoutes({ readModels, audit: deps.audit, today }), ...complaintRoutes({ readModels, audit: deps.audit, now }), ...personalDataAccessRoutes(deps.audit)],
    readiness: [consumerReadiness('consumers', live.caughtUp)],
    audit: deps.audit,
    errorMapper: (error) => (error instanceof StoreDoesNotVerifyError ? new HttpProblem(409, 'store-does-not-verify', 'The event store does not verify', error.message) : undefined),
  });
  return {
    app,
    get careers() {
      return careers();
    },
    live,
    digests,
    caughtUp: live.caughtUp,
    stop: async () => {
      await digests?.stop();
      await live.stop();
    },
  };
};
