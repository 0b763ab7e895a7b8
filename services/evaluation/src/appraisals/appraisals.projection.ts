import { evaluationEventRegistry, parseStreamId, periodName, type EvaluationEventData, type Predicate } from '@asn/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@asn/event-store';
import type { Logger } from '@asn/service-kit';
import { evolve, initialAppraisal, isOpen, type Appraisal, type AppraisalEvent } from './appraisal.domain';

export interface IndexedAppraisal {
  appraisalId: string;
  state: Appraisal;
  revision: number;
}

/**
 * The service's own read model of appraisals and unit ratings: every `evaluation-*` stream folded with the
 * decider's `evolve`, in memory, rebuilt from the store at every start (disposable; the events are the
 * record). Queries wait for it to reach the store's head (read-your-writes).
 */
export interface AppraisalIndex {
  get(appraisalId: string): IndexedAppraisal | undefined;
  all(): IterableIterator<IndexedAppraisal>;
  /** Open (non-final, non-closed) appraisals of an employee. */
  openOf(employeeId: string): IndexedAppraisal[];
  /** Tickets of complaints noted on any appraisal of the employee. */
  notedComplaints(employeeId: string): ReadonlySet<string>;
  /** Predicates of the unit's final appraisals of a period, by appraisal id. */
  finalPredicates(unitId: string, period: string): Map<string, Predicate>;
  /** The unit's own rating for a year, when set. */
  unitRating(unitId: string, year: number): { rating: Predicate; revision: number } | undefined;
  catchUp(timeoutMs?: number): Promise<void>;
  readonly ready: Promise<void>;
  skipped(): number;
  stop(): Promise<void>;
}

export class IndexLagError extends Error {
  override readonly name = 'IndexLagError';
}

export const startAppraisalIndex = (deps: { store: EventStore; logger: Logger }): AppraisalIndex => {
  const appraisals = new Map<string, IndexedAppraisal>();
  const byEmployee = new Map<string, Set<string>>();
  const ratings = new Map<string, { rating: Predicate; revision: number }>();
  const noted = new Map<string, Set<string>>();
  let position = 0;
  let skipped = 0;
  const waiters = new Set<{ target: number; resolve: () => void }>();

  const apply = (recorded: RecordedEvent): void => {
    if (!recorded.stream.startsWith('evaluation-')) return;
    const { id } = parseStreamId(recorded.stream);
    const event = evaluationEventRegistry.parseEvent(recorded) as unknown as EvaluationEventData;
    if (event.type === 'UnitRated') {
      ratings.set(`${event.data.unitId}/${event.data.year}`, { rating: event.data.rating, revision: recorded.revision });
      return;
    }
    const current = appraisals.get(id);
    const state = evolve(current?.state ?? initialAppraisal(), event satisfies AppraisalEvent);
    appraisals.set(id, { appraisalId: id, state, revision: recorded.revision });
    if (event.type === 'ComplaintNoted' && state.employeeId !== undefined) {
      noted.set(state.employeeId, (noted.get(state.employeeId) ?? new Set<string>()).add(event.data.ticketId));
    }
    if (state.employeeId !== undefined) {
      const set = byEmployee.get(state.employeeId) ?? new Set<string>();
      set.add(id);
      byEmployee.set(state.employeeId, set);
    }
  };

  const subscription: Subscription = deps.store.subscribe({
    // The whole log, other contexts' events skipped, so that the position reaches the store's head.
    batchSize: 2_000,
    handle: (recorded) => {
      try {
        apply(recorded);
      } catch (error) {
        // One bad event never stops the read model: the events stay, verify and the logs say where.
        skipped += 1;
        deps.logger.error({ position: recorded.position, type: recorded.type, err: error instanceof Error ? error.name : 'unknown' }, 'appraisal index skipped an event');
      }
      position = recorded.position;
      for (const waiter of waiters) {
        if (waiter.target <= position) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    },
  });
  subscription.done.catch((error: unknown) => {
    deps.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'appraisal index subscription failed');
  });

  const catchUp = async (timeoutMs = 5_000): Promise<void> => {
    const target = await deps.store.headPosition();
    if (target <= position) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new IndexLagError(`the appraisal index is behind the store (at ${position}, head ${target})`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    get: (appraisalId) => appraisals.get(appraisalId),
    all: () => appraisals.values(),
    openOf: (employeeId) =>
      [...(byEmployee.get(employeeId) ?? [])].flatMap((id) => {
        const a = appraisals.get(id);
        return a && isOpen(a.state) ? [a] : [];
      }),
    notedComplaints: (employeeId) => noted.get(employeeId) ?? new Set<string>(),
    finalPredicates: (unitId, period) => {
      const found = new Map<string, Predicate>();
      for (const a of appraisals.values()) {
        const { state } = a;
        if (state.status === 'final' && state.unitId === unitId && state.period && periodName(state.period) === period && state.predicate) {
          found.set(a.appraisalId, state.predicate);
        }
      }
      return found;
    },
    unitRating: (unitId, year) => ratings.get(`${unitId}/${year}`),
    catchUp,
    ready: subscription.caughtUp,
    skipped: () => skipped,
    stop: () => subscription.stop(),
  };
};
