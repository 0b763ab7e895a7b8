import { type Position, type UnitEventData } from '@asn/contracts';
import type { UnitDirectory } from '../employees/employee.domain';

/** A unit event (OPD or its position map), as stored: units hold no personal data. */
export type UnitEvent = UnitEventData;

interface OrgChange {
  tmt: string;
  legalBasis: string;
}

export type UnitCommand =
  | ({ type: 'EstablishUnit'; name: string; code: string; parentUnitId?: string } & OrgChange)
  | ({ type: 'RenameUnit'; name: string } & OrgChange)
  | ({ type: 'DissolveUnit'; successorUnitId?: string } & OrgChange)
  | ({ type: 'CreatePosition'; positionId: string; position: Position; quota: number } & OrgChange)
  | ({ type: 'AbolishPosition'; positionId: string } & OrgChange);

export interface UnitPosition {
  positionId: string;
  position: Position;
  quota: number;
  createdOn: string;
  abolishedOn?: string;
}

export interface Unit {
  status: 'unknown' | 'active' | 'dissolved';
  name?: string;
  code?: string;
  parentUnitId?: string;
  establishedOn?: string;
  dissolvedOn?: string;
  successorUnitId?: string;
  /** Every name the unit had, with the TMT it took effect. */
  names: readonly { name: string; from: string }[];
  positions: Readonly<Record<string, UnitPosition>>;
  events: number;
}

export const initialUnit = (): Unit => ({ status: 'unknown', names: [], positions: {}, events: 0 });

export class UnitDecisionError extends Error {
  override readonly name = 'UnitDecisionError';
  constructor(
    readonly kind: 'invalid' | 'refused' | 'not-found',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the unit decider may consult: whether another unit (a parent, a successor) existed on a date. */
export interface UnitDecideContext {
  unitExistsOn(unitId: string, date: string): boolean;
}

const refuse = (code: string, message: string): never => {
  throw new UnitDecisionError('refused', code, message);
};

const requireActive = (state: Unit, tmt: string): void => {
  if (state.status === 'unknown') throw new UnitDecisionError('not-found', 'unit-not-found', 'No such unit.');
  if (state.status === 'dissolved') refuse('unit-dissolved', 'The unit was dissolved.');
  if (state.establishedOn !== undefined && tmt < state.establishedOn) refuse('before-establishment', 'The TMT is before the unit was established.');
};

export const decideUnit = (command: UnitCommand, state: Unit, context: UnitDecideContext): UnitEvent[] => {
  const { tmt, legalBasis } = command;
  switch (command.type) {
    case 'EstablishUnit': {
      if (state.status !== 'unknown') refuse('unit-exists', 'The unit was already established.');
      if (command.parentUnitId !== undefined && !context.unitExistsOn(command.parentUnitId, tmt)) {
        refuse('parent-not-found', 'The parent unit did not exist on the TMT.');
      }
      return [
        {
          type: 'UnitEstablished',
          data: { name: command.name, code: command.code, tmt, legalBasis, ...(command.parentUnitId ? { parentUnitId: command.parentUnitId } : {}) },
        },
      ];
    }
    case 'RenameUnit':
      requireActive(state, tmt);
      if (command.name === unitNameOn(state, tmt)) return [];
      return [{ type: 'UnitRenamed', data: { name: command.name, tmt, legalBasis } }];
    case 'DissolveUnit':
      requireActive(state, tmt);
      if (command.successorUnitId !== undefined && !context.unitExistsOn(command.successorUnitId, tmt)) {
        refuse('successor-not-found', 'The successor unit does not exist on the TMT.');
      }
      return [{ type: 'UnitDissolved', data: { tmt, legalBasis, ...(command.successorUnitId ? { successorUnitId: command.successorUnitId } : {}) } }];
    case 'CreatePosition': {
      requireActive(state, tmt);
      if (state.positions[command.positionId]) refuse('position-exists', 'A position with this id exists.');
      return [{ type: 'PositionCreated', data: { positionId: command.positionId, position: command.position, quota: command.quota, tmt, legalBasis } }];
    }
    case 'AbolishPosition': {
      requireActive(state, tmt);
      const position = state.positions[command.positionId];
      if (!position) throw new UnitDecisionError('not-found', 'position-not-found', 'No such position in this unit.');
      if (position.abolishedOn !== undefined) refuse('position-abolished', 'The position was already abolished.');
      if (tmt < position.createdOn) refuse('before-creation', 'The TMT is before the position was created.');
      return [{ type: 'PositionAbolished', data: { positionId: command.positionId, tmt, legalBasis } }];
    }
    default:
      return command satisfies never;
  }
};

export const evolveUnit = (state: Unit, event: UnitEvent): Unit => {
  const events = state.events + 1;
  switch (event.type) {
    case 'UnitEstablished': {
      const { name, code, parentUnitId, tmt } = event.data;
      return { ...state, events, status: 'active', name, code, establishedOn: tmt, names: [{ name, from: tmt }], ...(parentUnitId ? { parentUnitId } : {}) };
    }
    case 'UnitRenamed': {
      // Ordered by TMT (a back-dated renaming recorded later goes in its place); the current name is the last.
      const names = [...state.names, { name: event.data.name, from: event.data.tmt }].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
      return { ...state, events, names, name: names.at(-1)?.name ?? event.data.name };
    }
    case 'UnitDissolved':
      return {
        ...state,
        events,
        status: 'dissolved',
        dissolvedOn: event.data.tmt,
        ...(event.data.successorUnitId ? { successorUnitId: event.data.successorUnitId } : {}),
      };
    case 'PositionCreated': {
      const { positionId, position, quota, tmt } = event.data;
      return { ...state, events, positions: { ...state.positions, [positionId]: { positionId, position, quota, createdOn: tmt } } };
    }
    case 'PositionAbolished': {
      const existing = state.positions[event.data.positionId];
      if (!existing) return { ...state, events };
      return { ...state, events, positions: { ...state.positions, [existing.positionId]: { ...existing, abolishedOn: event.data.tmt } } };
    }
    default:
      return event satisfies never;
  }
};

/** Whether the unit existed on the date: established by then, not yet dissolved. */
export const unitExistsOn = (unit: Unit, date: string): boolean =>
  unit.establishedOn !== undefined && unit.establishedOn <= date && (unit.dissolvedOn === undefined || date < unit.dissolvedOn);

/** Whether the unit's position map held the position on the date. */
export const positionExistsOn = (unit: Unit, positionId: string, date: string): boolean => {
  const position = unit.positions[positionId];
  return position !== undefined && position.createdOn <= date && (position.abolishedOn === undefined || date < position.abolishedOn);
};

/** The org chart over folded units, as the employee decider asks it. */
export const directoryOf = (units: ReadonlyMap<string, Unit>): UnitDirectory => ({
  existsOn: (unitId, date) => {
    const unit = units.get(unitId);
    return unit !== undefined && unitExistsOn(unit, date);
  },
  hasPositionOn: (unitId, positionId, date) => {
    const unit = units.get(unitId);
    return unit !== undefined && positionExistsOn(unit, positionId, date);
  },
});

/** The unit's name in force on a date: the one with the latest TMT on or before it (names are kept in TMT order). */
export const unitNameOn = (unit: Unit, date: string): string | undefined =>
  [...unit.names].reverse().find((n) => n.from <= date)?.name ?? unit.names[0]?.name;
