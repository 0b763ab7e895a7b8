import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import shipped from './personnel-rules.json' with { type: 'json' };
import { DEFAULT_RULES, InvalidRulesError, loadRules, loadRulesFile } from './rules';

type Json = Record<string, unknown>;

/** A fresh, mutable copy of the shipped JSON. */
const json = (): Json => structuredClone(shipped);

const parentOf = (rules: Json, path: string): [Json, string] => {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  return [keys.reduce((node, key) => node[key] as Json, rules), last];
};

/** An edit of a rule set, as an administrator would make it in a RULES_FILE. */
type Edit = (rules: Json) => void;
const set =
  (path: string, value: unknown): Edit =>
  (rules) => {
    const [parent, key] = parentOf(rules, path);
    parent[key] = value;
  };
const remove =
  (path: string): Edit =>
  (rules) => {
    const [parent, key] = parentOf(rules, path);
    delete parent[key];
  };

/** The paths that loadRules names for a rule set, or [] when it is accepted. */
const badPaths = (input: unknown): string[] => {
  try {
    loadRules(input);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRulesError);
    const { issues, message } = error as InvalidRulesError;
    for (const issue of issues) expect(message).toContain(issue.path);
    return issues.map((issue) => issue.path);
  }
};

const edited = (...edits: Edit[]): Json => {
  const rules = json();
  for (const edit of edits) edit(rules);
  return rules;
};

describe('the shipped rule set', () => {
  it('is valid, versioned, and names a regulation for every rule', () => {
    expect(DEFAULT_RULES.version).toBe('2026.1');
    expect(DEFAULT_RULES.effectiveFrom).toBe('2025-10-01');
    expect(DEFAULT_RULES.promotion.regulation).toBe('Peraturan BKN 4/2025');
    expect(DEFAULT_RULES.promotion.regulationOf.blockedByRunningSanction).toBe('PP 94/2021');
    expect(DEFAULT_RULES.transfer.regulation).toBe('Peraturan BKN 5/2019');
    expect(DEFAULT_RULES.retirement.regulation).toBe('UU 20/2023 / PP 11/2017 (BUP)');
    expect(DEFAULT_RULES.probation.regulation).toBe('PP 11/2017');
    expect(DEFAULT_RULES.contract.regulation).toMatch(/\S/);
  });

  it('holds the parameters of DOMAIN.md', () => {
    const { promotion, transfer, retirement, probation, contract } = DEFAULT_RULES;
    expect(promotion).toMatchObject({
      minYearsInRank: 4,
      appraisal: { years: 2, minimumPredicate: 'baik' },
      blockedByRunningSanction: true,
      notAboveSupervisor: true,
      periods: 'monthly',
    });
    expect(promotion.educationCeiling).toEqual({
      SD: 'II/a',
      SLTP: 'II/c',
      SLTA: 'III/b',
      'D-I': 'III/b',
      'D-II': 'III/b',
      'D-III': 'III/c',
      S1: 'III/d',
      'D-IV': 'III/d',
      S2: 'IV/a',
      S3: 'IV/b',
    });
    expect(promotion.startingRank).toEqual({
      SD: 'I/a',
      SLTP: 'I/c',
      SLTA: 'II/a',
      'D-I': 'II/a',
      'D-II': 'II/b',
      'D-III': 'II/c',
      S1: 'III/a',
      'D-IV': 'III/a',
      S2: 'III/b',
      S3: 'III/c',
    });
    expect(transfer).toMatchObject({ minYearsInPost: 2, maxYearsInPost: 5, overrideRequiresReason: true });
    expect(retirement).toMatchObject({ alertMonthsAhead: 12, retirementDate: 'first-day-of-month-after-reaching-age' });
    expect(probation.cpnsMonths).toBe(12);
    expect(contract.minMonths).toBe(12);
  });

  it('is frozen, so that no caller changes it for everyone', () => {
    expect(Object.isFrozen(DEFAULT_RULES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RULES.promotion.educationCeiling)).toBe(true);
    expect(() => {
      (DEFAULT_RULES.transfer as { minYearsInPost: number }).minYearsInPost = 0;
    }).toThrow(TypeError);
  });

  it('parses again to the same rules', () => {
    expect(loadRules(json())).toEqual(DEFAULT_RULES);
  });
});

describe('loadRules', () => {
  it('accepts a changed rule set and keeps what it says', () => {
    const rules = loadRules(
      edited(
        set('version', '2027.1'),
        set('promotion.minYearsInRank', 3),
        set('promotion.periods', 'april-october'),
        set('promotion.regulation', 'Peraturan BKN 1/2027'),
        set('promotion.regulationOf', {}),
      ),
    );
    expect(rules).toMatchObject({
      version: '2027.1',
      promotion: { minYearsInRank: 3, periods: 'april-october', regulation: 'Peraturan BKN 1/2027', regulationOf: {} },
    });
  });

  it('defaults regulationOf to none', () => {
    expect(loadRules(edited(remove('promotion.regulationOf'))).promotion.regulationOf).toEqual({});
  });

  it.each([
    ['at the top', set('discipline', {}), 'discipline'],
    ['in a rule', set('promotion.minYearsInRanks', 4), 'promotion.minYearsInRanks'],
    ['deep down', set('promotion.appraisal.months', 24), 'promotion.appraisal.months'],
    ['as an education', set('promotion.educationCeiling.S4', 'IV/e'), 'promotion.educationCeiling.S4'],
    [
      'as a position level',
      set('retirement.ageByPosition.functional.ahli-super', 70),
      'retirement.ageByPosition.functional.ahli-super',
    ],
    ['as the rule of a regulation', set('promotion.regulationOf.bribes', 'none'), 'promotion.regulationOf.bribes'],
  ])('rejects an unknown key %s, naming its path', (_case, edit, path) => {
    expect(badPaths(edited(edit))).toEqual([path]);
  });

  it('rejects a __proto__ or constructor key from JSON', () => {
    expect(
      badPaths(JSON.parse(JSON.stringify(json()).replace('{"version"', '{"__proto__":{"polluted":true},"version"'))),
    ).toEqual(['__proto__']);
    expect(
      badPaths(
        JSON.parse(
          JSON.stringify(json()).replace(
            '"regulation":"Peraturan BKN 5/2019"',
            '"constructor":{},"regulation":"Peraturan BKN 5/2019"',
          ),
        ),
      ),
    ).toEqual(['transfer.constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['negative years in rank', set('promotion.minYearsInRank', -1), 'promotion.minYearsInRank'],
    ['negative years in post', set('transfer.minYearsInPost', -2), 'transfer.minYearsInPost'],
    ['fractional years', set('promotion.minYearsInRank', 3.5), 'promotion.minYearsInRank'],
    ['a number as a string', set('promotion.minYearsInRank', '4'), 'promotion.minYearsInRank'],
    ['a non-finite number', set('contract.minMonths', Number.POSITIVE_INFINITY), 'contract.minMonths'],
    ['NaN', set('probation.cpnsMonths', Number.NaN), 'probation.cpnsMonths'],
    ['zero probation months', set('probation.cpnsMonths', 0), 'probation.cpnsMonths'],
    ['an absurd retirement age', set('retirement.ageByPosition.pelaksana', 580), 'retirement.ageByPosition.pelaksana'],
    [
      'an unknown golongan as a ceiling',
      set('promotion.educationCeiling.S1', 'III/e'),
      'promotion.educationCeiling.S1',
    ],
    ['an unknown golongan as a starting rank', set('promotion.startingRank.SD', 'V/a'), 'promotion.startingRank.SD'],
    ['a missing education', remove('promotion.startingRank.S3'), 'promotion.startingRank.S3'],
    [
      'a missing position level',
      remove('retirement.ageByPosition.managerial.jpt-pratama'),
      'retirement.ageByPosition.managerial.jpt-pratama',
    ],
    [
      'an unknown predicate',
      set('promotion.appraisal.minimumPredicate', 'good'),
      'promotion.appraisal.minimumPredicate',
    ],
    ['an unknown period', set('promotion.periods', 'weekly'), 'promotion.periods'],
    ['another retirement date rule', set('retirement.retirementDate', 'birthday'), 'retirement.retirementDate'],
    ['an empty regulation', set('transfer.regulation', '   '), 'transfer.regulation'],
    ['a missing regulation', remove('retirement.regulation'), 'retirement.regulation'],
    ['a missing rule', remove('contract'), 'contract'],
    ['an empty version', set('version', ''), 'version'],
    ['an impossible effective date', set('effectiveFrom', '2026-02-30'), 'effectiveFrom'],
    ['a starting rank above the ceiling', set('promotion.startingRank.SD', 'II/b'), 'promotion.startingRank.SD'],
    ['a maximum tenure below the minimum', set('transfer.maxYearsInPost', 1), 'transfer.maxYearsInPost'],
  ])('rejects %s, naming its path', (_case, edit, path) => {
    expect(badPaths(edited(edit))).toEqual([path]);
  });

  it('names every bad field at once', () => {
    const paths = badPaths(
      edited(
        set('promotion.minYearsInRank', -1),
        set('transfer.extra', true),
        set('promotion.educationCeiling.S2', 'IV/f'),
      ),
    );
    expect(paths.sort()).toEqual(['promotion.educationCeiling.S2', 'promotion.minYearsInRank', 'transfer.extra']);
  });

  it.each([null, undefined, [], 'rules', 42])('rejects %p as a whole', (input) => {
    expect(badPaths(input)).toEqual(['(root)']);
  });
});

describe('loadRulesFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'personnel-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('reads a valid rule set', () => {
    expect(loadRulesFile(file('ok.json', JSON.stringify(edited(set('version', 'city-2026.2')))))).toMatchObject({
      version: 'city-2026.2',
    });
  });

  it('names the file and the path of a bad field', () => {
    const path = file('bad.json', JSON.stringify(edited(set('transfer.minYearsInPost', -1))));
    expect(() => loadRulesFile(path)).toThrow(InvalidRulesError);
    expect(() => loadRulesFile(path)).toThrow(new RegExp(`^${path}: .*transfer\\.minYearsInPost`));
  });

  it('names the file when it is not JSON or does not exist', () => {
    const notJson = file('broken.json', '{ "version": ');
    expect(() => loadRulesFile(notJson)).toThrow(InvalidRulesError);
    expect(() => loadRulesFile(notJson)).toThrow(notJson);
    expect(() => loadRulesFile(join(dir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
