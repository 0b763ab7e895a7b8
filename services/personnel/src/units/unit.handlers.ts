import { streamId, unitEventRegistry } from '@asn/contracts';
import { WrongExpectedRevisionError, type EventStore } from '@asn/event-store';
import { idFor, type Actor } from '../employees/employee.handlers';
import type { UnitDirectory } from '../employees/employee.domain';
import { decideUnit, directoryOf, evolveUnit, initialUnit, UnitDecisionError, type Unit, type UnitCommand, type UnitDecideContext } from './unit.domain';

export const unitStreamId = (unitId: string): string => streamId('unit', unitId);

interface LoadedUnit {
  state: Unit;
  revision: number;
  ids: string[];
}

/**
 * Units change rarely and are read by every appointment and transfer: the app keeps the last state of each
 * and a load reads only newer events (the store stays the authority). A city has tens of units: no eviction.
 */
export type UnitCache = Map<string, LoadedUnit>;

export const loadUnit = async (store: EventStore, unitId: string, units: UnitCache = new Map()): Promise<LoadedUnit> => {
  const cached = units.get(unitId);
  let state = cached?.state ?? initialUnit();
  let revision = cached?.revision ?? -1;
  const ids = cached ? [...cached.ids] : [];
  for await (const event of store.readStream(unitStreamId(unitId), revision >= 0 ? { fromRevision: revision + 1 } : {})) {
    state = evolveUnit(state, unitEventRegistry.parseEvent(event));
    revision = event.revision;
    ids.push(event.id);
  }
  const loaded = { state, revision, ids };
  if (revision >= 0 && (units.get(unitId)?.revision ?? -1) < revision) units.set(unitId, loaded);
  return loaded;
};

/** Load → decide → append for a unit; without `If-Match` a concurrent change is retried on fresh state. */
export const handleUnitCommand = async (
  deps: { store: EventStore; units: UnitCache; context: (command: UnitCommand) => Promise<UnitDecideContext> },
  unitId: string,
  command: UnitCommand,
  actor: Actor,
  expectedRevision?: number | 'exists',
): Promise<{ revision: number; position: number; events: number }> => {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, ids } = await loadUnit(deps.store, unitId, deps.units);
    // The same request ran before (its response was lost with a crashed process): answer what it wrote.
    if (actor.idSeed && ids.includes(idFor(actor, 'event-0'))) return { revision, position: 0, events: 0 };
    if (command.type !== 'EstablishUnit' && revision < 0) throw new UnitDecisionError('not-found', 'unit-not-found', 'No such unit.');
    const events = decideUnit(command, state, await deps.context(command));
    if (events.length === 0) return { revision, position: 0, events: 0 };
    try {
      const result = await deps.store.appendToStream(
        unitStreamId(unitId),
        events.map((event, i) => ({
          id: idFor(actor, `event-${i}`),
          type: event.type,
          schemaVersion: unitEventRegistry.latestVersion(event.type),
          data: event.data,
          metadata: { actor: { subject: actor.subject, role: actor.role }, correlationId: actor.correlationId },
        })),
        { expectedRevision: expectedRevision ?? (revision < 0 ? 'no_stream' : revision) },
      );
      return { revision: result.nextExpectedRevision, position: result.position, events: events.length };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expectedRevision === undefined && attempt < 3) continue;
      throw error;
    }
  }
};

/**
 * The org chart as far as one command needs it, read from the units' own streams: exact at the moment of
 * the command (no read model to wait for), and a handful of short streams at most.
 */
export const loadUnitDirectory = async (store: EventStore, unitIds: readonly string[], cache: UnitCache): Promise<UnitDirectory> => {
  const units = new Map<string, Unit>();
  for (const unitId of new Set(unitIds)) units.set(unitId, (await loadUnit(store, unitId, cache)).state);
  return directoryOf(units);
};
