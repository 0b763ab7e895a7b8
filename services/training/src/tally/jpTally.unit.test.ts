import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RULES, InvalidRulesError, loadRules } from '../rules/rules';
import { competencyRecord, jpTally, tallyWindow, type Completion } from './jpTally';

const done = (completedOn: string, jp: number, competencyArea: Completion['competencyArea'] = 'technical'): Completion => ({ completedOn, jp, competencyArea });

describe('the JP tally', () => {
  it('counts a PNS by calendar year against 20 JP (PP 11/2017 art. 203)', () => {
    const tally = jpTally(DEFAULT_RULES, { employeeType: 'PNS', appointedOn: '2015-05-01' }, 2026, [
      done('2025-12-31', 40),
      done('2026-01-01', 8),
      done('2026-06-30', 4),
      done('2027-01-01', 30),
    ]);
    expect(tally).toMatchObject({ from: '2026-01-01', until: '2027-01-01', jpDone: 12, entitlement: 20, shortfall: 8, per: 'calendar-year' });
    expect(tally.regulation).toContain('PP 11/2017');
  });

  it('counts a CPNS like a PNS and never reports a negative shortfall', () => {
    expect(jpTally(DEFAULT_RULES, { employeeType: 'CPNS' }, 2026, [done('2026-02-01', 32)])).toMatchObject({ jpDone: 32, entitlement: 20, shortfall: 0 });
  });

  it('counts a PPPK by contract year from the appointment anniversary against 24 JP (PP 49/2018)', () => {
    const tally = jpTally(DEFAULT_RULES, { employeeType: 'PPPK', appointedOn: '2024-03-01' }, 2026, [
      done('2026-02-28', 10),
      done('2026-03-01', 6),
      done('2027-02-28', 6),
      done('2027-03-01', 6),
    ]);
    expect(tally).toMatchObject({ from: '2026-03-01', until: '2027-03-01', jpDone: 12, entitlement: 24, shortfall: 12, per: 'contract-year' });
    expect(tally.regulation).toContain('PP 49/2018');
  });

  it('moves a 29 February anniversary to 1 March', () => {
    expect(tallyWindow('contract-year', 2026, '2024-02-29')).toEqual({ from: '2026-03-01', until: '2027-03-01' });
  });
});

describe('the competency record', () => {
  it('sums JP and completions per area', () => {
    expect(competencyRecord([done('2026-01-05', 8), done('2026-03-01', 16, 'managerial'), done('2026-04-01', 4)])).toEqual([
      { competencyArea: 'managerial', jp: 16, completions: 1, lastCompletedOn: '2026-03-01' },
      { competencyArea: 'technical', jp: 12, completions: 2, lastCompletedOn: '2026-04-01' },
    ]);
  });
});

describe('the rules file', () => {
  it('ships a versioned entitlement for every employee type', () => {
    expect(DEFAULT_RULES.version).toMatch(/\S/);
    expect(Object.keys(DEFAULT_RULES.entitlements).sort()).toEqual(['CPNS', 'PNS', 'PPPK']);
  });

  it('refuses a rule set with a missing type, an unknown key or zero JP, naming the path', () => {
    const { PPPK: _omitted, ...withoutPppk } = DEFAULT_RULES.entitlements;
    expect(() => loadRules({ ...DEFAULT_RULES, entitlements: withoutPppk })).toThrow(InvalidRulesError);
    expect(() => loadRules({ ...DEFAULT_RULES, extra: 1 })).toThrow(InvalidRulesError);
    expect(() => loadRules({ ...DEFAULT_RULES, entitlements: { ...DEFAULT_RULES.entitlements, PNS: { ...DEFAULT_RULES.entitlements.PNS, jp: 0 } } })).toThrow(
      /entitlements\.PNS\.jp/,
    );
  });
});
