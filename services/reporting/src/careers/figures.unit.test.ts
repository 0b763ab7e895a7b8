import { describe, expect, it } from '@jest/globals';
import { protect, SMALL_CELL_THRESHOLD, suppressed } from './figures';

describe('a published count', () => {
  it.each([
    [0, 0],
    [1, '<5'],
    [4, '<5'],
    [5, 5],
    [1234, 1234],
  ] as const)('given %d, is published as %j', (n, published) => {
    expect(suppressed(n)).toBe(published);
  });

  it('is suppressed below the threshold of 5 that the published text names', () => {
    expect(SMALL_CELL_THRESHOLD).toBe(5);
  });
});

describe('a breakdown', () => {
  it('with one hidden cell withholds its smallest other non-zero cell too, so that the total cannot give it away', () => {
    expect(protect([['PNS', 40], ['PPPK', 2], ['CPNS', 7]])).toEqual([['PNS', 40], ['PPPK', '<5'], ['CPNS', 'withheld']]);
  });

  it('with two or more hidden cells, or none, withholds nothing more', () => {
    expect(protect([['a', 40], ['b', 2], ['c', 3]])).toEqual([['a', 40], ['b', '<5'], ['c', '<5']]);
    expect(protect([['a', 40], ['b', 0], ['c', 7]])).toEqual([['a', 40], ['b', 0], ['c', 7]]);
  });

  it('with its only non-zero cell hidden leaves the zeros as they are (the total is hidden as "<5" itself)', () => {
    expect(protect([['a', 0], ['b', 3]])).toEqual([['a', 0], ['b', '<5']]);
    expect(suppressed(3)).toBe('<5');
  });
});
