import { describe, expect, it } from '@jest/globals';
import { AppraisalPeriod, periodBounds, periodName } from './vocabulary';

describe('appraisal periods', () => {
  it('spans a calendar year or one of its quarters, leap days included', () => {
    expect(periodBounds({ kind: 'annual', year: 2026 })).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(periodBounds({ kind: 'quarterly', year: 2028, quarter: 1 })).toEqual({ from: '2028-01-01', to: '2028-03-31' });
    expect(periodBounds({ kind: 'quarterly', year: 2026, quarter: 2 })).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(periodBounds({ kind: 'quarterly', year: 2026, quarter: 4 })).toEqual({ from: '2026-10-01', to: '2026-12-31' });
  });

  it('is named 2026 or 2026-Q3', () => {
    expect(periodName({ kind: 'annual', year: 2026 })).toBe('2026');
    expect(periodName({ kind: 'quarterly', year: 2026, quarter: 3 })).toBe('2026-Q3');
  });

  it('refuses a fifth quarter, a quarter on an annual period and unknown keys', () => {
    expect(AppraisalPeriod.safeParse({ kind: 'quarterly', year: 2026, quarter: 5 }).success).toBe(false);
    expect(AppraisalPeriod.safeParse({ kind: 'annual', year: 2026, quarter: 1 }).success).toBe(false);
    expect(AppraisalPeriod.safeParse({ kind: 'annual', year: 1999 }).success).toBe(false);
  });
});
