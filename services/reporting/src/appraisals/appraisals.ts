import type { DecodedEvent } from '@asn/bus';
import { parseStreamId, Predicate, type AppraisalPeriod, type EvaluationEventData } from '@asn/contracts';
import type { Database } from 'better-sqlite3';

/**
 * Appraisal distributions per unit, from the evaluation topic: each appraisal's unit (the one it was opened
 * and finalised in), period, status and final predicate (an objection's outcome applied), and each unit's
 * own rating per year. Whether a distribution breaks the cap of the unit's rating is the evaluation
 * service's verdict, carried by `AppraisalFinalised.distributionWarning`: the caps are not recomputed here.
 * No personal data: ratings' notes, objection reasons and notes are never stored.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS appraisal_appraisals (
  appraisal_id TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  period_kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  quarter INTEGER,
  status TEXT NOT NULL,
  predicate TEXT,
  finalised_on TEXT,
  objection_outcome TEXT,
  distribution_warning TEXT,
  /** The order finalisations were applied in (the latest warning of a unit is the one in force). */
  final_seq INTEGER,
  revision INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS appraisal_appraisals_by_period ON appraisal_appraisals (year, period_kind, unit_id);
CREATE INDEX IF NOT EXISTS appraisal_appraisals_by_employee ON appraisal_appraisals (employee_id, year);
CREATE TABLE IF NOT EXISTS appraisal_unit_ratings (
  unit_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  rating TEXT NOT NULL,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  PRIMARY KEY (unit_id, year)
) STRICT;
`;

export const APPRAISAL_TABLES = ['appraisal_appraisals', 'appraisal_unit_ratings'] as const;

export const PREDICATES = Predicate.options;
export type PeriodKind = AppraisalPeriod['kind'];

interface AppraisalRow {
  appraisal_id: string;
  employee_id: string;
  unit_id: string;
  period_kind: string;
  year: number;
  quarter: number | null;
  status: string;
  predicate: string | null;
  finalised_on: string | null;
  objection_outcome: string | null;
  distribution_warning: string | null;
  final_seq: number | null;
  revision: number;
}

/** One unit's final predicates for one period (a year, or one of its quarters). */
export interface UnitDistribution {
  unitId: string;
  /** `2026` or `2026-Q3`. */
  period: string;
  year: number;
  quarter?: number;
  /** Final appraisals (objection outcomes applied). */
  total: number;
  counts: Record<Predicate, number>;
  /** Each predicate's share of `total` (0..1), rounded to 4 places; 0 when there is none. */
  shares: Record<Predicate, number>;
  /** The unit's own rating for the year, when set. */
  unitRating: Predicate | null;
  /** The evaluation service's warning at the unit's latest finalisation in the period: a cap of its rating broken. */
  capWarning: string | null;
  /** The employees counted (for the audit of who was read). */
  employeeIds: string[];
}

export interface Appraisals {
  /** Records one evaluation-topic event; other events are ignored. */
  apply(event: DecodedEvent): void;
  /** Per unit (and per quarter for `quarterly`), by unit id then quarter. */
  distribution(year: number, kind: PeriodKind): UnitDistribution[];
  /** The final annual predicates of an employee, the objection outcome applied: one per year (the latest finalised), by year. */
  annualPredicatesOf(employeeId: string): { year: number; predicate: string }[];
  /** The unit's own rating for a year. */
  unitRating(unitId: string, year: number): Predicate | undefined;
}

type Data<T extends EvaluationEventData['type']> = Extract<EvaluationEventData, { type: T }>['data'];

/** The events of an appraisal's stream (every one moves its revision) and the units' ratings. */
const OF_INTEREST = new Set(['AppraisalOpened', 'AppraisalRated', 'AppraisalSubmitted', 'AppraisalReturned', 'AppraisalReviewed', 'AppraisalFinalised', 'ObjectionFiled', 'ObjectionDecided', 'AppraisalClosed', 'UnitRated']);

const zeroes = (): Record<Predicate, number> => Object.fromEntries(PREDICATES.map((p) => [p, 0])) as Record<Predicate, number>;
const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

export const openAppraisals = (db: Database): Appraisals => {
  db.exec(SCHEMA);
  const revisionOf = db.prepare<[string], { revision: number }>('SELECT revision FROM appraisal_appraisals WHERE appraisal_id = ?');
  const opened = db.prepare(
    `INSERT INTO appraisal_appraisals (appraisal_id, employee_id, unit_id, period_kind, year, quarter, status, revision)
     VALUES (@appraisalId, @employeeId, @unitId, @kind, @year, @quarter, 'open', @revision)
     ON CONFLICT (appraisal_id) DO UPDATE SET revision = excluded.revision`,
  );
  const finalised = db.prepare(
    `INSERT INTO appraisal_appraisals (appraisal_id, employee_id, unit_id, period_kind, year, quarter, status, predicate, finalised_on, distribution_warning, final_seq, revision)
     VALUES (@appraisalId, @employeeId, @unitId, @kind, @year, @quarter, 'final', @predicate, @finalisedOn, @warning,
       (SELECT COALESCE(MAX(final_seq), 0) + 1 FROM appraisal_appraisals), @revision)
     ON CONFLICT (appraisal_id) DO UPDATE SET employee_id = excluded.employee_id, unit_id = excluded.unit_id, period_kind = excluded.period_kind,
       year = excluded.year, quarter = excluded.quarter, status = 'final', predicate = excluded.predicate, finalised_on = excluded.finalised_on,
       distribution_warning = excluded.distribution_warning, final_seq = excluded.final_seq, revision = excluded.revision`,
  );
  const objection = db.prepare<[string, string, number, string]>("UPDATE appraisal_appraisals SET predicate = ?, objection_outcome = ?, revision = ? WHERE appraisal_id = ? AND status = 'final'");
  const closed = db.prepare<[number, string]>("UPDATE appraisal_appraisals SET status = CASE WHEN status = 'final' THEN status ELSE 'closed' END, revision = ? WHERE appraisal_id = ?");
  const touched = db.prepare<[number, string]>('UPDATE appraisal_appraisals SET revision = ? WHERE appraisal_id = ?');
  const ratingRevision = db.prepare<[string, number], { stream: string; revision: number }>('SELECT stream, revision FROM appraisal_unit_ratings WHERE unit_id = ? AND year = ?');
  const rated = db.prepare(
    `INSERT INTO appraisal_unit_ratings (unit_id, year, rating, stream, revision) VALUES (@unitId, @year, @rating, @stream, @revision)
     ON CONFLICT (unit_id, year) DO UPDATE SET rating = excluded.rating, stream = excluded.stream, revision = excluded.revision`,
  );
  const finals = db.prepare<[number, string], AppraisalRow>("SELECT * FROM appraisal_appraisals WHERE year = ? AND period_kind = ? AND status = 'final' ORDER BY unit_id, quarter, final_seq");
  const ratingsOf = db.prepare<[number], { unit_id: string; rating: string }>('SELECT unit_id, rating FROM appraisal_unit_ratings WHERE year = ?');
  const ratingOf = db.prepare<[string, number], { rating: string }>('SELECT rating FROM appraisal_unit_ratings WHERE unit_id = ? AND year = ?');
  const annualOf = db.prepare<[string], AppraisalRow>("SELECT * FROM appraisal_appraisals WHERE employee_id = ? AND period_kind = 'annual' AND status = 'final' AND predicate IS NOT NULL ORDER BY year, final_seq");

  const periodParams = (period: AppraisalPeriod) => ({ kind: period.kind, year: period.year, quarter: period.kind === 'quarterly' ? period.quarter : null });

  const applyToAppraisal = (appraisalId: string, revision: number, event: EvaluationEventData): void => {
    const known = revisionOf.get(appraisalId);
    // The same or an earlier revision of the stream again (a redelivery the inbox let through): nothing changes.
    if (known !== undefined && known.revision >= revision) return;
    switch (event.type) {
      case 'AppraisalOpened':
        opened.run({ appraisalId, employeeId: event.data.employeeId, unitId: event.data.unitId, ...periodParams(event.data.period), revision });
        return;
      case 'AppraisalFinalised': {
        const d: Data<'AppraisalFinalised'> = event.data;
        finalised.run({ appraisalId, employeeId: d.employeeId, unitId: d.unitId, ...periodParams(d.period), predicate: d.predicate, finalisedOn: d.finalisedOn, warning: d.distributionWarning ?? null, revision });
        return;
      }
      case 'ObjectionDecided':
        objection.run(event.data.predicate, event.data.outcome, revision, appraisalId);
        return;
      case 'AppraisalClosed':
        closed.run(revision, appraisalId);
        return;
      default:
        // Ratings, submissions, reviews, returns, objections filed, complaints noted, training needs: no bearing on the distribution.
        if (known !== undefined) touched.run(revision, appraisalId);
    }
  };

  return {
    apply: (event) => {
      if (!OF_INTEREST.has(event.eventType)) return;
      const { category, id } = parseStreamId(event.subject ?? '');
      if (category !== 'evaluation') return;
      const typed = { type: event.eventType, data: event.data } as EvaluationEventData;
      if (typed.type === 'UnitRated') {
        const known = ratingRevision.get(typed.data.unitId, typed.data.year);
        if (known !== undefined && known.stream === event.subject && known.revision >= event.streamrevision) return;
        rated.run({ unitId: typed.data.unitId, year: typed.data.year, rating: typed.data.rating, stream: event.subject ?? '', revision: event.streamrevision });
        return;
      }
      applyToAppraisal(id, event.streamrevision, typed);
    },
    distribution: (year, kind) => {
      const ratings = new Map(ratingsOf.all(year).map((r) => [r.unit_id, r.rating as Predicate]));
      const groups = new Map<string, AppraisalRow[]>();
      for (const row of finals.all(year, kind)) {
        const key = `${row.unit_id}|${row.quarter ?? ''}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      return [...groups.values()].map((rows): UnitDistribution => {
        const first = rows[0] as AppraisalRow;
        const counts = zeroes();
        for (const row of rows) {
          const predicate = Predicate.safeParse(row.predicate);
          if (predicate.success) counts[predicate.data] += 1;
        }
        const total = rows.length;
        const shares = Object.fromEntries(PREDICATES.map((p) => [p, total === 0 ? 0 : round4(counts[p] / total)])) as Record<Predicate, number>;
        const latest = rows[rows.length - 1] as AppraisalRow;
        return {
          unitId: first.unit_id,
          period: first.quarter === null ? String(year) : `${year}-Q${first.quarter}`,
          year,
          ...(first.quarter === null ? {} : { quarter: first.quarter }),
          total,
          counts,
          shares,
          unitRating: ratings.get(first.unit_id) ?? null,
          capWarning: latest.distribution_warning,
          employeeIds: [...new Set(rows.map((r) => r.employee_id))],
        };
      });
    },
    annualPredicatesOf: (employeeId) => {
      const byYear = new Map<number, string>();
      // Ordered by finalisation: a later final appraisal of the same year replaces the earlier one.
      for (const row of annualOf.all(employeeId)) byYear.set(row.year, row.predicate ?? '');
      return [...byYear].map(([year, predicate]) => ({ year, predicate }));
    },
    unitRating: (unitId, year) => {
      const row = ratingOf.get(unitId, year);
      return row === undefined ? undefined : (row.rating as Predicate);
    },
  };
};
