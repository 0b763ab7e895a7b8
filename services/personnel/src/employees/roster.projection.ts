import { parseStreamId, unitEventRegistry, type UnitEventData } from '@asn/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@asn/event-store';
import type { Logger } from '@asn/service-kit';
import { directoryOf, evolveUnit, initialUnit, type Unit } from '../units/unit.domain';
import type { EmployeeCodec } from './employee.codec';
import { evolve, initialState, type Employee, type UnitDirectory } from './employee.domain';
import type { EmployeeCache, LoggedEvent } from './employee.handlers';

/**
 * The personnel service's read model: every employee and unit folded with the deciders' own `evolve`,
 * in memory, rebuilt from position 0 at every start (it is disposable: the events are the record). It
 * follows the whole global log, so its position reaches the store's head and a query can wait for it.
 */
export interface Roster {
  readonly employees: ReadonlyMap<string, Employee>;
  readonly units: ReadonlyMap<string, Unit>;
  readonly directory: UnitDirectory;
  /**
   * The read model as the commands' starting point: a command loads the employee from here and reads only
   * the events the read model has not seen yet from the store, instead of replaying the stream.
   */
  readonly cache: EmployeeCache;
  /** Resolves once everything committed before the call is in the read model (read-your-writes). */
  catchUp(timeoutMs?: number): Promise<void>;
  /** Resolves once the first catch-up is complete. */
  readonly ready: Promise<void>;
  position(): number;
  /** Events that could not be read (a schema or key problem), skipped and logged. */
  skipped(): number;
  stop(): Promise<void>;
}

export class RosterLagError extends Error {
  override readonly name = 'RosterLagError';
}

export const startRoster = (deps: { store: EventStore; codec: EmployeeCodec; logger: Logger }): Roster => {
  const employees = new Map<string, Employee>();
  const logs = new Map<string, LoggedEvent[]>();
  const units = new Map<string, Unit>();
  let position = 0;
  let skipped = 0;
  const waiters = new Set<{ target: number; resolve: () => void }>();

  const apply = (event: RecordedEvent): void => {
    const dash = event.stream.indexOf('-');
    const category = event.stream.slice(0, dash);
    if (category !== 'employee' && category !== 'unit') return;
    const { id } = parseStreamId(event.stream);
    if (category === 'employee') {
      employees.set(id, evolve(employees.get(id) ?? initialState(), deps.codec.open(id, event)));
      const log = logs.get(id) ?? [];
      log.push({ id: event.id, type: event.type, revision: event.revision, position: event.position });
      logs.set(id, log);
    } else {
      const parsed = unitEventRegistry.parseEvent(event) as unknown as UnitEventData;
      units.set(id, evolveUnit(units.get(id) ?? initialUnit(), parsed));
    }
  };

  const subscription: Subscription = deps.store.subscribe({
    batchSize: 2_000,
    handle: (event) => {
      try {
        apply(event);
      } catch (error) {
        // Never stop the read model on one bad event: the events stay, verify and the logs say where.
        skipped += 1;
        deps.logger.error({ position: event.position, type: event.type, err: error instanceof Error ? error.name : 'unknown' }, 'roster skipped an event');
      }
      position = event.position;
      for (const waiter of waiters) {
        if (waiter.target <= position) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    },
  });
  subscription.done.catch((error: unknown) => {
    deps.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'roster subscription failed');
  });

  const catchUp = async (timeoutMs = 5_000): Promise<void> => {
    const target = await deps.store.headPosition();
    if (target <= position) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { target, resolve: () => {
        clearTimeout(timer);
        resolve();
      } };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new RosterLagError(`the read model is behind the store (at ${position}, head ${target})`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    employees,
    units,
    directory: directoryOf(units),
    cache: {
      get: (employeeId) => {
        const state = employees.get(employeeId);
        const log = logs.get(employeeId);
        // A skipped event leaves the state short of the stream: then the command replays the stream itself.
        const last = log?.at(-1);
        if (!state || !log || !last || last.revision !== log.length - 1 || state.events !== log.length) return undefined;
        return { employeeId, state, revision: last.revision, log };
      },
      // The read model follows the store by itself; what a command loaded changes nothing here.
      set: () => undefined,
    },
    catchUp,
    ready: subscription.caughtUp,
    position: () => position,
    skipped: () => skipped,
    stop: () => subscription.stop(),
  };
};
