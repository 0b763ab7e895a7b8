import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GOLONGAN, type Position } from '@asn/contracts';
import {
  addMonths,
  compareGolongan,
  monthsBetween,
  nextGolongan,
  promotionEligibility,
  retirementAge,
  retirementDate,
  transferTenure,
  yearsBetween,
  type PromotionFacts,
} from './eligibility';
import { DEFAULT_RULES, loadRules, type PersonnelRules } from './rules';

const rules = DEFAULT_RULES;

/** The shipped rules with some promotion parameters changed, as an administrator would in a RULES_FILE. */
const withPromotion = (promotion: Partial<PersonnelRules['promotion']>): PersonnelRules =>
  loadRules({
    ...structuredClone(DEFAULT_RULES),
    promotion: { ...structuredClone(DEFAULT_RULES.promotion), ...promotion },
  });

/** An active PNS with an S1 in III/a since 2015-03-01: eligible for III/b from 2019-03-01. */
const aPns = (overrides: Partial<PromotionFacts> = {}): PromotionFacts => ({
  employeeType: 'PNS',
  status: 'active',
  golongan: 'III/a',
  rankSince: '2015-03-01',
  education: 'S1',
  appraisals: [],
  ...overrides,
});

const rulesOf = (facts: PromotionFacts, periodDate = '2019-03-01', set = rules): string[] =>
  promotionEligibility(facts, periodDate, set).reasons.map((reason) => reason.rule);

const pelaksana: Position = { kind: 'pelaksana', title: 'Pengadministrasi Umum' };
const functional = (level: Extract<Position, { kind: 'functional' }>['level']): Position => ({
  kind: 'functional',
  level,
  title: 'Analis',
});
const managerial = (level: Extract<Position, { kind: 'managerial' }>['level']): Position => ({
  kind: 'managerial',
  level,
  title: 'Kepala',
});

describe('dates', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-11-15', 3, '2025-02-15'],
    ['2025-02-15', -14, '2023-12-15'],
    ['2015-03-01', 0, '2015-03-01'],
  ])('addMonths(%s, %i) = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('refuses a date that is not a calendar date, or a fractional month, without echoing the value', () => {
    expect(() => addMonths('2024-02-30', 1)).toThrow(RangeError);
    expect(() => addMonths('2024-02-30', 1)).not.toThrow(/2024/);
    expect(() => addMonths('2024-02-01', 1.5)).toThrow(RangeError);
    expect(() => monthsBetween('1990-03-15', 'today')).toThrow(RangeError);
  });

  it.each([
    ['2015-03-01', '2019-03-01', 4],
    ['2015-03-02', '2019-03-01', 3],
    ['2000-02-29', '2001-02-28', 1],
    ['2000-02-29', '2001-02-27', 0],
    ['2019-03-01', '2015-03-01', -4],
    ['2019-03-02', '2019-03-01', -1],
    ['2019-03-01', '2019-03-01', 0],
  ])('yearsBetween(%s, %s) = %i', (from, to, expected) => {
    expect(yearsBetween(from, to)).toBe(expected);
  });

  it('monthsBetween undoes addMonths, and counts exactly the full years that addMonths reaches', () => {
    const date = fc
      .integer({ min: Date.UTC(1950, 0, 1) / 86_400_000, max: Date.UTC(2100, 11, 31) / 86_400_000 })
      .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, fc.integer({ min: -600, max: 600 }), (from, months) => {
        expect(monthsBetween(from, addMonths(from, months))).toBe(months);
      }),
    );
    fc.assert(
      fc.property(date, date, fc.integer({ min: 0, max: 10 }), (from, to, years) => {
        expect(yearsBetween(from, to) >= years).toBe(addMonths(from, years * 12) <= to);
      }),
    );
  });
});

describe('ranks', () => {
  it('steps up one rank at a time, across the groups, and stops at IV/e', () => {
    expect(nextGolongan('I/a')).toBe('I/b');
    expect(nextGolongan('I/d')).toBe('II/a');
    expect(nextGolongan('III/d')).toBe('IV/a');
    expect(nextGolongan('IV/d')).toBe('IV/e');
    expect(nextGolongan('IV/e')).toBeUndefined();
  });

  it('orders the ranks', () => {
    expect(compareGolongan('III/a', 'III/a')).toBe(0);
    expect(compareGolongan('II/d', 'III/a')).toBeLessThan(0);
    expect(compareGolongan('IV/a', 'III/d')).toBeGreaterThan(0);
    expect([...GOLONGAN].reverse().sort(compareGolongan)).toEqual([...GOLONGAN]);
  });
});

describe('regular promotion', () => {
  describe('when every rule is met', () => {
    it('is eligible after exactly four years in rank', () => {
      expect(promotionEligibility(aPns(), '2019-03-01', rules)).toEqual({ eligible: true, reasons: [] });
    });

    it('is eligible up to the education ceiling (S1: III/c to III/d)', () => {
      expect(rulesOf(aPns({ golongan: 'III/c' }))).toEqual([]);
    });

    it('is eligible when the next rank equals the supervisor’s', () => {
      expect(rulesOf(aPns({ supervisorGolongan: 'III/b' }))).toEqual([]);
    });

    it('is eligible on the day a sanction ends (the end is exclusive)', () => {
      expect(rulesOf(aPns({ runningSanctionUntil: '2019-03-01' }))).toEqual([]);
    });

    it('is eligible with the last two years rated at least baik', () => {
      const appraisals = [
        { year: 2016, predicate: 'kurang' as const },
        { year: 2017, predicate: 'baik' as const },
        { year: 2018, predicate: 'sangat-baik' as const },
      ];
      expect(rulesOf(aPns({ appraisals }))).toEqual([]);
    });

    it('counts four years from Feb 29 to Feb 29', () => {
      expect(rulesOf(aPns({ rankSince: '2016-02-29' }), '2020-03-01')).toEqual([]);
      expect(yearsBetween('2016-02-29', '2020-02-29')).toBe(4);
    });
  });

  describe('when a rule is not met', () => {
    it('refuses one day short of four years, naming the rule and its regulation', () => {
      expect(promotionEligibility(aPns({ rankSince: '2015-03-02' }), '2019-03-01', rules)).toEqual({
        eligible: false,
        reasons: [
          {
            rule: 'promotion.minYearsInRank',
            regulation: 'PP 11/2017',
            message: expect.stringContaining('4 full years'),
          },
        ],
      });
    });

    it.each([
      ['a CPNS', { employeeType: 'CPNS' as const }],
      ['a PPPK', { employeeType: 'PPPK' as const }],
    ])('refuses %s', (_case, overrides) => {
      expect(promotionEligibility(aPns(overrides), '2019-03-01', rules).reasons).toEqual([
        { rule: 'promotion.employeeType', regulation: 'Peraturan BKN 4/2025', message: expect.any(String) },
      ]);
    });

    it('refuses an employee who is not active', () => {
      expect(rulesOf(aPns({ status: 'dismissed' }))).toEqual(['promotion.status']);
    });

    it('refuses IV/e, the highest rank, without a ceiling or supervisor reason', () => {
      expect(rulesOf(aPns({ golongan: 'IV/e', education: 'S3', supervisorGolongan: 'IV/a' }))).toEqual([
        'promotion.highestRank',
      ]);
    });

    it('refuses a rank above the education ceiling (S1: III/d)', () => {
      expect(promotionEligibility(aPns({ golongan: 'III/d' }), '2019-03-01', rules).reasons).toEqual([
        { rule: 'promotion.educationCeiling', regulation: 'PP 11/2017', message: expect.stringContaining('IV/a') },
      ]);
      expect(rulesOf(aPns({ golongan: 'III/d', education: 'S2' }))).toEqual([]);
      expect(rulesOf(aPns({ golongan: 'II/a', education: 'SD' }))).toEqual(['promotion.educationCeiling']);
    });

    it('refuses when the education is unknown (erased or not recorded): the ceiling cannot be proven', () => {
      const { education: _erased, ...facts } = aPns();
      expect(rulesOf(facts)).toEqual(['promotion.educationCeiling']);
    });

    it('does not name the education in its message (personal data)', () => {
      const [reason] = promotionEligibility(aPns({ golongan: 'III/d' }), '2019-03-01', rules).reasons;
      expect(reason?.message).not.toMatch(/S1/);
    });

    it('refuses a rank above the direct supervisor’s, unless the rule is switched off', () => {
      expect(promotionEligibility(aPns({ supervisorGolongan: 'III/a' }), '2019-03-01', rules).reasons).toEqual([
        { rule: 'promotion.notAboveSupervisor', regulation: 'PP 11/2017', message: expect.any(String) },
      ]);
      expect(
        rulesOf(aPns({ supervisorGolongan: 'III/a' }), '2019-03-01', withPromotion({ notAboveSupervisor: false })),
      ).toEqual([]);
    });

    it('refuses while a discipline sanction runs, under PP 94/2021, unless the rule is switched off', () => {
      expect(promotionEligibility(aPns({ runningSanctionUntil: '2019-03-02' }), '2019-03-01', rules).reasons).toEqual([
        {
          rule: 'promotion.blockedByRunningSanction',
          regulation: 'PP 94/2021',
          message: expect.not.stringMatching(/\d/),
        },
      ]);
      expect(
        rulesOf(
          aPns({ runningSanctionUntil: '2019-03-02' }),
          '2019-03-01',
          withPromotion({ blockedByRunningSanction: false }),
        ),
      ).toEqual([]);
    });

    it.each([
      [
        'a year below baik',
        [
          { year: 2017, predicate: 'baik' as const },
          { year: 2018, predicate: 'butuh-perbaikan' as const },
        ],
        '2018',
      ],
      ['a missing year', [{ year: 2018, predicate: 'sangat-baik' as const }], '2017'],
      [
        'a second, worse predicate for a year',
        [
          { year: 2017, predicate: 'baik' as const },
          { year: 2018, predicate: 'baik' as const },
          { year: 2018, predicate: 'sangat-kurang' as const },
        ],
        '2018',
      ],
    ])('refuses %s of the appraisal', (_case, appraisals, year) => {
      expect(promotionEligibility(aPns({ appraisals }), '2019-03-01', rules).reasons).toEqual([
        {
          rule: 'promotion.appraisal',
          regulation: 'PP 30/2019 / PermenPANRB 6/2022',
          message: expect.stringContaining(year),
        },
      ]);
    });

    it('checks as many appraisal years, and as high a predicate, as the rules say', () => {
      const appraisals = [
        { year: 2017, predicate: 'baik' as const },
        { year: 2018, predicate: 'baik' as const },
      ];
      expect(
        rulesOf(
          aPns({ appraisals }),
          '2019-03-01',
          withPromotion({ appraisal: { years: 3, minimumPredicate: 'baik' } }),
        ),
      ).toEqual(['promotion.appraisal']);
      expect(
        rulesOf(
          aPns({ appraisals }),
          '2019-03-01',
          withPromotion({ appraisal: { years: 2, minimumPredicate: 'sangat-baik' } }),
        ),
      ).toEqual(['promotion.appraisal']);
    });

    it('refuses a date that is not a promotion date', () => {
      expect(rulesOf(aPns(), '2019-03-15')).toEqual(['promotion.periods']);
      const aprilOctober = withPromotion({ periods: 'april-october' });
      expect(rulesOf(aPns(), '2019-03-01', aprilOctober)).toEqual(['promotion.periods']);
      expect(rulesOf(aPns(), '2019-04-01', aprilOctober)).toEqual([]);
    });

    it('names every unmet rule at once, each with its regulation', () => {
      const verdict = promotionEligibility(
        aPns({
          employeeType: 'CPNS',
          status: 'suspended',
          golongan: 'III/d',
          rankSince: '2018-01-01',
          supervisorGolongan: 'III/c',
          runningSanctionUntil: '2020-01-01',
          appraisals: [{ year: 2018, predicate: 'kurang' }],
        }),
        '2019-03-15',
        rules,
      );
      expect(verdict.eligible).toBe(false);
      expect(verdict.reasons.map((r) => [r.rule, r.regulation])).toEqual([
        ['promotion.employeeType', 'Peraturan BKN 4/2025'],
        ['promotion.status', 'Peraturan BKN 4/2025'],
        ['promotion.periods', 'Peraturan BKN 4/2025'],
        ['promotion.minYearsInRank', 'PP 11/2017'],
        ['promotion.educationCeiling', 'PP 11/2017'],
        ['promotion.notAboveSupervisor', 'PP 11/2017'],
        ['promotion.appraisal', 'PP 30/2019 / PermenPANRB 6/2022'],
        ['promotion.blockedByRunningSanction', 'PP 94/2021'],
      ]);
      for (const reason of verdict.reasons) expect(reason.message).toMatch(/\S/);
    });
  });

  describe('when the rules change', () => {
    it('follows the changed parameters and regulations without a code change', () => {
      const changed = withPromotion({ minYearsInRank: 2, regulation: 'Peraturan BKN 9/2030', regulationOf: {} });
      expect(rulesOf(aPns({ rankSince: '2017-03-01' }), '2019-03-01', changed)).toEqual([]);
      expect(promotionEligibility(aPns({ rankSince: '2017-03-02' }), '2019-03-01', changed).reasons).toEqual([
        {
          rule: 'promotion.minYearsInRank',
          regulation: 'Peraturan BKN 9/2030',
          message: expect.stringContaining('2 full years'),
        },
      ]);
    });
  });
});

describe('retirement', () => {
  it.each([
    [managerial('jpt-utama'), 60],
    [managerial('jpt-madya'), 60],
    [managerial('jpt-pratama'), 60],
    [managerial('administrator'), 58],
    [managerial('pengawas'), 58],
    [pelaksana, 58],
    [functional('pemula'), 58],
    [functional('terampil'), 58],
    [functional('mahir'), 58],
    [functional('penyelia'), 58],
    [functional('ahli-pertama'), 58],
    [functional('ahli-muda'), 58],
    [functional('ahli-madya'), 60],
    [functional('ahli-utama'), 65],
  ])('retires %j at %i', (position, age) => {
    expect(retirementAge(position, rules)).toBe(age);
  });

  it.each([
    ['1968-02-29', pelaksana, '2026-03-01'],
    ['1968-02-29', functional('ahli-madya'), '2028-03-01'],
    ['1968-02-29', functional('ahli-utama'), '2033-03-01'],
    ['1968-03-01', pelaksana, '2026-04-01'],
    ['1968-03-31', pelaksana, '2026-04-01'],
    ['1966-12-15', managerial('jpt-pratama'), '2027-01-01'],
    ['1966-01-01', managerial('administrator'), '2024-02-01'],
  ])(
    'born %s as %j: retires on %s, the first day of the month after reaching the age',
    (birthDate, position, expected) => {
      expect(retirementDate(birthDate, position, rules)).toBe(expected);
    },
  );

  it('follows a changed retirement age', () => {
    const changed = loadRules({
      ...structuredClone(DEFAULT_RULES),
      retirement: {
        ...structuredClone(DEFAULT_RULES.retirement),
        ageByPosition: { ...structuredClone(DEFAULT_RULES.retirement.ageByPosition), pelaksana: 60 },
      },
    });
    expect(retirementDate('1968-02-29', pelaksana, changed)).toBe('2028-03-01');
  });

  it('refuses an impossible birth date without echoing it', () => {
    expect(() => retirementDate('1968-02-30', pelaksana, rules)).toThrow(RangeError);
    expect(() => retirementDate('1968-02-30', pelaksana, rules)).not.toThrow(/1968/);
  });
});

describe('transfer tenure', () => {
  it('is too short one day before two years in post', () => {
    expect(transferTenure('2020-01-15', '2022-01-14', rules)).toEqual({
      ok: false,
      years: 23 / 12,
      reason: 'too-short',
    });
  });

  it('is within the rule from exactly two to exactly five years in post', () => {
    expect(transferTenure('2020-01-15', '2022-01-15', rules)).toEqual({ ok: true, years: 2 });
    expect(transferTenure('2020-01-15', '2023-07-15', rules)).toEqual({ ok: true, years: 3.5 });
    expect(transferTenure('2020-01-15', '2025-01-15', rules)).toEqual({ ok: true, years: 5 });
  });

  it('is overdue, but allowed, after five years in post', () => {
    expect(transferTenure('2020-01-15', '2025-01-16', rules)).toEqual({ ok: true, years: 5, reason: 'too-long' });
  });

  it('is too short when the TMT lies before the start in post', () => {
    expect(transferTenure('2020-01-15', '2019-01-15', rules)).toEqual({ ok: false, years: -1, reason: 'too-short' });
  });

  it('counts a Feb 29 start to the last day of February', () => {
    expect(transferTenure('2020-02-29', '2022-02-28', rules)).toEqual({ ok: true, years: 2 });
    expect(transferTenure('2020-02-29', '2022-02-27', rules)).toMatchObject({ ok: false, reason: 'too-short' });
  });
});
