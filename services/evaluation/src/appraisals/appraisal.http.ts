import { AppraisalPeriod, CompetencyArea, periodBounds, periodName, Predicate, Rating, Text, type SealedValue } from '@asn/contracts';
import { derivedId } from '@asn/event-store';
import type { OrgChart } from '@asn/org-chart';
import type { AuditActor, AuditLog } from '@asn/privacy';
import { defineRoute, etagOf, ForbiddenError, NotFoundError, type Principal, type Role, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import type { ComplaintBook } from '../consumers/consumers';
import { predicateOf, type EvaluationRules } from '../rules/rules';
import { AppraisalDecisionError, type Appraisal, type AppraisalCommand, type RatingNotes } from './appraisal.domain';
import {
  appraisalIdOf,
  handleAppraisalCommand,
  loadAppraisal,
  openSealed,
  type Actor,
  type AppraisalHandlerDeps,
  type AppraisalResult,
  type LoadedAppraisal,
} from './appraisal.handlers';
import type { AppraisalIndex } from './appraisals.projection';
import { inUnitScope, unitScope } from '../units/unitScope';
import { distributionOf, type Distribution } from './distribution';

const Id = z.uuid().toLowerCase();
const Note = Text(1, 2000);
const AspectBody = z.strictObject({ rating: Rating, note: Note.optional() });

export const OpenAppraisalBody = z.strictObject({ employeeId: Id, period: AppraisalPeriod });
export type OpenAppraisalBody = z.infer<typeof OpenAppraisalBody>;
export const OpenUnitPeriodBody = z.strictObject({ period: AppraisalPeriod });
export const RateBody = z.strictObject({
  results: Rating,
  behaviour: Rating,
  aspects: z.strictObject({ competence: AspectBody, discipline: AspectBody, integrity: AspectBody }),
  competencyGaps: z
    .array(CompetencyArea)
    .max(3)
    .refine((gaps) => new Set(gaps).size === gaps.length, 'Each area once.')
    .default([]),
  gapNote: Note.optional(),
});
export type RateBody = z.infer<typeof RateBody>;
export const ReturnBody = z.strictObject({ note: Note });
export const ObjectionBody = z.strictObject({ reason: Text(5, 4000) });
export const ObjectionDecisionBody = z.strictObject({
  outcome: z.enum(['upheld', 'rejected']),
  results: Rating.optional(),
  behaviour: Rating.optional(),
  note: Note.optional(),
});

const PeriodName = z.string().regex(/^\d{4}(-Q[1-4])?$/, 'A period such as 2026 or 2026-Q3.');
const AppraisalParams = z.strictObject({ appraisalId: Id });
export const ListQuery = z.strictObject({
  evaluator: z.union([z.literal('me'), Id]).optional(),
  employeeId: Id.optional(),
  status: z.enum(['draft', 'submitted', 'reviewed', 'final', 'closed']).optional(),
  period: PeriodName.optional(),
  unitId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const HR: readonly Role[] = ['hr-staff', 'hr-approver'];
const READERS: readonly Role[] = ['evaluator', 'hr-staff', 'hr-approver', 'auditor', 'employee'];

const Summary = z.object({
  appraisalId: z.string(),
  employeeId: z.string(),
  unitId: z.string(),
  period: AppraisalPeriod,
  periodName: z.string(),
  status: z.string(),
  evaluatorId: z.string(),
  reviewerId: z.string().nullable(),
  predicate: Predicate.nullable(),
  revision: z.number(),
});

export interface AppraisalRouteDeps {
  handlers: AppraisalHandlerDeps;
  index: AppraisalIndex;
  orgChart: OrgChart;
  complaints: ComplaintBook;
  rules: () => EvaluationRules;
  /** Resolves once the org chart has caught up with the personnel topic (at start). */
  orgChartReady: () => Promise<void>;
  /** The city's date now: what an appraisal's dates (finalisation, objection) and the current period's org chart use. */
  today: () => string;
  /**
   * The audit trail of personal-data access (QUALITY.md): every read of an appraisal (its ratings, and its
   * notes for those allowed) and every list is recorded before the answer.
   */
  audit: AuditLog;
}

/** The org chart's date for a period: its last day, or today while it runs. */
const orgDateOf = (period: AppraisalPeriod, today: () => string): string => {
  const end = periodBounds(period).to;
  const day = today();
  return end < day ? end : day;
};

const subjectOf = (ctx: RouteContext<unknown, unknown, unknown>): string => ctx.principal?.subject ?? 'anonymous';

const actorOf = (ctx: RouteContext<unknown, unknown, unknown>, role: string, seedLabel?: string): Actor => ({
  subject: subjectOf(ctx),
  role,
  correlationId: ctx.requestId,
  ...(ctx.idempotencyKey ? { idSeed: seedLabel ? derivedId(ctx.idempotencyKey, seedLabel) : ctx.idempotencyKey } : {}),
});

export const summaryOf = (appraisalId: string, state: Appraisal, revision: number) => ({
  appraisalId,
  employeeId: state.employeeId ?? '',
  unitId: state.unitId ?? '',
  period: state.period ?? { kind: 'annual' as const, year: 2000 },
  periodName: state.period ? periodName(state.period) : '',
  status: state.status,
  evaluatorId: state.evaluatorId ?? '',
  reviewerId: state.reviewerId ?? null,
  predicate: state.predicate ?? null,
  revision,
});

const viewOf = (appraisalId: string, state: Appraisal, revision: number) => ({
  ...summaryOf(appraisalId, state, revision),
  ratings: state.ratings ?? null,
  finalisedOn: state.finalisedOn ?? null,
  objectionUntil: state.objectionUntil ?? null,
  objection: state.objection,
  objectionOutcome: state.objectionOutcome ?? null,
  distributionWarning: state.distributionWarning ?? null,
  complaints: state.complaints,
  trainingNeedAreas: state.trainingNeedAreas,
  closedOn: state.closedOn ?? null,
});

/** Who reads, for the audit trail: the subject, the reading role they hold, the request. */
const auditActorOf = (ctx: RouteContext<unknown, unknown, unknown>): AuditActor => ({
  subject: subjectOf(ctx),
  role: ctx.principal?.roles.find((role) => READERS.includes(role)) ?? ctx.principal?.roles[0] ?? 'none',
  correlationId: ctx.requestId,
});

const hasAnyRole = (principal: Principal | undefined, roles: readonly Role[]): boolean => roles.some((role) => principal?.roles.includes(role) ?? false);

/**
 * Whether the caller may see this appraisal, and its notes (personal data: not the auditor). Those involved
 * (evaluator, reviewer, the employee) see it wherever they work; HR and auditors by their role, within their
 * unit when their token names one (`hidden`: out of their unit, answered as if it did not exist).
 */
const accessTo = (principal: Principal | undefined, state: Appraisal): { read: boolean; notes: boolean; hidden: boolean } => {
  if (!principal) return { read: false, notes: false, hidden: false };
  const involved =
    (principal.roles.includes('evaluator') && (principal.subject === state.evaluatorId || principal.subject === state.reviewerId)) ||
    (principal.roles.includes('employee') && principal.subject === state.employeeId);
  if (involved) return { read: true, notes: true, hidden: false };
  const byRole = hasAnyRole(principal, [...HR, 'auditor']);
  if (byRole && !inUnitScope(principal, state.unitId)) return { read: false, notes: false, hidden: true };
  if (hasAnyRole(principal, HR)) return { read: true, notes: true, hidden: false };
  if (principal.roles.includes('auditor')) return { read: true, notes: false, hidden: false };
  return { read: false, notes: false, hidden: false };
};

/** The notes of the appraisal, opened with the employee's key. */
const notesOf = (deps: AppraisalRouteDeps, loaded: LoadedAppraisal) => {
  const employeeId = loaded.state.employeeId;
  if (employeeId === undefined) return {};
  let ratings: unknown = null;
  const returns: unknown[] = [];
  let objection: unknown = null;
  let decision: unknown = null;
  for (const { event, recorded } of loaded.events) {
    const open = (sealed: SealedValue) => openSealed(deps.handlers.cipher, employeeId, recorded, sealed);
    if (event.type === 'AppraisalRated') ratings = event.data.notes ? open(event.data.notes) : null;
    if (event.type === 'AppraisalReturned' && event.data.note) returns.push(open(event.data.note));
    if (event.type === 'ObjectionFiled') objection = open(event.data.reason);
    if (event.type === 'ObjectionDecided' && event.data.note) decision = open(event.data.note);
  }
  return { ratings, returns, objection, decision };
};

const accepted = (result: AppraisalResult, status = 200, extra: Record<string, unknown> = {}) => ({
  status,
  headers: { ETag: etagOf(result.revision), Location: `/v1/appraisals/${result.appraisalId}` },
  body: { ...viewOf(result.appraisalId, result.state, result.revision), ...extra },
});

export const appraisalRoutes = (deps: AppraisalRouteDeps): Route[] => {
  const { handlers, index, orgChart, today } = deps;

  const open = async (employeeId: string, period: AppraisalPeriod, actor: Actor, principal: Principal | undefined): Promise<AppraisalResult> => {
    await deps.orgChartReady();
    const date = orgDateOf(period, today);
    const employee = orgChart.employeeOn(employeeId, date);
    // The appraisal belongs to the unit of the period's date: an official of another unit does not learn of it.
    if (!inUnitScope(principal, employee?.unitId)) throw new NotFoundError('No such employee.');
    const active = employee?.status === 'active';
    const supervisorId = active ? orgChart.supervisorOf(employeeId, date) : undefined;
    // A leaving already decided shows on the period's last day, even while its TMT is still ahead.
    const atEnd = orgChart.employeeOn(employeeId, periodBounds(period).to);
    const leavesOn = atEnd?.status === 'left' ? atEnd.leftOn : undefined;
    const appraisalId = appraisalIdOf(employeeId, period);
    const result = await handleAppraisalCommand(
      handlers,
      appraisalId,
      {
        type: 'OpenAppraisal',
        employeeId,
        period,
        openedBy: actor.subject,
        org: { active, ...(employee ? { unitId: employee.unitId } : {}), ...(supervisorId ? { supervisorId } : {}), ...(leavesOn ? { leavesOn } : {}) },
      },
      actor,
    );
    // Complaints remembered while no appraisal was open are noted now, after the opening is committed.
    if (result.state.status !== 'none') await deps.complaints.noteOn(appraisalId, employeeId);
    return result.recorded.length > 0 ? (await reload(result)) : result;
  };
  const reload = async (result: AppraisalResult): Promise<AppraisalResult> => {
    const loaded = await loadAppraisal(handlers.store, result.appraisalId);
    return { ...result, state: loaded.state, revision: loaded.revision };
  };

  const command = (
    role: string,
    build: (ctx: RouteContext<unknown, unknown, { appraisalId: string }>, loaded: LoadedAppraisal) => AppraisalCommand | Promise<AppraisalCommand>,
  ) =>
    async (ctx: RouteContext<unknown, unknown, { appraisalId: string }>) => {
      const result = await handleAppraisalCommand(handlers, ctx.params.appraisalId, (loaded) => build(ctx, loaded), actorOf(ctx, role), ctx.expectedRevision);
      return accepted(result);
    };

  const periodOf = (loaded: LoadedAppraisal): AppraisalPeriod => {
    if (!loaded.state.period) throw new AppraisalDecisionError('not-found', 'appraisal-not-found', 'No such appraisal.');
    return loaded.state.period;
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/appraisals',
      summary: "Open an employee's appraisal for a period; the evaluator is the direct supervisor on the period's last day (or today)",
      tags: ['appraisals'],
      operationId: 'openAppraisal',
      access: HR,
      body: OpenAppraisalBody,
      responses: {
        201: { description: 'The appraisal is opened', schema: Summary.passthrough() },
        200: { description: 'The appraisal was already open', schema: Summary.passthrough() },
        422: { description: 'Refused: the employee is not active on the date (employee-not-active), leaves before the period ends (employee-leaving) or has no supervisor (no-supervisor)' },
        404: { description: "An employee of another unit than the official's own (token claim `opd`)" },
      },
      handler: async (ctx) => {
        const result = await open(ctx.body.employeeId, ctx.body.period, actorOf(ctx, 'hr'), ctx.principal);
        return accepted(result, result.recorded.length > 0 ? 201 : 200);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/units/:unitId/appraisal-periods',
      summary: 'Open the appraisals of a period for every employee active in the unit (one stream per employee)',
      tags: ['appraisals'],
      operationId: 'openUnitAppraisals',
      access: HR,
      params: z.strictObject({ unitId: Id }),
      body: OpenUnitPeriodBody,
      responses: { 200: { description: 'What was opened, what was open already, and who was refused with the rule' } },
      handler: async (ctx) => {
        await deps.orgChartReady();
        const { unitId } = ctx.params;
        if (!orgChart.unit(unitId) || !inUnitScope(ctx.principal, unitId)) throw new NotFoundError('No such unit in the org chart.');
        const date = orgDateOf(ctx.body.period, today);
        const opened: string[] = [];
        const alreadyOpen: string[] = [];
        const refused: { employeeId: string; code: string }[] = [];
        for (const member of orgChart.membersOf(unitId, date)) {
          try {
            const result = await open(member.employeeId, ctx.body.period, actorOf(ctx, 'hr', member.employeeId), ctx.principal);
            (result.recorded.length > 0 ? opened : alreadyOpen).push(result.appraisalId);
          } catch (error) {
            if (!(error instanceof AppraisalDecisionError)) throw error;
            refused.push({ employeeId: member.employeeId, code: error.code });
          }
        }
        return { status: 200, body: { unitId, period: ctx.body.period, asOf: date, opened, alreadyOpen, refused } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/ratings',
      summary: 'Rate work results, work behaviour and the aspects (competence, discipline, integrity) with notes; record competency gaps',
      tags: ['appraisals'],
      operationId: 'rateAppraisal',
      access: ['evaluator'],
      params: AppraisalParams,
      body: RateBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'The ratings are recorded (the draft may be rated again)' } },
      handler: async (ctx) => {
        const { results, behaviour, aspects, competencyGaps, gapNote } = ctx.body;
        const notes: RatingNotes = {
          ...(aspects.competence.note ? { competence: aspects.competence.note } : {}),
          ...(aspects.discipline.note ? { discipline: aspects.discipline.note } : {}),
          ...(aspects.integrity.note ? { integrity: aspects.integrity.note } : {}),
          ...(gapNote ? { gaps: gapNote } : {}),
        };
        return command('evaluator', () => ({
          type: 'RateAppraisal',
          by: subjectOf(ctx),
          results,
          behaviour,
          aspects: { competence: aspects.competence.rating, discipline: aspects.discipline.rating, integrity: aspects.integrity.rating },
          competencyGaps,
          notes,
        }))(ctx);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/submission',
      summary: "Submit the rated draft to the reviewer: the evaluator's own supervisor in the org chart",
      tags: ['appraisals'],
      operationId: 'submitAppraisal',
      access: ['evaluator'],
      params: AppraisalParams,
      ifMatch: 'optional',
      responses: { 200: { description: 'Submitted; the reviewer is recorded' }, 422: { description: 'not-rated, no-reviewer' } },
      handler: command('evaluator', async (ctx, loaded) => {
        await deps.orgChartReady();
        const evaluatorId = loaded.state.evaluatorId;
        const reviewerId = evaluatorId ? orgChart.supervisorOf(evaluatorId, orgDateOf(periodOf(loaded), today)) : undefined;
        return { type: 'SubmitAppraisal', by: subjectOf(ctx), ...(reviewerId ? { reviewerId } : {}) };
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/return',
      summary: 'Return a submitted appraisal to the evaluator as a draft, with a note (the reviewer)',
      tags: ['reviews'],
      operationId: 'returnAppraisal',
      access: ['evaluator'],
      params: AppraisalParams,
      body: ReturnBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'Returned to draft' } },
      handler: (ctx) => command('reviewer', () => ({ type: 'ReturnAppraisal', by: subjectOf(ctx), note: ctx.body.note }))(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/review',
      summary: 'Review a submitted appraisal (the reviewer)',
      tags: ['reviews'],
      operationId: 'reviewAppraisal',
      access: ['evaluator'],
      params: AppraisalParams,
      ifMatch: 'optional',
      responses: { 200: { description: 'Reviewed; the evaluator may finalise' } },
      handler: command('reviewer', (ctx) => ({ type: 'ReviewAppraisal', by: subjectOf(ctx) })),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/finalisation',
      summary: "Finalise a reviewed appraisal; warns when the unit's predicates break the cap of its rating",
      tags: ['appraisals'],
      operationId: 'finaliseAppraisal',
      access: ['evaluator'],
      params: AppraisalParams,
      ifMatch: 'optional',
      responses: { 200: { description: 'Final; `warning` carries the distribution figures when a cap is broken' } },
      handler: async (ctx) => {
        let figures: Distribution | undefined;
        const result = await handleAppraisalCommand(
          handlers,
          ctx.params.appraisalId,
          async (loaded) => {
            await index.catchUp();
            const { unitId, ratings } = loaded.state;
            const period = periodOf(loaded);
            const others = unitId ? index.finalPredicates(unitId, periodName(period)) : new Map<string, Predicate>();
            others.delete(loaded.appraisalId);
            const unitRating = unitId ? index.unitRating(unitId, period.year)?.rating : undefined;
            if (ratings) figures = distributionOf(deps.rules(), [...others.values(), predicateOf(deps.rules(), ratings.results, ratings.behaviour)], unitRating);
            return { type: 'FinaliseAppraisal', by: subjectOf(ctx), on: today(), unitPredicates: [...others.values()], ...(unitRating ? { unitRating } : {}) };
          },
          actorOf(ctx, 'evaluator'),
          ctx.expectedRevision,
        );
        const finalised = result.recorded.find((event) => event.type === 'AppraisalFinalised');
        const warning = finalised?.type === 'AppraisalFinalised' ? finalised.data.distributionWarning : undefined;
        return accepted(result, 200, warning && figures ? { warning: { message: warning, distribution: figures } } : {});
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/objection',
      summary: 'Object to a final appraisal within the objection window (the appraised employee)',
      tags: ['objections'],
      operationId: 'fileObjection',
      access: ['employee'],
      params: AppraisalParams,
      body: ObjectionBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'The objection is filed with the reviewer' }, 422: { description: 'objection-window-closed, objection-exists' } },
      handler: (ctx) => command('employee', () => ({ type: 'FileObjection', by: subjectOf(ctx), on: today(), reason: ctx.body.reason }))(ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/appraisals/:appraisalId/objection/decision',
      summary: 'Decide an objection (the reviewer): upheld with new ratings (a new predicate) or rejected',
      tags: ['objections'],
      operationId: 'decideObjection',
      access: ['evaluator'],
      params: AppraisalParams,
      body: ObjectionDecisionBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'Decided; a poor new predicate publishes its training needs' } },
      handler: (ctx) =>
        command('reviewer', () => ({
          type: 'DecideObjection',
          by: subjectOf(ctx),
          outcome: ctx.body.outcome,
          ...(ctx.body.results ? { results: ctx.body.results } : {}),
          ...(ctx.body.behaviour ? { behaviour: ctx.body.behaviour } : {}),
          ...(ctx.body.note ? { note: ctx.body.note } : {}),
        }))(ctx),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/appraisals/:appraisalId',
      summary: 'An appraisal with its ratings and, for those allowed, its notes (opened with the employee key)',
      tags: ['appraisals'],
      operationId: 'getAppraisal',
      access: READERS,
      audited: { action: 'read-appraisal' },
      params: AppraisalParams,
      responses: { 200: { description: 'The appraisal; ETag is its revision' } },
      handler: async (ctx) => {
        const loaded = await loadAppraisal(handlers.store, ctx.params.appraisalId);
        if (loaded.state.status === 'none') throw new NotFoundError('No such appraisal.');
        const access = accessTo(ctx.principal, loaded.state);
        const subjects = loaded.state.employeeId === undefined ? [] : [loaded.state.employeeId];
        // Recorded before the answer, refusals too: an answered read is an audited read.
        deps.audit.record({ actor: auditActorOf(ctx), action: access.notes ? 'read-appraisal-notes' : 'read-appraisal', subjects, allowed: access.read });
        if (access.hidden) throw new NotFoundError('No such appraisal.');
        if (!access.read) throw new ForbiddenError('Only the evaluator, the reviewer, the employee, HR and auditors read an appraisal.');
        return {
          status: 200,
          headers: { ETag: etagOf(loaded.revision) },
          body: { ...viewOf(loaded.appraisalId, loaded.state, loaded.revision), ...(access.notes ? { notes: notesOf(deps, loaded) } : {}) },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/appraisals',
      summary: "Appraisals by evaluator (`me`: the evaluator's queue), status, period and unit",
      tags: ['appraisals'],
      operationId: 'listAppraisals',
      access: READERS,
      audited: { action: 'list-appraisals' },
      query: ListQuery,
      responses: { 200: { description: 'Matching appraisals (summaries), newest period first' } },
      handler: async (ctx) => {
        const principal = ctx.principal;
        const me = subjectOf(ctx);
        const citywide = hasAnyRole(principal, [...HR, 'auditor']);
        let evaluator = ctx.query.evaluator === 'me' ? me : ctx.query.evaluator;
        let employeeId = ctx.query.employeeId;
        // HR and auditors list by role: within their unit when the token names one.
        const unitId = citywide ? unitScope(principal, ctx.query.unitId) : ctx.query.unitId;
        if (!citywide) {
          if (principal?.roles.includes('evaluator')) {
            evaluator ??= me;
            if (evaluator !== me) throw new ForbiddenError("An evaluator lists their own queue; the reviews are at /v1/reviews.");
          } else {
            if (employeeId !== undefined && employeeId !== me) throw new ForbiddenError('An employee lists their own appraisals.');
            employeeId = me;
          }
        }
        await index.catchUp();
        const items = [...index.all()]
          .filter(({ state }) => state.status !== 'none')
          .filter(({ state }) => evaluator === undefined || state.evaluatorId === evaluator)
          .filter(({ state }) => employeeId === undefined || state.employeeId === employeeId)
          .filter(({ state }) => ctx.query.status === undefined || state.status === ctx.query.status)
          .filter(({ state }) => unitId === undefined || state.unitId === unitId)
          .filter(({ state }) => ctx.query.period === undefined || (state.period && periodName(state.period) === ctx.query.period))
          .map(({ appraisalId, state, revision }) => summaryOf(appraisalId, state, revision))
          .sort((a, b) => (a.periodName === b.periodName ? (a.appraisalId < b.appraisalId ? -1 : 1) : a.periodName < b.periodName ? 1 : -1));
        const page = items.slice(0, ctx.query.limit);
        deps.audit.record({ actor: auditActorOf(ctx), action: 'list-appraisals', subjects: [...new Set(page.map((i) => i.employeeId))], allowed: true });
        return { status: 200, body: { items: page, total: items.length } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reviews',
      summary: "The reviewer's queue: submitted appraisals to review and objections to decide",
      tags: ['reviews'],
      operationId: 'listReviews',
      access: ['evaluator'],
      audited: { action: 'list-reviews' },
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      responses: { 200: { description: 'Appraisals waiting for the caller as reviewer' } },
      handler: async (ctx) => {
        const me = subjectOf(ctx);
        await index.catchUp();
        const items = [...index.all()]
          .filter(({ state }) => state.reviewerId === me && (state.status === 'submitted' || (state.status === 'final' && state.objection === 'filed')))
          .map(({ appraisalId, state, revision }) => ({ ...summaryOf(appraisalId, state, revision), waitingFor: state.status === 'submitted' ? 'review' : 'objection-decision' }));
        const page = items.slice(0, ctx.query.limit);
        deps.audit.record({ actor: auditActorOf(ctx), action: 'list-reviews', subjects: [...new Set(page.map((i) => i.employeeId))], allowed: true });
        return { status: 200, body: { items: page, total: items.length } };
      },
    }),
  ];
};
