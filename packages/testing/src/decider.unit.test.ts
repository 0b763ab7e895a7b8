import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from './decider';

// A tiny sample decider: a counter with a ceiling, and a clock in its context.
type Command = { type: 'Increment'; by: number } | { type: 'Reset' };
type Event = { type: 'Incremented'; by: number; at: string } | { type: 'ResetDone'; at: string };
type State = { status: 'counting'; value: number };
class CeilingError extends Error {
  override readonly name = 'CeilingError';
  constructor(readonly value: number) {
    super(`ceiling reached at ${value}`);
  }
}
interface Clock {
  now: () => Date;
}

const decide = (command: Command, state: State, { now }: Clock): Event[] => {
  const at = now().toISOString();
  switch (command.type) {
    case 'Increment':
      if (state.value + command.by > 10) throw new CeilingError(state.value);
      return command.by === 0 ? [] : [{ type: 'Incremented', by: command.by, at }];
    case 'Reset':
      return [{ type: 'ResetDone', at }];
  }
};
const evolve = (state: State, event: Event): State =>
  event.type === 'Incremented' ? { ...state, value: state.value + event.by } : { ...state, value: 0 };
const initialState = (): State => ({ status: 'counting', value: 0 });

const at = '2025-01-01T00:00:00.000Z';
const spec = deciderSpec({ decide, evolve, initialState, context: { now: () => new Date(at) } });
const incremented = (by: number): Event => ({ type: 'Incremented', by, at });

describe('deciderSpec', () => {
  it('passes when decide produces the expected events', () => {
    spec.given([incremented(2)]).when({ type: 'Increment', by: 3 }).then([incremented(3)]);
  });

  it('accepts a single expected event', () => {
    spec.given([]).when({ type: 'Reset' }).then({ type: 'ResetDone', at });
  });

  it('fails when decide produces other events', () => {
    expect(() => spec.given([]).when({ type: 'Increment', by: 3 }).then([incremented(4)])).toThrow();
  });

  it('folds the given events, so the state they lead to decides', () => {
    spec.given([incremented(9)]).when({ type: 'Increment', by: 2 }).thenThrows(CeilingError);
    expect(() => spec.given([incremented(9), { type: 'ResetDone', at }]).when({ type: 'Increment', by: 2 }).thenThrows(CeilingError)).toThrow(
      /expected CeilingError/,
    );
  });

  it('checks the thrown error against a predicate', () => {
    spec.given([incremented(9)]).when({ type: 'Increment', by: 5 }).thenThrows(CeilingError, (e) => e.value === 9);
    expect(() =>
      spec.given([incremented(9)]).when({ type: 'Increment', by: 5 }).thenThrows(CeilingError, (e) => e.value === 1),
    ).toThrow(/did not match/);
  });

  it('fails when another error class is thrown', () => {
    expect(() => spec.given([incremented(9)]).when({ type: 'Increment', by: 5 }).thenThrows(TypeError)).toThrow();
  });

  it('asserts that nothing happened', () => {
    spec.given([]).when({ type: 'Increment', by: 0 }).thenNothingHappened();
    expect(() => spec.given([]).when({ type: 'Reset' }).thenNothingHappened()).toThrow();
  });

  it('lets a scenario replace the context', () => {
    const later = '2030-06-01T00:00:00.000Z';
    spec.given([]).when({ type: 'Reset' }, { now: () => new Date(later) }).then([{ type: 'ResetDone', at: later }]);
  });

  it('works for a decider without context', () => {
    const plain = deciderSpec({
      decide: (by: number, state: number) => (state + by > 3 ? [] : [by]),
      evolve: (state: number, by: number) => state + by,
      initialState: () => 0,
    });
    plain.given([1, 1]).when(1).then([1]);
    plain.given([1, 2]).when(1).thenNothingHappened();
  });
});
