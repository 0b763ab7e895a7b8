import { describe, expect, it } from '@jest/globals';
import { normalizeNip, validateNip, type NipFacts, type NipIssueCode, type NipResult } from './nip';

const PNS: NipFacts = { employeeType: 'PNS', birthDate: '1986-09-26', gender: 'male' };
const PPPK: NipFacts = { employeeType: 'PPPK', birthDate: '1990-03-15', gender: 'female' };
const TODAY = '2026-06-15';

const codesOf = (result: NipResult): NipIssueCode[] => (result.ok ? [] : result.issues.map((issue) => issue.code));

/** Validates and asserts that no message leaks the number, its parts or any digit at all. */
const check = (raw: string, facts: NipFacts, today = TODAY): NipResult => {
  const result = validateNip(raw, facts, today);
  if (!result.ok) {
    expect(result.issues.length).toBeGreaterThan(0);
    for (const { message } of result.issues) {
      expect(message).not.toMatch(/\d/);
      expect(message.length).toBeGreaterThan(0);
    }
  }
  return result;
};

describe('normalizeNip', () => {
  it('strips spaces and other whitespace, and nothing else', () => {
    expect(normalizeNip(' 19860926 201505 1 001 ')).toBe('198609262015051001');
    expect(normalizeNip('19860926\t201505\n1\u00a0001')).toBe('198609262015051001');
    expect(normalizeNip('1986-09-26')).toBe('1986-09-26');
    expect(normalizeNip('')).toBe('');
  });
});

describe('when the employee is a PNS or a CPNS', () => {
  it('accepts the example of DOMAIN.md, written with spaces, and returns it normalised', () => {
    expect(check('19860926 201505 1 001', PNS)).toEqual({
      ok: true,
      nip: '198609262015051001',
      startYear: 2015,
      startMonth: 5,
    });
  });

  it('accepts the same number for a CPNS', () => {
    expect(check('198609262015051001', { ...PNS, employeeType: 'CPNS' })).toMatchObject({
      ok: true,
      startYear: 2015,
      startMonth: 5,
    });
  });

  it('accepts a woman with gender digit 2', () => {
    expect(check('199003152015032001', { employeeType: 'PNS', birthDate: '1990-03-15', gender: 'female' }).ok).toBe(
      true,
    );
  });

  it('refuses an NI PPPK whose code (21) is not a month', () => {
    expect(codesOf(check('199003152021212001', { ...PPPK, employeeType: 'PNS' }))).toEqual(['start-invalid']);
  });

  it.each([
    ['month 00', '198609262015001001'],
    ['month 13', '198609262015131001'],
    ['year 0000', '198609260000051001'],
  ])('refuses a start segment with %s', (_case, nip) => {
    expect(codesOf(check(nip, PNS))).toEqual(['start-invalid']);
  });

  it('refuses a start before the year the person turned fifteen, and accepts it from that year on', () => {
    expect(codesOf(check('198609262000121001', PNS))).toEqual(['start-before-birth']);
    expect(codesOf(check('198609261980011001', PNS))).toEqual(['start-before-birth']);
    expect(check('198609262001011001', PNS).ok).toBe(true);
  });

  it('refuses a start month after today, and accepts the current month', () => {
    expect(codesOf(check('198609262015051001', PNS, '2015-04-30'))).toEqual(['start-in-future']);
    expect(check('198609262015051001', PNS, '2015-05-01').ok).toBe(true);
    expect(codesOf(check('198609262199121001', PNS))).toEqual(['start-in-future']);
  });

  it('checks no future without today', () => {
    expect(validateNip('198609262199121001', PNS).ok).toBe(true);
  });
});

describe('when the employee is a PPPK', () => {
  it('accepts an NI PPPK with code 21 that a NIP check refuses', () => {
    expect(check('19900315 2021 21 2 001', PPPK)).toEqual({ ok: true, nip: '199003152021212001', startYear: 2021 });
  });

  it.each(['24', '01', '12', '99'])('accepts the code %s: no month check on digits 13–14', (code) => {
    expect(check(`19900315 2021 ${code} 2 001`, PPPK).ok).toBe(true);
  });

  it('refuses the code 00', () => {
    expect(codesOf(check('199003152021002001', PPPK))).toEqual(['pppk-code-invalid']);
  });

  it('refuses a year of appointment before the person turned fifteen, in the future, or implausible', () => {
    expect(codesOf(check('199003152004212001', PPPK))).toEqual(['start-before-birth']);
    expect(check('199003152005212001', PPPK).ok).toBe(true);
    expect(codesOf(check('199003152027212001', PPPK, '2026-12-31'))).toEqual(['start-in-future']);
    expect(check('199003152026212001', PPPK, '2026-01-01').ok).toBe(true);
    expect(codesOf(check('199003150000212001', PPPK))).toEqual(['start-invalid']);
  });

  it('applies the same birth, gender and sequence checks as a NIP', () => {
    expect(codesOf(check('199003162021212001', PPPK))).toEqual(['birth-date-mismatch']);
    expect(codesOf(check('199003152021211001', PPPK))).toEqual(['gender-mismatch']);
    expect(codesOf(check('199003152021212000', PPPK))).toEqual(['sequence-zero']);
  });
});

describe('bad inputs (QUALITY.md)', () => {
  it.each([
    ['17 digits', '19860926201505100'],
    ['19 digits', '1986092620150510010'],
    ['an empty string', ''],
    ['whitespace only', '   \t\n '],
    ['a very long string', '1'.repeat(10_000)],
  ])('refuses %s as the wrong length', (_case, nip) => {
    expect(codesOf(check(nip, PNS))).toEqual(['length']);
  });

  it.each([
    ['a letter', '19860926201505100A'],
    ['a hyphen', '19860926-20150510-'],
    ['a control character', '19860926201505100\u0000'],
    ['full-width digits', '１９８６０９２６２０１５０５１００１'],
    ['Arabic-Indic digits', '١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١'],
  ])('refuses %s as not digits', (_case, nip) => {
    expect(codesOf(check(nip, PNS))).toEqual(['not-digits']);
  });

  it('reports both the length and the letters, and no segment issue, when the parts cannot be located', () => {
    expect(codesOf(check('NIP 1986', PNS))).toEqual(['length', 'not-digits']);
    expect(codesOf(check('__proto__', PNS))).toEqual(['length', 'not-digits']);
  });

  it.each([
    ['Feb 30', '198602302015051001'],
    ['month 13', '198613262015051001'],
    ['day 00', '198609002015051001'],
    ['year 0000', '000009262015051001'],
  ])('refuses an impossible birth date (%s) without also calling it a mismatch', (_case, nip) => {
    expect(codesOf(check(nip, PNS))).toEqual(['birth-date-invalid']);
  });

  it('accepts Feb 29 in a leap year', () => {
    expect(check('198802292010011001', { ...PNS, birthDate: '1988-02-29' }).ok).toBe(true);
    expect(codesOf(check('198702292010011001', { ...PNS, birthDate: '1987-03-01' }))).toEqual(['birth-date-invalid']);
  });

  it.each(['0', '3', '9'])('refuses the gender digit %s', (digit) => {
    expect(codesOf(check(`19860926201505${digit}001`, PNS))).toEqual(['gender-invalid']);
  });

  it('refuses a gender digit that does not match the recorded gender', () => {
    expect(codesOf(check('198609262015052001', PNS))).toEqual(['gender-mismatch']);
    expect(codesOf(check('198609262015051001', { ...PNS, gender: 'female' }))).toEqual(['gender-mismatch']);
  });

  it('refuses the sequence 000 and accepts 001 and 999', () => {
    expect(codesOf(check('198609262015051000', PNS))).toEqual(['sequence-zero']);
    expect(check('198609262015051999', PNS).ok).toBe(true);
  });

  it('refuses a birth segment that does not match the date of birth', () => {
    expect(codesOf(check('198609272015051001', PNS))).toEqual(['birth-date-mismatch']);
    expect(codesOf(check('198609262015051001', { ...PNS, birthDate: 'not a date' }))).toEqual(['birth-date-mismatch']);
  });

  it('reports every issue, not only the first', () => {
    expect(codesOf(check('198609272000133000', PNS))).toEqual([
      'birth-date-mismatch',
      'start-invalid',
      'gender-invalid',
      'sequence-zero',
    ]);
    expect(codesOf(check('198602302030001000', PPPK))).toEqual([
      'birth-date-invalid',
      'pppk-code-invalid',
      'start-in-future',
      'gender-mismatch',
      'sequence-zero',
    ]);
  });

  it('names the kind of number in its messages', () => {
    const messages = (result: NipResult): string[] => (result.ok ? [] : result.issues.map((issue) => issue.message));
    expect(messages(validateNip('198609262015051000', PNS))).toEqual([expect.stringMatching(/\bNIP\b/)]);
    expect(messages(validateNip('199003152021212000', PPPK))).toEqual([expect.stringMatching(/\bNI PPPK\b/)]);
  });

  it('throws when today is not a calendar date: a caller bug, not a bad number', () => {
    expect(() => validateNip('198609262015051001', PNS, '2026-02-30')).toThrow(RangeError);
  });
});
