import { CalendarDate, Decision, Decree, EmployeeType, Golongan, isCalendarDate, Text } from '@asn/contracts';
import type { AppraisalFact } from '../appraisals/appraisal.projection';
import { defineRoute, etagOf, limitParam, NotFoundError, ValidationError, type Principal, type Role, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import type { AuditLog } from '@asn/privacy';
import { compareDuk, type DukFacts } from '../rules/duk';
import { addMonths, promotionEligibility, retirementDate, transferTenure, yearsBetween } from '../rules/eligibility';
import { careerOf, decisionsInForce, runningSanction, type Career, type Employee, type Proposal } from './employee.domain';
import {
  employeeIdByNip,
  erasePersonalData,
  handleEmployeeCommand,
  loadEmployee,
  readEmployeeEvents,
  proposeAppointment,
  proposeDecision,
  type Actor,
  type EmployeeHandlerDeps,
} from './employee.handlers';
import { PersonalData } from './personal';
import type { Roster } from './roster.projection';

export interface EmployeeRouteDeps extends EmployeeHandlerDeps {
  roster: Roster;
  audit: AuditLog;
}

const Id = z.uuid().toLowerCase();
const EmployeeParams = z.strictObject({ employeeId: Id });
const ProposalParams = z.strictObject({ employeeId: Id, decisionId: Id });

/** The appointment of a new employee, as staff propose it. */
export const AppointmentBody = z.strictObject({
  decision: Decision.options[0],
  decree: Decree,
  personal: PersonalData,
});
export type AppointmentBody = z.infer<typeof AppointmentBody>;

export const ProposalBody = z.strictObject({ decision: Decision, decree: Decree, personal: PersonalData.optional() });
export type ProposalBody = z.infer<typeof ProposalBody>;

export const RejectionBody = z.strictObject({ reason: Text(5, 1000) });
export const ErasureBody = z.strictObject({ reason: Text(5, 1000) });
export const NipLookupBody = z.strictObject({ nip: z.string().max(40) });

const CommandAccepted = z.object({ employeeId: z.string(), decisionId: z.string().optional(), revision: z.number(), events: z.array(z.object({ id: z.string(), type: z.string() })) });

const READERS: readonly Role[] = ['hr-staff', 'hr-approver', 'auditor'];

const actorOf = (ctx: RouteContext<unknown, unknown, unknown>, role: Role): Actor => ({
  subject: ctx.principal?.subject ?? 'anonymous',
  role: ctx.principal?.roles.includes(role) ? role : (ctx.principal?.roles[0] ?? 'none'),
  correlationId: ctx.requestId,
  ...(ctx.idempotencyKey ? { idSeed: ctx.idempotencyKey } : {}),
});

/** The unit an employee belongs to: the career's, or before appointment the unit the appointment names. */
const unitOfEmployee = (state: Employee): string | undefined =>
  state.career
    ? state.career.unitId
    : Object.values(state.proposals).find((p) => p.decision.kind === 'appointment' && p.status === 'pending')?.unitId;

/** An official of one unit (token claim `opd`) sees and changes only the employees of that unit now. */
const inScope = (principal: Principal | undefined, state: Employee): boolean =>
  !principal?.unit || unitOfEmployee(state) === principal.unit;

const assertScope = (principal: Principal | undefined, state: Employee): void => {
  // 404, not 403: an official of another unit does not learn that the employee exists.
  if (!inScope(principal, state)) throw new NotFoundError('No such employee.');
};

const accepted = (status: number, result: { employeeId: string; revision: number; recorded: readonly { id: string; type: string }[] }, decisionId?: string) => ({
  status,
  headers: { ETag: etagOf(result.revision), Location: `/v1/employees/${result.employeeId}` },
  body: { employeeId: result.employeeId, ...(decisionId ? { decisionId } : {}), revision: result.revision, events: result.recorded },
});

const proposalView = (p: Proposal) => ({
  decisionId: p.decisionId,
  unitId: p.unitId,
  status: p.status,
  proposedBy: p.proposedBy,
  decision: p.decision,
  decree: p.decree,
});

/**
 * The career in force on a date. Decisions are often approved ahead of their TMT (a retirement, a transfer
 * next month): the state holds them all, and only those effective by the date shape the career shown.
 */
export const careerOn = (state: Employee, date: string): Career | undefined =>
  state.latestTmt !== undefined && state.latestTmt > date ? careerOf(state.decided, date) : state.career;

/** The status on a date: the career's, 'scheduled' for an appointment approved ahead of its TMT, else the proposal's. */
export const statusOn = (state: Employee, date: string): string => careerOn(state, date)?.status ?? (state.career ? 'scheduled' : state.status);

/** The employee as the API shows it, on a date (today unless asked): decisions with a later TMT are listed as scheduled. */
export const employeeView = (employeeId: string, state: Employee, revision: number, options: { on: string; personal: boolean }) => ({
  employeeId,
  status: statusOn(state, options.on),
  revision,
  ...(options.personal ? { personal: state.personal ?? null } : {}),
  career: careerOn(state, options.on) ?? null,
  scheduled: decisionsInForce(state.decided)
    .filter((r) => r.decree.tmt > options.on)
    .map((r) => ({ decisionId: r.decisionId, kind: r.decision.kind, tmt: r.decree.tmt })),
  pendingProposals: Object.values(state.proposals).filter((p) => p.status === 'pending').map(proposalView),
});


const readerRole = (ctx: RouteContext<unknown, unknown, unknown>): Role => READERS.find((r) => ctx.principal?.roles.includes(r)) ?? 'auditor';

/** The unit-scope check a command runs on the state it loads. */
const scopeOf = (ctx: RouteContext<unknown, unknown, unknown>) => (state: Employee): void => assertScope(ctx.principal, state);

export const employeeRoutes = (deps: EmployeeRouteDeps): Route[] => [
  defineRoute({
    method: 'post',
    path: '/v1/employees',
    summary: 'Propose the appointment of a new employee (CPNS, PNS or PPPK)',
    description: 'Validates the NIP / NI PPPK by employee type and reserves it; the appointment takes effect when an approver approves it.',
    tags: ['employees'],
    operationId: 'proposeAppointment',
    access: ['hr-staff'],
    body: AppointmentBody,
    responses: { 201: { description: 'The proposal is recorded', schema: CommandAccepted } },
    handler: async (ctx) => {
      if (ctx.principal?.unit && ctx.principal.unit !== ctx.body.decision.unitId) throw new NotFoundError('No such unit.');
      const result = await proposeAppointment(deps, ctx.body, actorOf(ctx, 'hr-staff'));
      return accepted(201, result, result.decisionId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/employees/:employeeId/proposals',
    summary: 'Propose a decision about an employee (promotion, transfer, position, sanction, dismissal, ...)',
    tags: ['employees'],
    operationId: 'proposeDecision',
    access: ['hr-staff'],
    params: EmployeeParams,
    body: ProposalBody,
    ifMatch: 'optional',
    responses: { 201: { description: 'The proposal is recorded', schema: CommandAccepted } },
    handler: async (ctx) => {
      const result = await proposeDecision(deps, ctx.params.employeeId, ctx.body, actorOf(ctx, 'hr-staff'), ctx.expectedRevision, scopeOf(ctx));
      return accepted(201, result, result.decisionId);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/employees/:employeeId/proposals/:decisionId/approval',
    summary: 'Approve a proposed decision (never one of your own proposals)',
    tags: ['employees'],
    operationId: 'approveDecision',
    access: ['hr-approver'],
    params: ProposalParams,
    ifMatch: 'optional',
    responses: { 200: { description: 'The decision is recorded', schema: CommandAccepted } },
    handler: async (ctx) => {
      const result = await handleEmployeeCommand(
        deps,
        ctx.params.employeeId,
        { type: 'ApproveDecision', decisionId: ctx.params.decisionId, approvedBy: ctx.principal?.subject ?? '' },
        actorOf(ctx, 'hr-approver'),
        ctx.expectedRevision,
        scopeOf(ctx),
      );
      return accepted(200, result);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/employees/:employeeId/proposals/:decisionId/rejection',
    summary: 'Reject a proposed decision, with the reason',
    tags: ['employees'],
    operationId: 'rejectDecision',
    access: ['hr-approver'],
    params: ProposalParams,
    body: RejectionBody,
    ifMatch: 'optional',
    responses: { 200: { description: 'The rejection is recorded', schema: CommandAccepted } },
    handler: async (ctx) => {
      const result = await handleEmployeeCommand(
        deps,
        ctx.params.employeeId,
        { type: 'RejectDecision', decisionId: ctx.params.decisionId, rejectedBy: ctx.principal?.subject ?? '', reason: ctx.body.reason },
        actorOf(ctx, 'hr-approver'),
        ctx.expectedRevision,
        scopeOf(ctx),
      );
      return accepted(200, result);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/employees/:employeeId/erasure',
    summary: "Erase the employee's personal data (crypto-shredding: the key is deleted, the events stay)",
    tags: ['privacy'],
    operationId: 'erasePersonalData',
    access: ['data-protection-officer'],
    audited: { action: 'erase-personal-data', subjects: (p) => [p.employeeId] },
    params: EmployeeParams,
    body: ErasureBody,
    responses: { 200: { description: 'The personal data is erased (repeating it changes nothing)', schema: CommandAccepted } },
    handler: async (ctx) => {
      const actor = actorOf(ctx, 'data-protection-officer');
      const result = await erasePersonalData(deps, ctx.params.employeeId, ctx.body.reason, actor);
      deps.audit.record({ actor, action: 'erase-personal-data', subjects: [ctx.params.employeeId], allowed: true });
      return accepted(200, result);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/employees/:employeeId',
    summary: 'An employee: personal data, career and pending proposals; as of a date (TMT) and as recorded by a time',
    tags: ['employees'],
    operationId: 'getEmployee',
    access: READERS,
    audited: { action: 'read-employee', subjects: (p) => [p.employeeId] },
    params: EmployeeParams,
    query: z.strictObject({
      asOf: CalendarDate.optional().meta({ description: 'Career as effective on this date (decisions with TMT on or before it).' }),
      recordedBy: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only what was recorded by this time.' }),
    }),
    responses: { 200: { description: 'The employee', schema: z.object({ employeeId: z.string(), status: z.string(), revision: z.number() }).loose() } },
    handler: async (ctx) => {
      const recordedBy = ctx.query.recordedBy === undefined ? undefined : new Date(ctx.query.recordedBy);
      // Scope is decided on the record as it is now: an official of a unit does not read its former staff,
      // not even as they were recorded back then.
      const full = await loadEmployee(deps, ctx.params.employeeId);
      const loaded = recordedBy ? await loadEmployee(deps, ctx.params.employeeId, { recordedBy }) : full;
      const actor = actorOf(ctx, READERS.find((r) => ctx.principal?.roles.includes(r)) ?? 'auditor');
      if (full.revision < 0 || loaded.revision < 0 || !inScope(ctx.principal, full.state)) {
        deps.audit.record({ actor, action: 'read-employee', subjects: [ctx.params.employeeId], allowed: false });
        throw new NotFoundError('No such employee.');
      }
      deps.audit.record({ actor, action: 'read-employee', subjects: [ctx.params.employeeId], allowed: true });
      return {
        status: 200,
        headers: { ETag: etagOf(full.revision) },
        body: {
          ...employeeView(ctx.params.employeeId, loaded.state, loaded.revision, { personal: true, on: ctx.query.asOf ?? deps.today() }),
          ...(ctx.query.asOf ? { asOf: ctx.query.asOf } : {}),
          ...(recordedBy ? { recordedBy: recordedBy.toISOString() } : {}),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/employees/:employeeId/history',
    summary: "The employee's decision history: every proposal, approval, rejection, correction and erasure, with who and when",
    tags: ['employees'],
    operationId: 'getEmployeeHistory',
    access: READERS,
    audited: { action: 'read-history', subjects: (p) => [p.employeeId] },
    params: EmployeeParams,
    responses: { 200: { description: 'The history, oldest first' } },
    handler: async (ctx) => {
      const events = await readEmployeeEvents(deps, ctx.params.employeeId);
      const { state } = await loadEmployee(deps, ctx.params.employeeId);
      const visible = events.length > 0 && inScope(ctx.principal, state);
      // Sanctions and dismissal grounds are sensitive records: reading them is audited like personal data.
      deps.audit.record({ actor: actorOf(ctx, readerRole(ctx)), action: 'read-history', subjects: [ctx.params.employeeId], allowed: visible });
      if (!visible) throw new NotFoundError('No such employee.');
      return {
        status: 200,
        headers: { ETag: etagOf(events.at(-1)!.recorded.revision) },
        body: {
          employeeId: ctx.params.employeeId,
          events: events.map(({ recorded, event }) => {
            const data = { ...(event.data as Record<string, unknown>) };
            delete data.personal; // the history names decisions and people, not the employee's personal data
            return {
              eventId: recorded.id,
              type: recorded.type,
              revision: recorded.revision,
              position: recorded.position,
              recordedAt: recorded.recordedAt.toISOString(),
              actor: recorded.metadata.actor ?? null,
              correlationId: recorded.metadata.correlationId ?? null,
              rulesVersion: recorded.metadata.rulesVersion ?? null,
              data,
            };
          }),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/employees/lookup',
    summary: 'Find an employee by NIP / NI PPPK (sent in the body: a NIP never appears in a URL)',
    tags: ['employees'],
    operationId: 'lookupEmployeeByNip',
    access: READERS,
    audited: { action: 'lookup-by-nip' },
    idempotent: false,
    body: NipLookupBody,
    responses: { 200: { description: 'The employee id', schema: z.object({ employeeId: z.string() }) } },
    handler: async (ctx) => {
      const nip = ctx.body.nip.replace(/\s+/g, '');
      if (!/^\d{18}$/.test(nip)) throw new ValidationError('A NIP has 18 digits.', [{ in: 'body', path: 'nip', code: 'invalid_format', message: 'Expected 18 digits.' }]);
      const found = await employeeIdByNip(deps, nip);
      const visible = found !== undefined && inScope(ctx.principal, found.state);
      const actor = actorOf(ctx, READERS.find((r) => ctx.principal?.roles.includes(r)) ?? 'auditor');
      deps.audit.record({ actor, action: 'lookup-by-nip', subjects: found ? [found.employeeId] : [], allowed: visible });
      if (!found || !visible) throw new NotFoundError('No employee has this NIP.');
      const employeeId = found.employeeId;
      return { status: 200, body: { employeeId } };
    },
  }),
  ...queryRoutes(deps),
];

// ---------------------------------------------------------------------------------------------------
// Lists over the read model

const StatusFilter = z.enum(['proposed', 'rejected', 'scheduled', 'active', 'dismissed', 'retired', 'contract-ended', 'transferred-out']);
const ListQuery = z.strictObject({
  unitId: Id.optional(),
  status: StatusFilter.optional(),
  employeeType: EmployeeType.optional(),
  golongan: Golongan.optional(),
  positionKind: z.enum(['managerial', 'functional', 'pelaksana']).optional(),
  limit: limitParam({ max: 200, fallback: 50 }),
  after: Id.optional().meta({ description: 'Cursor: the last employeeId of the previous page.' }),
});

const page = <T extends { employeeId: string }>(items: readonly T[], limit: number, after: string | undefined) => {
  const sorted = [...items].sort((a, b) => (a.employeeId < b.employeeId ? -1 : 1));
  const start = after === undefined ? 0 : sorted.findIndex((i) => i.employeeId > after);
  const slice = start < 0 ? [] : sorted.slice(start, start + limit);
  const last = slice.at(-1);
  return { items: slice, next: slice.length === limit && last && sorted.at(-1) !== last ? last.employeeId : null };
};

const unitScope = (principal: Principal | undefined, unitId: string | undefined): string | undefined => {
  if (!principal?.unit) return unitId;
  if (unitId !== undefined && unitId !== principal.unit) throw new NotFoundError('No such unit.');
  return principal.unit;
};

const queryRoutes = (deps: EmployeeRouteDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/employees',
    summary: 'List employees, by unit and filters (status, type, golongan, position kind), a page at a time',
    tags: ['employees'],
    operationId: 'listEmployees',
    access: READERS,
    audited: { action: 'list-employees' },
    query: ListQuery,
    responses: { 200: { description: 'A page of employees' } },
    handler: async (ctx) => {
      await deps.roster.catchUp();
      const q = ctx.query;
      const unitId = unitScope(ctx.principal, q.unitId);
      const rows: { employeeId: string; state: Employee }[] = [];
      const today = deps.today();
      for (const [employeeId, state] of deps.roster.employees) {
        const career = careerOn(state, today);
        if (state.status === 'unknown') continue;
        if (unitId !== undefined && unitOfEmployee(state) !== unitId) continue;
        if (q.status !== undefined && statusOn(state, today) !== q.status) continue;
        if (q.employeeType !== undefined && career?.employeeType !== q.employeeType) continue;
        if (q.golongan !== undefined && career?.golongan !== q.golongan) continue;
        if (q.positionKind !== undefined && career?.position.kind !== q.positionKind) continue;
        rows.push({ employeeId, state });
      }
      const { items, next } = page(rows, q.limit, q.after);
      const actor = actorOf(ctx, READERS.find((r) => ctx.principal?.roles.includes(r)) ?? 'auditor');
      deps.audit.record({ actor, action: 'list-employees', subjects: items.map((i) => i.employeeId), allowed: true });
      return {
        status: 200,
        body: {
          items: items.map(({ employeeId, state }) => ({
            employeeId,
            status: statusOn(state, today),
            name: state.personal === undefined ? null : state.personal === 'erased' ? 'erased' : state.personal.name,
            employeeType: careerOn(state, today)?.employeeType ?? null,
            golongan: careerOn(state, today)?.golongan ?? null,
            pppkGrade: careerOn(state, today)?.pppkGrade ?? null,
            unitId: careerOn(state, today)?.unitId ?? null,
            position: careerOn(state, today)?.position ?? null,
          })),
          next,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/proposals',
    summary: 'Pending proposals, per unit',
    tags: ['employees'],
    operationId: 'listPendingProposals',
    access: ['hr-staff', 'hr-approver', 'auditor'],
    audited: { action: 'list-proposals' },
    query: z.strictObject({ unitId: Id.optional(), limit: limitParam({ max: 200, fallback: 50 }), after: Id.optional() }),
    responses: { 200: { description: 'Pending proposals, oldest first' } },
    handler: async (ctx) => {
      await deps.roster.catchUp();
      const unitId = unitScope(ctx.principal, ctx.query.unitId);
      const pending: (ReturnType<typeof proposalView> & { employeeId: string })[] = [];
      for (const [employeeId, state] of deps.roster.employees) {
        // Listed where the employee belongs now, whatever the unit when it was proposed.
        if (unitId !== undefined && unitOfEmployee(state) !== unitId) continue;
        for (const p of Object.values(state.proposals)) if (p.status === 'pending') pending.push({ employeeId, ...proposalView(p) });
      }
      pending.sort((a, b) => (a.decisionId < b.decisionId ? -1 : 1));
      const start = ctx.query.after === undefined ? 0 : pending.findIndex((p) => p.decisionId > ctx.query.after!);
      const items = start < 0 ? [] : pending.slice(start, start + ctx.query.limit);
      deps.audit.record({ actor: actorOf(ctx, readerRole(ctx)), action: 'list-proposals', subjects: [...new Set(items.map((i) => i.employeeId))], allowed: true });
      return { status: 200, body: { items, next: items.length === ctx.query.limit ? (items.at(-1)?.decisionId ?? null) : null } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/eligibility/promotions',
    summary: 'Who is eligible for a regular promotion in a period (the first day of a month), with the unmet rules of the others',
    tags: ['eligibility'],
    operationId: 'listPromotionEligibility',
    access: ['hr-staff', 'hr-approver', 'auditor'],
    audited: { action: 'list-promotion-eligibility' },
    query: z.strictObject({
      period: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Expected a month as YYYY-MM.')
        .refine((value) => isCalendarDate(`${value}-01`), 'Expected a month between 1900-01 and 2199-12.'),
      unitId: Id.optional(),
      includeIneligible: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
      limit: limitParam({ max: 500, fallback: 100 }),
      after: Id.optional(),
    }),
    responses: { 200: { description: 'Eligible employees (and, when asked, the others with reasons)' } },
    handler: async (ctx) => {
      await deps.roster.catchUp();
      const periodDate = `${ctx.query.period}-01`;
      const unitId = unitScope(ctx.principal, ctx.query.unitId);
      const rules = deps.rules();
      const rows: { employeeId: string; eligible: boolean; golongan: string; appraisals: AppraisalFact[]; reasons: unknown[] }[] = [];
      const periodYear = Number(ctx.query.period.slice(0, 4));
      const firstYear = periodYear - rules.promotion.appraisal.years;
      for (const [employeeId, state] of deps.roster.employees) {
        if (unitId !== undefined && unitOfEmployee(state) !== unitId) continue;
        const career = careerOn(state, periodDate);
        if (!career || career.status !== 'active' || career.employeeType !== 'PNS' || !career.golongan) continue;
        const running = runningSanction(career, periodDate);
        const appraisals = [...(deps.appraisals?.(employeeId) ?? [])];
        const verdict = promotionEligibility(
          {
            employeeType: career.employeeType,
            status: career.status,
            golongan: career.golongan,
            rankSince: career.rankSince ?? career.appointedOn,
            ...(state.personal && state.personal !== 'erased' ? { education: state.personal.education } : {}),
            ...(running?.until ? { runningSanctionUntil: running.until } : {}),
            appraisals,
          },
          periodDate,
          rules,
        );
        if (verdict.eligible || ctx.query.includeIneligible) rows.push({
            employeeId,
            eligible: verdict.eligible,
            golongan: career.golongan,
            // The predicates the appraisal rule looked at (none recorded: the rule was not applied).
            appraisals: appraisals.filter((a) => a.year >= firstYear && a.year < periodYear),
            reasons: verdict.reasons,
          });
      }
      const { items, next } = page(rows, ctx.query.limit, ctx.query.after);
      deps.audit.record({ actor: actorOf(ctx, readerRole(ctx)), action: 'list-promotion-eligibility', subjects: items.map((i) => i.employeeId), allowed: true });
      return { status: 200, body: { period: ctx.query.period, rulesVersion: rules.version, items, next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/eligibility/transfers',
    summary: 'Who has been in their post longer than the transfer rules allow (5 years by default) on a date: due for rotation',
    tags: ['eligibility'],
    operationId: 'listDueTransfers',
    access: ['hr-staff', 'hr-approver', 'auditor'],
    query: z.strictObject({
      on: CalendarDate.optional().meta({ description: 'The date; today when omitted.' }),
      unitId: Id.optional(),
      limit: limitParam({ max: 500, fallback: 100 }),
      after: Id.optional(),
    }),
    responses: { 200: { description: 'Employees past the longest tenure in post, with their years in post' } },
    handler: async (ctx) => {
      await deps.roster.catchUp();
      const rules = deps.rules();
      const on = ctx.query.on ?? deps.today();
      const unitId = unitScope(ctx.principal, ctx.query.unitId);
      const rows: { employeeId: string; unitId: string | null; inPostSince: string; yearsInPost: number }[] = [];
      for (const [employeeId, state] of deps.roster.employees) {
        if (unitId !== undefined && unitOfEmployee(state) !== unitId) continue;
        const career = careerOn(state, on);
        if (!career || career.status !== 'active') continue;
        const tenure = transferTenure(career.unitSince, on, rules);
        if (tenure.reason === 'too-long') rows.push({ employeeId, unitId: career.unitId ?? null, inPostSince: career.unitSince, yearsInPost: Math.floor(tenure.years * 10) / 10 });
      }
      const { items, next } = page(rows, ctx.query.limit, ctx.query.after);
      return { status: 200, body: { on, maxYearsInPost: rules.transfer.maxYearsInPost, regulation: rules.transfer.regulation, items, next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/retirements',
    summary: 'Who reaches the retirement age (BUP) within the alert window (12 months by the rules)',
    tags: ['eligibility'],
    operationId: 'listUpcomingRetirements',
    access: ['hr-staff', 'hr-approver', 'auditor'],
    audited: { action: 'list-retirements' },
    query: z.strictObject({
      from: CalendarDate.optional().meta({ description: 'Start of the window; today when omitted.' }),
      months: z.coerce.number().int().min(1).max(60).optional(),
      unitId: Id.optional(),
      limit: limitParam({ max: 500, fallback: 100 }),
      after: Id.optional(),
    }),
    responses: { 200: { description: 'Employees retiring in the window, soonest first within the page' } },
    handler: async (ctx) => {
      await deps.roster.catchUp();
      const rules = deps.rules();
      const from = ctx.query.from ?? deps.today();
      const months = ctx.query.months ?? rules.retirement.alertMonthsAhead;
      const until = addMonths(from, months);
      const unitId = unitScope(ctx.principal, ctx.query.unitId);
      const rows: { employeeId: string; retirementDate: string; overdue: boolean; unitId: string | null }[] = [];
      for (const [employeeId, state] of deps.roster.employees) {
        // Active on the start of the window with no retirement decided yet: a decided one (even ahead of its
        // TMT) needs no alert. Someone past the age with no decision is listed as overdue: a missed SK.
        const career = careerOn(state, from);
        if (!career || career.status !== 'active' || career.employeeType === 'PPPK') continue;
        if (state.career?.status !== 'active') continue;
        if (!state.personal || state.personal === 'erased') continue;
        if (unitId !== undefined && unitOfEmployee(state) !== unitId) continue;
        const due = retirementDate(state.personal.birthDate, career.position, rules);
        if (due < until) rows.push({ employeeId, retirementDate: due, overdue: due < from, unitId: career.unitId ?? null });
      }
      const { items, next } = page(rows, ctx.query.limit, ctx.query.after);
      deps.audit.record({ actor: actorOf(ctx, readerRole(ctx)), action: 'list-retirements', subjects: items.map((i) => i.employeeId), allowed: true });
      return { status: 200, body: { from, until, items: [...items].sort((a, b) => (a.retirementDate < b.retirementDate ? -1 : 1)), next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/duk',
    summary: 'The rank seniority list (DUK) of the PNS in service on a date: rank, rank TMT, position, position TMT, years of service, education, age',
    description:
      'Ordered by rank (higher first, then the earlier rank TMT), position (managerial, functional, pelaksana; then the earlier TMT), service (the earlier appointment), education (higher first), age (older first). Training, the criterion between service and education, is kept by the training service and not applied. Each row carries its place on the whole list (or on the unit\'s, when a unit is asked).',
    tags: ['reports'],
    operationId: 'getDuk',
    access: ['hr-staff', 'hr-approver', 'auditor'],
    audited: { action: 'list-duk' },
    query: z.strictObject({
      on: CalendarDate.optional().meta({ description: 'The date; today when omitted.' }),
      unitId: Id.optional(),
      limit: limitParam({ max: 1000, fallback: 200 }),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
    responses: { 200: { description: 'A page of the DUK' } },
    handler: async (ctx) => {
      await deps.roster.catchUp();
      const on = ctx.query.on ?? deps.today();
      const unitId = unitScope(ctx.principal, ctx.query.unitId);
      const rows: (DukFacts & { unitId: string | null })[] = [];
      for (const [employeeId, state] of deps.roster.employees) {
        const career = careerOn(state, on);
        if (!career || career.status !== 'active' || career.employeeType !== 'PNS' || !career.golongan) continue;
        if (unitId !== undefined && career.unitId !== unitId) continue;
        const personal = state.personal && state.personal !== 'erased' ? state.personal : undefined;
        rows.push({
          employeeId,
          unitId: career.unitId ?? null,
          golongan: career.golongan,
          rankSince: career.rankSince ?? career.appointedOn,
          position: career.position,
          positionSince: career.positionSince,
          appointedOn: career.appointedOn,
          ...(personal?.education ? { education: personal.education } : {}),
          ...(personal?.birthDate ? { birthDate: personal.birthDate } : {}),
        });
      }
      rows.sort(compareDuk);
      const items = rows.slice(ctx.query.offset, ctx.query.offset + ctx.query.limit).map((r, i) => ({
        place: ctx.query.offset + i + 1,
        employeeId: r.employeeId,
        unitId: r.unitId,
        golongan: r.golongan,
        rankSince: r.rankSince,
        position: r.position,
        positionSince: r.positionSince,
        serviceYears: yearsBetween(r.appointedOn, on),
        education: r.education ?? null,
        age: r.birthDate ? yearsBetween(r.birthDate, on) : null,
      }));
      deps.audit.record({ actor: actorOf(ctx, readerRole(ctx)), action: 'list-duk', subjects: items.map((i) => i.employeeId), allowed: true });
      return { status: 200, body: { on, ...(unitId ? { unitId } : {}), total: rows.length, items } };
    },
  }),
];
