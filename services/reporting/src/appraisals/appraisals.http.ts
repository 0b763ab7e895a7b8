import type { AuditLog } from '@asn/privacy';
import { defineRoute, type Route } from '@asn/service-kit';
import { z } from 'zod';
import { actorOf, Id, READERS, unitFilter } from '../careers/careers.http';
import { reportAnswer } from '../careers/export';
import type { ReadModels } from '../readModels';
import { PREDICATES, type UnitDistribution } from './appraisals';

export interface AppraisalRouteDeps {
  /** The live read models, read at each request (another object after a rebuild). */
  readModels: () => Pick<ReadModels, 'appraisals' | 'orgChart'>;
  audit: AuditLog;
}

const DistributionQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2199).meta({ description: 'The appraisal year.' }),
  period: z.enum(['annual', 'quarterly']).default('annual').meta({ description: 'annual: one row per unit; quarterly: one per unit and quarter.' }),
  unitId: Id.optional(),
  format: z.enum(['json', 'csv', 'jsonl']).default('json'),
});

/** A report row: the distribution without whose appraisals were counted, with the unit's name. */
export type DistributionRow = Omit<UnitDistribution, 'employeeIds'> & { unitName: string | null };

const CSV_COLUMNS: readonly (readonly [string, (r: DistributionRow) => string | number | undefined])[] = [
  ['unitId', (r) => r.unitId],
  ['unitName', (r) => r.unitName ?? undefined],
  ['period', (r) => r.period],
  ['total', (r) => r.total],
  ...PREDICATES.map((p) => [p, (r: DistributionRow) => r.counts[p]] as const),
  ...PREDICATES.map((p) => [`share-${p}`, (r: DistributionRow) => r.shares[p]] as const),
  ['unitRating', (r) => r.unitRating ?? undefined],
  ['capWarning', (r) => r.capWarning ?? undefined],
];

/** Appraisal distributions per unit for HR and auditors; every list and export is audited. */
export const appraisalRoutes = (deps: AppraisalRouteDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/reports/appraisal-distribution',
    summary: "Final appraisals per unit and predicate for a year (or per quarter), with the unit's own rating and the evaluation service's warning when a cap is broken",
    description: 'format=csv answers text/csv (RFC 4180), format=jsonl JSON Lines. A unit-scoped token sees its own unit only.',
    tags: ['reports'],
    operationId: 'getAppraisalDistribution',
    access: READERS,
    audited: { action: 'list-appraisal-distribution' },
    query: DistributionQuery,
    responses: { 200: { description: 'One row per unit (and quarter)' }, 404: { description: "A unit other than a unit-scoped official's own" } },
    handler: (ctx) => {
      const q = ctx.query;
      const unitId = unitFilter(ctx, q.unitId);
      const { appraisals, orgChart } = deps.readModels();
      const found = appraisals.distribution(q.year, q.period).filter((d) => unitId === undefined || d.unitId === unitId);
      const exported = q.format !== 'json';
      deps.audit.record({ actor: actorOf(ctx, READERS), action: exported ? 'export-appraisal-distribution' : 'list-appraisal-distribution', subjects: [...new Set(found.flatMap((d) => d.employeeIds))], allowed: true });
      const rows = found.map(({ employeeIds: _ids, ...d }): DistributionRow => ({ ...d, unitName: orgChart.unit(d.unitId)?.name ?? null }));
      const filename = `appraisal-distribution-${q.year}-${q.period}`;
      return reportAnswer(q.format, filename, CSV_COLUMNS, rows, () => ({ year: q.year, period: q.period, items: rows }));
    },
  }),
];
