import type { DecodedEvent } from '@asn/bus';
import { evaluationEventRegistry, feedbackEventRegistry, Topics, trainingEventRegistry, type FeedbackRules, type Topic, type TrainingRules } from '@asn/contracts';
import { openOrgChart, personnelTopicRegistry, type OrgChart } from '@asn/org-chart';
import { combineRegistries } from '@asn/runtime';
import type { Database } from 'better-sqlite3';
import { openAppraisals, APPRAISAL_TABLES, type Appraisals } from './appraisals/appraisals';
import { openCareers, type Careers } from './careers/careers';
import { openComplaints, COMPLAINT_TABLES, type Complaints } from './complaints/complaints';
import { openJpCompliance, JP_TABLES, type JpCompliance } from './competency/jp';

/** Every topic the reporting service reads, and the contracts of their events. */
export const REPORTED_TOPICS: readonly Topic[] = [Topics.personnel, Topics.evaluation, Topics.training, Topics.feedback];
export const reportedRegistry = combineRegistries(personnelTopicRegistry, evaluationEventRegistry, trainingEventRegistry, feedbackEventRegistry);

/**
 * One read model of the reporting service: its own tables in the read-model database, fed one decoded event
 * at a time (inside the consumer's inbox transaction: it must be synchronous and may throw to refuse the
 * event). It ignores the events it has no use for. It keeps no state outside the database: a replay that
 * meets an event it cannot apply rolls its whole batch back and applies the batch again.
 */
export interface ReadModelPart {
  apply(event: DecodedEvent): void;
  /** Work an `apply` deferred (the org chart's refolds), done now: before a comparison or a swap. */
  settle?(): void;
  /** The tables it owns, compared row by row between a fresh replay and the live read model (P10). */
  readonly tables: readonly string[];
}

/** Every read model of the service over one database: what the routes read, and one `apply` for the consumer. */
export interface ReadModels {
  readonly orgChart: OrgChart;
  readonly careers: Careers;
  readonly appraisals: Appraisals;
  readonly jp: JpCompliance;
  readonly complaints: Complaints;
  /** Applies one event to every read model, in the order they are listed here. */
  apply(event: DecodedEvent): void;
  /** Does the work the read models deferred (the queries do it by themselves). */
  settle(): void;
  /** Every table of every read model (for the replay-and-compare). */
  readonly tables: readonly string[];
}

export interface ReadModelOptions {
  /** The SP4N deadlines and working calendar the feedback service runs with (default: the shipped ones). */
  feedbackRules?: FeedbackRules;
  /** The JP entitlements the training service runs with (default: the shipped ones). */
  trainingRules?: TrainingRules;
}

export const openReadModels = (db: Database, options: ReadModelOptions = {}): ReadModels => {
  // Lazy: a replay refolds each employee's assignments once, not once per decision (nothing here reacts to changes).
  const orgChart = openOrgChart(db, { refold: 'lazy' });
  const careers = openCareers(db, orgChart);
  const appraisals = openAppraisals(db);
  const trainingRules = options.trainingRules;
  const jp = trainingRules ? openJpCompliance(db, orgChart, () => trainingRules) : openJpCompliance(db, orgChart);
  const feedbackRules = options.feedbackRules;
  const complaints = feedbackRules ? openComplaints(db, () => feedbackRules) : openComplaints(db);
  const parts: ReadModelPart[] = [
    { apply: (event) => void (personnelTopicRegistry.has(event.eventType) && orgChart.apply(event)), settle: () => orgChart.settle(), tables: ['org_units', 'org_decisions', 'org_assignments'] },
    { apply: (event) => careers.apply(event), tables: ['career_events'] },
    { apply: (event) => appraisals.apply(event), tables: APPRAISAL_TABLES },
    { apply: (event) => jp.apply(event), tables: JP_TABLES },
    { apply: (event) => complaints.apply(event), tables: COMPLAINT_TABLES },
  ];
  return {
    orgChart,
    careers,
    appraisals,
    jp,
    complaints,
    apply: (event) => {
      for (const part of parts) part.apply(event);
    },
    settle: () => {
      for (const part of parts) part.settle?.();
    },
    tables: parts.flatMap((part) => part.tables),
  };
};
