import type { Bus } from '@asn/bus';
import { Topics } from '@asn/contracts';
import { StoreDoesNotVerifyError } from '@asn/event-store';
import type { DigestKey } from '@asn/event-store-sqlite';
import { openOrgChart, personnelTopicRegistry } from '@asn/org-chart';
import type { AuditLog } from '@asn/privacy';
import { personalDataAccessRoutes } from '@asn/privacy/http';
import { consumerReadiness, project, serviceApp, type ServiceDeps } from '@asn/runtime';
import { HttpProblem } from '@asn/service-kit';
import Database from 'better-sqlite3';
import { openCareers, type Careers } from './careers/careers';
import { careerRoutes } from './careers/careers.http';
import { movementRoutes, publicFigureRoutes } from './careers/movements.http';
import { startDigests, type Digests } from './digests/digests';
import { digestRoutes } from './digests/digests.http';

/** What the reporting service is built from; main.ts wires real adapters, tests wire temp ones. */
export interface ReportingDeps extends ServiceDeps {
  /** Every context's topic (personnel so far): the local bus over the store file, or Kafka. */
  readonly bus: Bus;
  /** DATA_DIR/reporting.readmodel.db: disposable, rebuilt from the topics. */
  readonly readModelPath: string;
  /** DATA_DIR/reporting.audit.db: who read or exported what. */
  readonly audit: AuditLog;
  /** The event store file the digests are made of, and where they are kept. */
  readonly digests: { storePath: string; key: DigestKey; dir: string; intervalMs: number };
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
  careers: Careers;
  digests: Digests;
  caughtUp: Promise<void>;
  /** Stops the digests, the consumer and closes the read model (the store, bus and other adapters belong to the caller). */
  stop(): Promise<void>;
}

export const createApp = async (deps: ReportingDeps): Promise<ReportingApp> => {
  const now = deps.now ?? (() => new Date());
  const db = new Database(deps.readModelPath);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const orgChart = openOrgChart(db);
  const careers = openCareers(db, orgChart);
  const personnel = await project({
    bus: deps.bus,
    group: 'reporting.personnel',
    topics: [Topics.personnel],
    registry: personnelTopicRegistry,
    db,
    apply: (event) => {
      orgChart.apply(event);
      careers.apply(event);
    },
  });
  const digests = startDigests({ ...deps.digests, logger: deps.logger, now });
  const today = () => now().toISOString().slice(0, 10);
  const app = serviceApp(deps, {
    service: SERVICE,
    routes: [...careerRoutes({ careers, audit: deps.audit, today }), ...movementRoutes({ careers, audit: deps.audit, today }), ...publicFigureRoutes({ careers, today, rateLimit: deps.publicRateLimit ?? { limit: 60, windowSeconds: 60 } }), ...digestRoutes({ digests, audit: deps.audit }), ...personalDataAccessRoutes(deps.audit)],
    readiness: [consumerReadiness('consumers', personnel.caughtUp)],
    errorMapper: (error) => (error instanceof StoreDoesNotVerifyError ? new HttpProblem(409, 'store-does-not-verify', 'The event store does not verify', error.message) : undefined),
  });
  return {
    app,
    careers,
    digests,
    caughtUp: personnel.caughtUp,
    stop: async () => {
      await digests.stop();
      await personnel.stop();
      db.close();
    },
  };
};
