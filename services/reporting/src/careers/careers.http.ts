import { CalendarDate, Golongan } from '@asn/contracts';
import type { AuditActor, AuditLog } from '@asn/privacy';
import { defineRoute, limitParam, NotFoundError, requirePrincipal, type Role, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import type { Careers } from './careers';

export const Id = z.uuid().toLowerCase();
const EmployeeParams = z.strictObject({ employeeId: Id });
const AsOfQuery = z.strictObject({
  asOf: CalendarDate.meta({ description: 'The date the record is read as of: decisions with TMT on or before it.' }),
  recordedBy: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only what had been recorded by this time.' }),
});

const AUDITORS: readonly Role[] = ['auditor'];
export const READERS: readonly Role[] = ['auditor', 'hr-staff', 'hr-approver'];

export interface CareerRouteDeps {
  /** The careers read model live now (another one after a rebuild). */
  careers: () => Careers;
  audit: AuditLog;
  today: () => string;
}

export type AnyContext = RouteContext<unknown, unknown, unknown>;

/** The last day a CalendarDate can name: the record as of it is the latest one, future TMTs included. */
const LAST_DAY = '2199-12-31';

export const actorOf = (ctx: AnyContext, roles: readonly Role[]): AuditActor => ({
  subject: ctx.principal?.subject ?? 'unknown',
  role: ctx.principal?.roles.find((r) => roles.includes(r)) ?? 'unknown',
  correlationId: ctx.requestId,
});

// As in the personnel service, an official of one unit (token claim `opd`) reads only the employees of that unit
// now (someone who left: the unit they left from), not former staff, not even as they were back then.
export const unitNow = (deps: Pick<CareerRouteDeps, 'careers' | 'today'>, employeeId: string): string | undefined =>
  (deps.careers().recordOf(employeeId, deps.today()) ?? deps.careers().recordOf(employeeId, LAST_DAY))?.unit.unitId;
/**
 * The unit a report is limited to: a unit-scoped official's own (asking for another is a 404, as for a unit that
 * does not exist), else the one asked for, else none.
 */
export const unitFilter = (ctx: AnyContext, requested: string | undefined): string | undefined => {
  const scope = ctx.principal?.unit;
  if (scope !== undefined && requested !== undefined && requested !== scope) throw new NotFoundError('No such unit.');
  return scope ?? requested;
};

const inScope = (deps: CareerRouteDeps, ctx: AnyContext, employeeId: string): boolean =>
  ctx.principal?.unit === undefined || unitNow(deps, employeeId) === ctx.principal.unit;

/** The auditor's questions about one civil servant, and the roster as of any date; every read is audited. */
export const careerRoutes = (deps: CareerRouteDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/employees/:employeeId/timeline',
    summary: "An employee's full timeline: every proposal, rejection, decision, correction and erasure with its SK, who proposed, who approved, TMT and when it was recorded",
    tags: ['audit'],
    operationId: 'getTimeline',
    access: AUDITORS,
    audited: { action: 'read-timeline', subjects: (p) => [p.employeeId] },
    params: EmployeeParams,
    responses: { 200: { description: 'The timeline, in recording order' }, 404: { description: 'No such employee' } },
    handler: (ctx) => {
      const entries = inScope(deps, ctx, ctx.params.employeeId) ? deps.careers().timeline(ctx.params.employeeId) : [];
      deps.audit.record({ actor: actorOf(ctx, AUDITORS), action: 'read-timeline', subjects: [ctx.params.employeeId], allowed: entries.length > 0 });
      if (entries.length === 0) throw new NotFoundError('No such employee.');
      return { status: 200, body: { employeeId: ctx.params.employeeId, entries } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/employees/:employeeId/record',
    summary: "An employee's rank, unit and position as of a date (by TMT) and as recorded by a time, each with the decision that set it",
    tags: ['audit'],
    operationId: 'getRecordAsOf',
    access: READERS,
    audited: { action: 'read-record-as-of', subjects: (p) => [p.employeeId] },
    params: EmployeeParams,
    query: AsOfQuery,
    responses: { 200: { description: 'The record as of the date' }, 404: { description: 'Not in service on that date (or no such employee)' } },
    handler: (ctx) => {
      requirePrincipal(ctx.res);
      const record = inScope(deps, ctx, ctx.params.employeeId) ? deps.careers().recordOf(ctx.params.employeeId, ctx.query.asOf, ctx.query.recordedBy ? new Date(ctx.query.recordedBy) : undefined) : undefined;
      deps.audit.record({ actor: actorOf(ctx, READERS), action: 'read-record-as-of', subjects: [ctx.params.employeeId], allowed: record !== undefined });
      if (!record) throw new NotFoundError('The employee was not in service on that date, as recorded then.');
      return { status: 200, body: record };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/roster',
    summary: 'Everyone in service on a date (by TMT), as recorded by a time: unit, rank, position, type; filters by unit, golongan, type, position kind',
    tags: ['reports'],
    operationId: 'getRoster',
    access: READERS,
    audited: { action: 'list-roster' },
    query: z.strictObject({
      asOf: CalendarDate.optional(),
      recordedBy: z.iso.datetime({ offset: true }).optional(),
      unitId: Id.optional(),
      golongan: Golongan.optional(),
      employeeType: z.enum(['CPNS', 'PNS', 'PPPK']).optional(),
      positionKind: z.enum(['managerial', 'functional', 'pelaksana']).optional(),
      limit: limitParam({ max: 1000, fallback: 200 }),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
    responses: { 200: { description: 'A page of the roster, by unit then employee id' }, 404: { description: "A unit other than a unit-scoped official's own" } },
    handler: (ctx) => {
      const q = ctx.query;
      const scope = ctx.principal?.unit;
      const unitId = unitFilter(ctx, q.unitId);
      const asOf = q.asOf ?? deps.today();
      const all = deps.careers()
        .roster(asOf, q.recordedBy ? new Date(q.recordedBy) : undefined)
        .filter((r) => (unitId === undefined || r.unit.unitId === unitId) && (scope === undefined || unitNow(deps, r.employeeId) === scope) && (q.golongan === undefined || r.rank?.golongan === q.golongan) && (q.employeeType === undefined || r.employeeType === q.employeeType) && (q.positionKind === undefined || r.position.position.kind === q.positionKind));
      const page = all.slice(q.offset, q.offset + q.limit);
      deps.audit.record({ actor: actorOf(ctx, READERS), action: 'list-roster', subjects: page.map((r) => r.employeeId), allowed: true });
      return {
        status: 200,
        body: {
          asOf,
          ...(q.recordedBy ? { recordedBy: new Date(q.recordedBy).toISOString() } : {}),
          total: all.length,
          items: page.map((r) => ({ employeeId: r.employeeId, unitId: r.unit.unitId, unitName: r.unit.name, employeeType: r.employeeType, ...(r.rank?.golongan ? { golongan: r.rank.golongan } : {}), ...(r.rank?.pppkGrade ? { pppkGrade: r.rank.pppkGrade } : {}), position: r.position.position, since: r.position.since })),
        },
      };
    },
  }),
];
