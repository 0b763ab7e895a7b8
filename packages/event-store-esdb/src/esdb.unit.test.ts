import { describe, expect, it } from '@jest/globals';

/** What the client throws when the connection drops (its CommandError carries a `type`). */
const unavailable = (): Error => Object.assign(new Error('unavailable'), { type: 'unavailable' });
import { WrongExpectedRevisionError } from '@asn/event-store';
import {
  backoffMs,
  esdbExpectedRevision,
  isLedgerStream,
  isTransient,
  isWrongExpectedVersion,
  readStartFor,
  retryTransient,
  streamFilterFor,
  streamNames,
  toConcurrencyError,
  toPortPosition,
} from './mapping';

describe('positions', () => {
  it('are the commit position as a number', () => {
    expect(toPortPosition({ commit: 1234n, prepare: 1234n })).toBe(1234);
  });

  it('are refused when ESDB gave none or one past the safe integers, never invented', () => {
    expect(() => toPortPosition(undefined)).toThrow(/no usable commit position/);
    expect(() => toPortPosition({ commit: 2n ** 64n - 1n, prepare: 0n })).toThrow(/no usable commit position/);
  });

  it('start a read at the beginning for 0, else at the position itself', () => {
    expect(readStartFor(undefined)).toBe('start');
    expect(readStartFor(0)).toBe('start');
    expect(readStartFor(5120)).toEqual({ commit: 5120n, prepare: 5120n });
  });
});

describe('category filters', () => {
  it('filter on the server by stream-name prefix, category and dash', () => {
    expect(streamFilterFor(['employee', 'feedback'])).toEqual({ prefixes: ['employee-', 'feedback-'] });
  });

  it('without categories keep ledger streams only: no $-streams, no bookkeeping streams', () => {
    const filter = streamFilterFor(undefined);
    expect(filter).toEqual({ regex: '^[a-z][a-z0-9_]*-' });
    expect(isLedgerStream('employee-0192')).toBe(true);
    expect(isLedgerStream('$stats-127.0.0.1:2113')).toBe(false);
    expect(isLedgerStream('_asn_id-0192')).toBe(false);
    expect(isLedgerStream('_asn_checkpoint-relay:personnel')).toBe(false);
  });

  it('apply the same rule on the client, so that a category is not a prefix of another', () => {
    expect(isLedgerStream('employeeship-1', ['employee'])).toBe(false);
    expect(isLedgerStream('employee-1', ['employee'])).toBe(true);
    expect(isLedgerStream('feedback-1', ['employee'])).toBe(false);
  });
});

describe('a namespace', () => {
  const names = streamNames('tenant1');

  it('puts every stream of the ledger, bookkeeping included, under <namespace>. on the server, and back', () => {
    expect(names.toEsdb('employee-0192')).toBe('tenant1.employee-0192');
    expect(names.toEsdb('_asn_id-0192')).toBe('tenant1._asn_id-0192');
    expect(names.fromEsdb('tenant1.employee-0192')).toBe('employee-0192');
    expect(streamNames().toEsdb('employee-0192')).toBe('employee-0192');
  });

  it("filters to the namespace's ledger streams: not another namespace's, not the plain ones, not bookkeeping", () => {
    expect(names.filter(['employee'])).toEqual({ prefixes: ['tenant1.employee-'] });
    expect(names.filter(undefined)).toEqual({ regex: '^tenant1\\.[a-z][a-z0-9_]*-' });
    expect(names.isLedger('tenant1.employee-1')).toBe(true);
    expect(names.isLedger('tenant1.employee-1', ['feedback'])).toBe(false);
    expect(names.isLedger('tenant2.employee-1')).toBe(false);
    expect(names.isLedger('employee-1')).toBe(false);
    expect(names.isLedger('tenant1._asn_id-1')).toBe(false);
    expect(isLedgerStream('tenant1.employee-1')).toBe(false);
  });

  it('is lowercase letters and digits only, so that it cannot be read as a category', () => {
    for (const bad of ['', 'Tenant', 'a-b', 'a.b', '1abc', 'x'.repeat(41)]) expect(() => streamNames(bad)).toThrow(RangeError);
  });
});

describe('errors', () => {
  const wrongVersion = { type: 'wrong-expected-version', actualVersion: 4n };

  it("map ESDB's wrong expected version to the port's concurrency error with the actual revision", () => {
    expect(isWrongExpectedVersion(wrongVersion)).toBe(true);
    const error = toConcurrencyError('employee-1', 2, wrongVersion);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ stream: 'employee-1', expected: 2, actual: 4 });
  });

  it('report a missing stream as no_stream', () => {
    expect(toConcurrencyError('employee-1', 'exists', { type: 'wrong-expected-version', actualVersion: 'no_stream' })).toMatchObject({
      actual: 'no_stream',
    });
  });

  it('tell transient failures from the others', () => {
    expect(['unavailable', 'cancelled', 'deadline-exceeded', 'not-leader'].every((type) => isTransient({ type }))).toBe(true);
    expect(isTransient(wrongVersion)).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
  });

  it('give an append made at a head read by the engine an explicit expected revision', () => {
    expect(esdbExpectedRevision('no_stream')).toBe('no_stream');
    expect(esdbExpectedRevision(7)).toBe(7n);
  });
});

describe('resubscribing after a drop', () => {
  it('waits longer each time, capped, with jitter of at most half', () => {
    const lowest = (attempt: number) => backoffMs(attempt, { baseMs: 100, maxMs: 5_000, random: () => 0 });
    const highest = (attempt: number) => backoffMs(attempt, { baseMs: 100, maxMs: 5_000, random: () => 0.999999 });
    expect([0, 1, 2, 3].map(highest)).toEqual([100, 200, 400, 800]);
    expect([0, 1, 2, 3].map(lowest)).toEqual([50, 100, 200, 400]);
    expect(highest(10)).toBe(5_000);
    expect(highest(1_000)).toBe(5_000);
  });

  it('tries again after transient errors until it succeeds', async () => {
    let calls = 0;
    const delays: number[] = [];
    const result = await retryTransient(
      async () => {
        if (++calls < 4) throw unavailable();
        return 'read';
      },
      new AbortController().signal,
      { baseMs: 1, maxMs: 4, random: () => 0.999999, onRetry: (_, delay) => delays.push(delay) },
    );
    expect(result).toBe('read');
    expect(delays).toEqual([1, 2, 4]);
  });

  it('gives up at once on an error that is not transient, and when stopped', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new Error('handler failed');
      }, new AbortController().signal),
    ).rejects.toThrow('handler failed');
    expect(calls).toBe(1);
    const stopped = new AbortController();
    stopped.abort();
    await expect(retryTransient(async () => Promise.reject(unavailable()), stopped.signal)).rejects.toThrow('unavailable');
  });
});
