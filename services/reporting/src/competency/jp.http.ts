import type { AuditLog } from '@asn/privacy';
import { defineRoute, type Route } from '@asn/service-kit';
import { z } from 'zod';
import { actorOf, Id, READERS, unitFilter } from '../careers/careers.http';
import { reportAnswer } from '../careers/export';
import type { ReadModels } from '../readModels';
import type { UnitJp } from './jp';

export interface JpRouteDeps {
  /** The live read models, read at each request (another object after a rebuild). */
  readModels: () => Pick<ReadModels, 'jp'>;
  audit: AuditLog;
  today: () => string;
}

const ComplianceQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2199).meta({ description: 'The calendar year the JP are counted in.' }),
  unitId: Id.optional(),
  format: z.enum(['json', 'csv', 'jsonl']).default('json'),
});

const CSV_COLUMNS: readonly (readonly [string, (r: UnitJp) => string | number | undefined])[] = [
  ['unitId', (r) => r.unitId],
  ['unitName', (r) => r.unitName ?? undefined],
  ['employees', (r) => r.employees],
  ['met', (r) => r.met],
  ['totalJp', (r) => r.totalJp],
  ['shortfall', (r) => r.shortfall],
];

/** JP compliance per unit for HR and auditors; every list and export is audited. */
export const jpRoutes = (deps: JpRouteDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/reports/jp-compliance',
    summary: 'Per unit: employees in service at the end of the year (or today), how many completed their yearly JP entitlement (20 PNS/CPNS, 24 PPPK), total JP and the shortfall',
    description: "Units and types from the org chart on the report date. format=csv answers text/csv (RFC 4180), format=jsonl JSON Lines. A unit-scoped token sees its own unit only.",
    tags: ['reports'],
    operationId: 'getJpCompliance',
    access: READERS,
    audited: { action: 'list-jp-compliance' },
    query: ComplianceQuery,
    responses: { 200: { description: 'One row per unit' }, 404: { description: "A unit other than a unit-scoped official's own" } },
    handler: (ctx) => {
      const q = ctx.query;
      const unitId = unitFilter(ctx, q.unitId);
      const yearEnd = `${q.year}-12-31`;
      const today = deps.today();
      const asOf = today < yearEnd ? today : yearEnd;
      const { jp } = deps.readModels();
      const counted = jp.employees(q.year, asOf).filter((e) => unitId === undefined || e.unitId === unitId);
      const rows = jp.units(q.year, asOf).filter((u) => unitId === undefined || u.unitId === unitId);
      const exported = q.format !== 'json';
      deps.audit.record({ actor: actorOf(ctx, READERS), action: exported ? 'export-jp-compliance' : 'list-jp-compliance', subjects: counted.map((e) => e.employeeId), allowed: true });
      const filename = `jp-compliance-${q.year}`;
      const rules = jp.rules();
      const entitlement = Object.fromEntries(Object.entries(rules.entitlements).map(([type, e]) => [type, e.jp]));
      return reportAnswer(q.format, filename, CSV_COLUMNS, rows, () => ({ year: q.year, asOf, rulesVersion: rules.version, entitlement, items: rows }));
    },
  }),
];
