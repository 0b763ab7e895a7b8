import { CalendarDate } from '@asn/contracts';
import type { AuditLog } from '@asn/privacy';
import { defineRoute, limitParam, perClientLimit, ValidationError, type Route } from '@asn/service-kit';
import { z } from 'zod';
import type { ComplaintTimeliness } from '../complaints/complaints';
import type { Careers, Movement, MovementKind } from './careers';
import { actorOf, Id, READERS, unitFilter, unitNow } from './careers.http';
import { reportAnswer } from './export';
import { publicFigures } from './figures';

export interface MovementRouteDeps {
  /** The careers read model live now (another one after a rebuild). */
  careers: () => Careers;
  audit: AuditLog;
  today: () => string;
}

const KINDS = [
  'appointment',
  'confirmation',
  'promotion',
  'transfer',
  'position-assignment',
  'sanction',
  'dismissal',
  'retirement',
  'contract-renewal',
  'contract-end',
] as const satisfies readonly MovementKind[];

const MovementsQuery = z.strictObject({
  from: CalendarDate.meta({ description: 'First TMT of the period (inclusive).' }),
  to: CalendarDate.meta({ description: 'Last TMT of the period (inclusive).' }),
  kind: z.enum(KINDS).optional(),
  unitId: Id.optional().meta({ description: 'Only movements into, out of or within this unit.' }),
  recordedBy: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Only what had been recorded by this time.' }),
  format: z
    .enum(['json', 'csv', 'jsonl'])
    .default('json')
    .meta({ description: 'json: a page; csv (RFC 4180) and jsonl (JSON Lines): the whole period as an export.' }),
  limit: limitParam({ max: 1000, fallback: 200 }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const CSV_COLUMNS: readonly (readonly [string, (m: Movement) => string | undefined])[] = [
  ['employeeId', (m) => m.employeeId],
  ['decisionId', (m) => m.decisionId],
  ['kind', (m) => m.kind],
  ['tmt', (m) => m.tmt],
  ['unitId', (m) => m.unitId],
  ['unitName', (m) => m.unitName],
  ['toUnitId', (m) => m.toUnitId],
  ['toUnitName', (m) => m.toUnitName],
  ['golongan', (m) => m.golongan],
  ['pppkGrade', (m) => m.pppkGrade],
  ['skNumber', (m) => m.skNumber],
  ['proposedBy', (m) => m.proposedBy],
  ['approvedBy', (m) => m.approvedBy],
  ['recordedAt', (m) => m.recordedAt],
  ['correctedByDecisionId', (m) => m.correctedBy?.decisionId],
  ['correctedBySkNumber', (m) => m.correctedBy?.skNumber],
  ['correctedByProposedBy', (m) => m.correctedBy?.proposedBy],
  ['correctedByApprovedBy', (m) => m.correctedBy?.approvedBy],
  ['correctedAt', (m) => m.correctedBy?.recordedAt],
];

const touches = (m: Movement, unitId: string): boolean => m.unitId === unitId || m.toUnitId === unitId;

/** Movements per period for HR and auditors, as a page or an export; every list and export is audited. */
export const movementRoutes = (deps: MovementRouteDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/movements',
    summary:
      'Appointments, promotions, transfers, dismissals, retirements... with TMT in a period, corrections applied: kind, TMT, unit (from and to of a transfer), golongan, SK number, proposer, approver, recording time',
    description:
      'By TMT then employee. format=csv answers text/csv (RFC 4180, a header line), format=jsonl answers application/jsonl, each the whole period; format=json a page. A unit-scoped token sees the movements of its own unit of its current employees only.',
    tags: ['reports'],
    operationId: 'getMovements',
    access: READERS,
    audited: { action: 'list-movements' },
    query: MovementsQuery,
    responses: {
      200: { description: 'The movements: a JSON page, or a CSV or JSON Lines export' },
      404: { description: "A unit other than a unit-scoped official's own" },
    },
    handler: (ctx) => {
      const q = ctx.query;
      if (q.from > q.to)
        throw new ValidationError('The period ends before it starts.', [
          { in: 'query', path: 'to', code: 'too_small', message: 'Expected a date on or after from.' },
        ]);
      const scope = ctx.principal?.unit;
      const unitId = unitFilter(ctx, q.unitId);
      const all = deps.careers()
        .movements(q.from, q.to, q.recordedBy ? new Date(q.recordedBy) : undefined)
        .filter(
          (m) =>
            (q.kind === undefined || m.kind === q.kind) &&
            (unitId === undefined || touches(m, unitId)) &&
            (scope === undefined || unitNow(deps, m.employeeId) === scope),
        );
      const exported = q.format !== 'json';
      const rows = exported ? all : all.slice(q.offset, q.offset + q.limit);
      deps.audit.record({
        actor: actorOf(ctx, READERS),
        action: exported ? 'export-movements' : 'list-movements',
        subjects: [...new Set(rows.map((m) => m.employeeId))],
        allowed: true,
      });
      const filename = `movements-${q.from}-${q.to}`;
      return reportAnswer(q.format, filename, CSV_COLUMNS, rows, () => ({
        from: q.from,
        to: q.to,
        ...(q.recordedBy ? { recordedBy: new Date(q.recordedBy).toISOString() } : {}),
        total: all.length,
        items: rows,
      }));
    },
  }),
];

/** Figures for anyone, without a token: counts only, small cells suppressed (see figures.ts). */
export const publicFigureRoutes = (
  deps: Pick<MovementRouteDeps, 'careers' | 'today'> & {
    rateLimit: { limit: number; windowSeconds: number };
    /** Complaint timeliness per month of the year up to the date (counts and shares only). */
    complaints: (asOf: string) => ComplaintTimeliness;
  },
): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/public/figures',
    // Each answer folds every career: bounded per client so that the public cannot keep the service busy.
    before: [perClientLimit(deps.rateLimit.limit, deps.rateLimit.windowSeconds, 'requests for the figures')],
    summary:
      'Headcount as of a date by unit, golongan, PPPK grade, employee type and position kind, movements per month of its year, and complaint timeliness per month (first responses and resolutions on time); counts of 1 to 4 shown as "<5"',
    tags: ['public'],
    operationId: 'getPublicFigures',
    access: 'public',
    query: z.strictObject({
      asOf: CalendarDate.optional().meta({ description: 'The date the figures are as of; today by default.' }),
    }),
    responses: { 200: { description: 'Aggregate figures, no personal data' }, 429: { description: 'Too many requests from this address' } },
    handler: (ctx) => {
      const asOf = ctx.query.asOf ?? deps.today();
      const figures = publicFigures(
        asOf,
        deps.careers().roster(asOf),
        deps.careers().movements(`${asOf.slice(0, 4)}-01-01`, asOf),
      );
      return { status: 200, body: { ...figures, complaints: deps.complaints(asOf) } };
    },
  }),
];
