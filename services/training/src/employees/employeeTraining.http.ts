import { CompetencyArea } from '@asn/contracts';
import { defineRoute, ForbiddenError, limitParam, NotFoundError, type Principal, type Role, type Route } from '@asn/service-kit';
import { z } from 'zod';
import type { TrainingReadModel } from '../readModel';
import type { TrainingRules } from '../rules/rules';
import { competencyRecord, jpTally } from '../tally/jpTally';

const Id = z.uuid().toLowerCase();
const Year = z.coerce.number().int().min(2000).max(2199);

const OFFICIALS: readonly Role[] = ['training-officer', 'auditor', 'hr-staff', 'hr-approver'];

const isOfficial = (principal: Principal | undefined): boolean => OFFICIALS.some((role) => principal?.roles.includes(role));

/** An official scoped to one unit (`opd` claim) sees that unit's employees only; a city-wide one sees all. */
const assertUnitScope = (principal: Principal | undefined, unitId: string | undefined): void => {
  if (principal?.unit !== undefined && principal.unit !== unitId) throw new ForbiddenError('This employee belongs to another unit.');
};

export interface EmployeeTrainingDeps {
  readModel: TrainingReadModel;
  rules: () => TrainingRules;
  /** The city's date now: the year a JP tally is of by default, and the org chart's date while it runs. */
  today: () => string;
}

/** The day the org chart is read for `year`: its last day, or today while the year runs. */
const asOfFor = (year: number, today: () => string): string => {
  const day = today();
  const last = `${year}-12-31`;
  return last < day ? last : day;
};

export const employeeTrainingRoutes = (deps: EmployeeTrainingDeps): Route[] => [
  defineRoute({
    method: 'get',
    path: '/v1/employees/:employeeId/training',
    summary: "An employee's JP tally for a year against the entitlement, competency record and enrolments with their basis",
    description: 'Training officers, auditors and HR officials see any employee; an employee (role employee) sees only their own record.',
    tags: ['employees'],
    operationId: 'getEmployeeTraining',
    access: [...OFFICIALS, 'employee'],
    params: z.strictObject({ employeeId: Id }),
    query: z.strictObject({ year: Year.optional() }),
    responses: { 200: { description: 'The record' } },
    handler: (ctx) => {
      const { employeeId } = ctx.params;
      if (!isOfficial(ctx.principal) && ctx.principal?.subject !== employeeId) throw new ForbiddenError('An employee sees only their own training record.');
      const year = ctx.query.year ?? Number(deps.today().slice(0, 4));
      const employee = deps.readModel.orgChart.employeeOn(employeeId, asOfFor(year, deps.today));
      const enrollments = deps.readModel.enrollmentsOf(employeeId);
      if (!employee && enrollments.length === 0) throw new NotFoundError('No such employee in the org chart.');
      if (isOfficial(ctx.principal)) assertUnitScope(ctx.principal, employee?.unitId);
      const completions = enrollments.flatMap((e) => (e.completion ? [e.completion] : []));
      const tally = employee ? jpTally(deps.rules(), employee, year, completions) : null;
      return {
        status: 200,
        body: {
          employeeId,
          year,
          employeeType: employee?.employeeType ?? null,
          unitId: employee?.unitId ?? null,
          tally,
          competencyRecord: competencyRecord(completions),
          enrollments: enrollments.map((e) => {
            const programme = deps.readModel.programme(e.programmeId);
            return {
              ...e,
              programme: programme
                ? { title: programme.title, competencyArea: programme.competencyArea, jp: programme.jp, startsOn: programme.startsOn, endsOn: programme.endsOn, status: programme.status }
                : null,
            };
          }),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/units/:unitId/jp-shortfall',
    summary: "The unit's active employees below their JP entitlement for a year, largest shortfall first",
    tags: ['employees'],
    operationId: 'getUnitJpShortfall',
    access: OFFICIALS,
    params: z.strictObject({ unitId: Id }),
    query: z.strictObject({ year: Year.optional() }),
    responses: { 200: { description: 'The employees below entitlement' } },
    handler: (ctx) => {
      const { unitId } = ctx.params;
      assertUnitScope(ctx.principal, unitId);
      if (!deps.readModel.orgChart.unit(unitId)) throw new NotFoundError('No such unit in the org chart.');
      const year = ctx.query.year ?? Number(deps.today().slice(0, 4));
      const asOf = asOfFor(year, deps.today);
      const members = deps.readModel.orgChart.membersOf(unitId, asOf);
      const completions = deps.readModel.completionsOf(members.map((m) => m.employeeId));
      const rules = deps.rules();
      const items = members
        .map((m) => ({ employeeId: m.employeeId, employeeType: m.employeeType, ...jpTally(rules, m, year, completions.get(m.employeeId) ?? []) }))
        .filter((t) => t.shortfall > 0)
        .sort((a, b) => b.shortfall - a.shortfall || (a.employeeId < b.employeeId ? -1 : 1));
      return { status: 200, body: { unitId, year, asOf, rulesVersion: rules.version, members: members.length, items } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/training-needs',
    summary: 'Training needs from appraisals: open ones wait for a matching programme, closed ones belong to employees who left',
    description:
      'status=open: not placed yet; enrolled: placed in a programme (enrolled, waitlisted, completed or cancelled); closed: the employee left (dismissed, retired, contract ended) before the need was placed, with the reason and TMT in `closure`.',
    tags: ['training needs'],
    operationId: 'listTrainingNeeds',
    access: OFFICIALS,
    query: z.strictObject({
      status: z.enum(['open', 'enrolled', 'closed']).optional(),
      area: CompetencyArea.optional(),
      limit: limitParam({ max: 500, fallback: 100 }),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
    responses: { 200: { description: 'A page of needs, oldest first' } },
    handler: (ctx) => {
      const { status, area, limit, offset } = ctx.query;
      const items = deps.readModel.needs({ limit, offset, ...(status ? { status } : {}), ...(area ? { area } : {}) });
      return { status: 200, body: { items, limit, offset } };
    },
  }),
];
