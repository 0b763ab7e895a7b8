import { CalendarDate, Position, Text } from '@asn/contracts';
import { defineRoute, etagOf, ForbiddenError, NotFoundError, type Role, type Route, type RouteContext } from '@asn/service-kit';
import { z } from 'zod';
import { idFor, type Actor } from '../employees/employee.handlers';
import type { Roster } from '../employees/roster.projection';
import { unitNameOn, type Unit, type UnitCommand } from './unit.domain';
import { handleUnitCommand, loadUnit, loadUnitDirectory, type UnitCache } from './unit.handlers';
import type { EventStore } from '@asn/event-store';

const Id = z.uuid().toLowerCase();
const OrgChange = { tmt: CalendarDate, legalBasis: Text(2, 500) };
const UnitParams = z.strictObject({ unitId: Id });

export const EstablishUnitBody = z.strictObject({ name: Text(2, 200), code: Text(1, 30), parentUnitId: Id.optional(), ...OrgChange });
export const RenameUnitBody = z.strictObject({ name: Text(2, 200), ...OrgChange });
export const DissolveUnitBody = z.strictObject({ successorUnitId: Id.optional(), ...OrgChange });
export const CreatePositionBody = z.strictObject({ position: Position, quota: z.number().int().min(1).max(10_000), ...OrgChange });
export const AbolishPositionBody = z.strictObject({ ...OrgChange });

const Accepted = z.object({ unitId: z.string(), positionId: z.string().optional(), revision: z.number() });
const ORG_EDITORS: readonly Role[] = ['hr-approver'];
const ORG_READERS: readonly Role[] = ['hr-staff', 'hr-approver', 'auditor', 'operator'];

const actorOf = (ctx: RouteContext<unknown, unknown, unknown>): Actor => ({
  subject: ctx.principal?.subject ?? 'anonymous',
  role: 'hr-approver',
  correlationId: ctx.requestId,
  ...(ctx.idempotencyKey ? { idSeed: ctx.idempotencyKey } : {}),
});

export const unitView = (unitId: string, unit: Unit, asOf?: string) => ({
  unitId,
  status: unit.status,
  name: asOf ? (unitNameOn(unit, asOf) ?? null) : (unit.name ?? null),
  code: unit.code ?? null,
  parentUnitId: unit.parentUnitId ?? null,
  establishedOn: unit.establishedOn ?? null,
  dissolvedOn: unit.dissolvedOn ?? null,
  successorUnitId: unit.successorUnitId ?? null,
  names: unit.names,
  positions: Object.values(unit.positions),
});

export const unitRoutes = (deps: { store: EventStore; units: UnitCache; roster: Roster; today: () => string }): Route[] => {
  const context = async (command: UnitCommand) => {
    const named = command.type === 'EstablishUnit' ? command.parentUnitId : command.type === 'DissolveUnit' ? command.successorUnitId : undefined;
    const directory = await loadUnitDirectory(deps.store, named ? [named] : [], deps.units);
    return { unitExistsOn: (unitId: string, date: string) => directory.existsOn(unitId, date) };
  };
  const command = async (unitId: string, cmd: UnitCommand, ctx: RouteContext<unknown, unknown, unknown>, status = 200, positionId?: string) => {
    // The organisation is the city's: an official whose token is scoped to one unit does not change it.
    if (ctx.principal?.unit) throw new ForbiddenError('Changes to the organisation need a city-wide role.');
    const result = await handleUnitCommand({ store: deps.store, units: deps.units, context }, unitId, cmd, actorOf(ctx), ctx.expectedRevision);
    return {
      status,
      headers: { ETag: etagOf(result.revision), Location: `/v1/units/${unitId}` },
      body: { unitId, ...(positionId ? { positionId } : {}), revision: result.revision },
    };
  };
  return [
    defineRoute({
      method: 'post',
      path: '/v1/units',
      summary: 'Establish a unit of the city (OPD), by its legal basis, effective on its TMT',
      tags: ['organisation'],
      operationId: 'establishUnit',
      access: ORG_EDITORS,
      body: EstablishUnitBody,
      responses: { 201: { description: 'The unit is established', schema: Accepted } },
      handler: (ctx) => command(idFor(actorOf(ctx), 'unit'), { type: 'EstablishUnit', ...ctx.body }, ctx, 201),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/units/:unitId/renaming',
      summary: 'Rename a unit from a TMT on',
      tags: ['organisation'],
      operationId: 'renameUnit',
      access: ORG_EDITORS,
      params: UnitParams,
      body: RenameUnitBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'The new name is recorded', schema: Accepted } },
      handler: (ctx) => command(ctx.params.unitId, { type: 'RenameUnit', ...ctx.body }, ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/units/:unitId/dissolution',
      summary: 'Dissolve a unit from a TMT on, naming its successor when there is one',
      tags: ['organisation'],
      operationId: 'dissolveUnit',
      access: ORG_EDITORS,
      params: UnitParams,
      body: DissolveUnitBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'The dissolution is recorded', schema: Accepted } },
      handler: (ctx) => command(ctx.params.unitId, { type: 'DissolveUnit', ...ctx.body }, ctx),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/units/:unitId/positions',
      summary: "Add a position to the unit's position map (peta jabatan), with its quota",
      tags: ['organisation'],
      operationId: 'createPosition',
      access: ORG_EDITORS,
      params: UnitParams,
      body: CreatePositionBody,
      ifMatch: 'optional',
      responses: { 201: { description: 'The position is created', schema: Accepted } },
      handler: (ctx) => {
        const positionId = idFor(actorOf(ctx), 'position');
        return command(ctx.params.unitId, { type: 'CreatePosition', positionId, ...ctx.body }, ctx, 201, positionId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/units/:unitId/positions/:positionId/abolition',
      summary: "Abolish a position of the unit's position map from a TMT on",
      tags: ['organisation'],
      operationId: 'abolishPosition',
      access: ORG_EDITORS,
      params: z.strictObject({ unitId: Id, positionId: Id }),
      body: AbolishPositionBody,
      ifMatch: 'optional',
      responses: { 200: { description: 'The position is abolished', schema: Accepted } },
      handler: (ctx) => command(ctx.params.unitId, { type: 'AbolishPosition', positionId: ctx.params.positionId, ...ctx.body }, ctx),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/units',
      summary: 'The units of the city, as they were on a date (today by default)',
      tags: ['organisation'],
      operationId: 'listUnits',
      access: ORG_READERS,
      query: z.strictObject({ asOf: CalendarDate.optional() }),
      responses: { 200: { description: 'Units existing on the date' } },
      handler: async (ctx) => {
        await deps.roster.catchUp();
        const asOf = ctx.query.asOf ?? deps.today();
        const items = [...deps.roster.units]
          .filter(([unitId]) => deps.roster.directory.existsOn(unitId, asOf))
          .map(([unitId, unit]) => unitView(unitId, unit, asOf))
          .sort((a, b) => ((a.code ?? '') < (b.code ?? '') ? -1 : 1));
        return { status: 200, body: { asOf, items } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/units/:unitId',
      summary: 'A unit with its names over time and its position map',
      tags: ['organisation'],
      operationId: 'getUnit',
      access: ORG_READERS,
      params: UnitParams,
      responses: { 200: { description: 'The unit' } },
      handler: async (ctx) => {
        const { state, revision } = await loadUnit(deps.store, ctx.params.unitId, deps.units);
        if (revision < 0) throw new NotFoundError('No such unit.');
        return { status: 200, headers: { ETag: etagOf(revision) }, body: { ...unitView(ctx.params.unitId, state), revision } };
      },
    }),
  ];
};
