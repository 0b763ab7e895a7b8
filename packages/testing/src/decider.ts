import { expect } from '@jest/globals';

/** A decider as the services write it. `Context` carries the clock and id generator when decide needs them. */
export interface DeciderUnderTest<Command, Event, State, Context = void> {
  decide: (command: Command, state: State, context: Context) => Event | readonly Event[];
  evolve: (state: State, event: Event) => State;
  /** The state before the first event; a function so each scenario starts fresh. */
  initialState: () => State;
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The last step of a scenario: what deciding the command must produce. */
export interface DeciderThen<Event> {
  /** Asserts that deciding produced exactly these events, in order. */
  then(expected: readonly Event[] | Event): void;
  /** Asserts that deciding produced no event. */
  thenNothingHappened(): void;
  /** Asserts that deciding threw an instance of `errorClass` (and, when given, one that `matches`). */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, matches?: (error: E) => boolean): void;
}

export interface DeciderWhen<Command, Event, Context> {
  /** The command to decide; `context` replaces the spec's for this scenario (another `now`, say). */
  when(command: Command, ...context: Context extends void ? [] : [context?: Context]): DeciderThen<Event>;
}

export interface DeciderSpec<Command, Event, Context> {
  /** The events already in the stream, folded with `evolve` into the state the command meets. */
  given(events: readonly Event[]): DeciderWhen<Command, Event, Context>;
}

const asArray = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? (value as readonly T[]) : [value as T]);

/**
 * Given/when/then for a pure decider:
 * `spec.given([appointed]).when(transfer).then([transferred])` or `.thenThrows(InvalidStateError)`.
 *
 * When `decide` takes a third argument (clock, ids), pass a default `context` here; a scenario may
 * replace it in `when`.
 */
export function deciderSpec<Command, Event, State>(
  decider: DeciderUnderTest<Command, Event, State>,
): DeciderSpec<Command, Event, void>;
export function deciderSpec<Command, Event, State, Context>(
  decider: DeciderUnderTest<Command, Event, State, Context> & { context: Context },
): DeciderSpec<Command, Event, Context>;
export function deciderSpec<Command, Event, State, Context>(
  decider: DeciderUnderTest<Command, Event, State, Context> & { context?: Context },
): DeciderSpec<Command, Event, Context> {
  return {
    given: (events) => ({
      when: (command, ...override) => {
        const context = (override.length > 0 ? override[0] : decider.context) as Context;
        const run = (): readonly Event[] => {
          const state = events.reduce(decider.evolve, decider.initialState());
          return asArray(decider.decide(command, state, context));
        };
        return {
          then: (expected) => {
            expect(run()).toEqual(asArray(expected));
          },
          thenNothingHappened: () => {
            expect(run()).toEqual([]);
          },
          thenThrows: (errorClass, matches) => {
            let produced: readonly Event[];
            try {
              produced = run();
            } catch (error) {
              expect(error).toBeInstanceOf(errorClass);
              if (matches && !matches(error as never)) {
                throw new Error(`${(error as Error).name} was thrown but did not match: ${(error as Error).message}`);
              }
              return;
            }
            throw new Error(`expected ${errorClass.name} to be thrown, but decide produced ${JSON.stringify(produced)}`);
          },
        };
      },
    }),
  };
}
