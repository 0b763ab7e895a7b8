import { CalendarDate, workingCalendar } from '@asn/contracts';
import type { AuditLog } from '@asn/privacy';
import { defineRoute, type Route } from '@asn/service-kit';
import { z } from 'zod';
import { actorOf, Id, READERS, unitFilter } from '../careers/careers.http';
import { reportAnswer } from '../careers/export';
import type { ReadModels } from '../readModels';
import type { UnitComplaints } from './complaints';

export interface ComplaintRouteDeps {
  /** The live read models, read at each request (another object after a rebuild). */
  readModels: () => Pick<ReadModels, 'complaints' | 'orgChart'>;
  audit: AuditLog;
  now: () => Date;
}

const DeadlinesQuery = z.strictObject({
  asOf: z
    .union([z.iso.datetime({ offset: true }), CalendarDate])
    .optional()
    .meta({ description: "An instant, or a date (its end in the city's time); now by default. What happened after it counts as not yet." }),
  unitId: Id.optional(),
  format: z.enum(['json', 'csv', 'jsonl']).default('json'),
});

const CSV_COLUMNS: readonly (readonly [string, (r: UnitComplaints) => string | number | undefined])[] = [
  ['unitId', (r) => r.unitId ?? undefined],
  ['unitName', (r) => r.unitName ?? undefined],
  ['tickets', (r) => r.tickets],
  ['open', (r) => r.open],
  ['dueSoon', (r) => r.dueSoon],
  ['late', (r) => r.late],
  ['answeredOnTimeShare', (r) => r.answeredOnTimeShare ?? undefined],
  ['resolvedOnTimeShare', (r) => r.resolvedOnTimeShare ?? undefined],
];

/** Complaint deadlines per unit for HR and auditors; every list and export is audited (no data subjects: tickets carry none here). */
export const complaintRoutes = (deps: ComplaintRouteDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/reports/complaint-deadlines',
    summary: 'Per unit: public feedback tickets received, open, due soon, late, and the shares answered and resolved on time (SP4N-LAPOR! deadlines in working days)',
    description: 'Tickets not routed to a unit yet have unitId null. format=csv answers text/csv (RFC 4180), format=jsonl JSON Lines. A unit-scoped token sees its own unit only.',
    tags: ['reports'],
    operationId: 'getComplaintDeadlines',
    access: READERS,
    audited: { action: 'list-complaint-deadlines' },
    query: DeadlinesQuery,
    responses: { 200: { description: 'One row per unit' }, 404: { description: "A unit other than a unit-scoped official's own" } },
    handler: (ctx) => {
      const q = ctx.query;
      const unitId = unitFilter(ctx, q.unitId);
      const { complaints, orgChart } = deps.readModels();
      const calendar = workingCalendar(complaints.rules());
      const asOf = q.asOf === undefined ? deps.now() : q.asOf.length === 10 ? calendar.endOf(q.asOf) : new Date(q.asOf);
      const rows = complaints.units(asOf, (id) => orgChart.unit(id)?.name).filter((u) => unitId === undefined || u.unitId === unitId);
      const exported = q.format !== 'json';
      deps.audit.record({ actor: actorOf(ctx, READERS), action: exported ? 'export-complaint-deadlines' : 'list-complaint-deadlines', subjects: [], allowed: true });
      // Named by the city's date of the instant (UTC's would name an export made before 07:00 WIB after yesterday).
      const filename = `complaint-deadlines-${calendar.localDate(asOf)}`;
      return reportAnswer(q.format, filename, CSV_COLUMNS, rows, () => ({ asOf: asOf.toISOString(), items: rows }));
    },
  }),
];
