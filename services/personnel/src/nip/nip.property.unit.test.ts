import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EmployeeType, Gender } from '@asn/contracts';
import { validateNip, type NipFacts, type NipResult } from './nip';

const TODAY = '2026-06-15';
const DAY_MS = 86_400_000;
const pad = (value: number, width: number): string => String(value).padStart(width, '0');

interface ValidNip {
  facts: NipFacts;
  nip: string;
  startYear: number;
  startMonth?: number;
}

const birthDate = fc
  .integer({ min: Date.UTC(1940, 0, 1) / DAY_MS, max: Date.UTC(2008, 11, 31) / DAY_MS })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));

/** A plausible NIP or NI PPPK built from random facts: start from age 15 up to today, any sequence. */
const validNip: fc.Arbitrary<ValidNip> = fc
  .record({
    employeeType: fc.constantFrom(...EmployeeType.options),
    birthDate,
    gender: fc.constantFrom(...Gender.options),
    startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    pppkCode: fc.integer({ min: 1, max: 99 }),
    sequence: fc.integer({ min: 1, max: 999 }),
  })
  .map(({ employeeType, birthDate, gender, startFraction, pppkCode, sequence }) => {
    const facts: NipFacts = { employeeType, birthDate, gender };
    const first = (Number(birthDate.slice(0, 4)) + 15) * 12;
    const last = 2026 * 12 + 5; // June 2026, the month of TODAY
    const start = first + Math.floor(startFraction * (last - first));
    const startYear = Math.floor(start / 12);
    const startMonth = (start % 12) + 1;
    const head = birthDate.replaceAll('-', '') + pad(startYear, 4);
    const tail = (gender === 'male' ? '1' : '2') + pad(sequence, 3);
    return employeeType === 'PPPK'
      ? { facts, nip: head + pad(pppkCode, 2) + tail, startYear }
      : { facts, nip: head + pad(startMonth, 2) + tail, startYear, startMonth };
  });

const whitespace = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003');

const insertAll = (text: string, insertions: readonly (readonly [number, string])[]): string =>
  insertions.reduce(
    (acc, [at, piece]) => acc.slice(0, at % (acc.length + 1)) + piece + acc.slice(at % (acc.length + 1)),
    text,
  );

const replaceAt = (text: string, index: number, piece: string): string =>
  text.slice(0, index) + piece + text.slice(index + 1);

const codesOf = (result: NipResult): string[] => (result.ok ? [] : result.issues.map((issue) => issue.code));

const messagesAreSafe = (result: NipResult): boolean =>
  result.ok || (result.issues.length > 0 && result.issues.every(({ message }) => !/\d/.test(message)));

const anyFacts: fc.Arbitrary<NipFacts> = fc.record({
  employeeType: fc.constantFrom(...EmployeeType.options),
  birthDate: fc.oneof(birthDate, fc.string()),
  gender: fc.constantFrom(...Gender.options),
});

describe('a valid NIP or NI PPPK built from random facts', () => {
  it('is always accepted, normalised, with its start', () => {
    fc.assert(
      fc.property(validNip, ({ facts, nip, startYear, startMonth }) => {
        expect(validateNip(nip, facts, TODAY)).toEqual(
          startMonth === undefined ? { ok: true, nip, startYear } : { ok: true, nip, startYear, startMonth },
        );
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result with whitespace inserted anywhere', () => {
    fc.assert(
      fc.property(
        validNip,
        fc.array(fc.tuple(fc.nat(), whitespace), { minLength: 1, maxLength: 10 }),
        ({ facts, nip }, insertions) => {
          expect(validateNip(insertAll(nip, insertions), facts, TODAY)).toEqual(validateNip(nip, facts, TODAY));
        },
      ),
    );
  });

  it('is refused once a digit of the birth segment changes', () => {
    fc.assert(
      fc.property(
        validNip,
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        ({ facts, nip }, index, shift) => {
          const digit = String((Number(nip[index]) + shift) % 10);
          const codes = codesOf(validateNip(replaceAt(nip, index, digit), facts, TODAY));
          expect(codes).toEqual(expect.arrayContaining([expect.stringMatching(/^birth-date-(invalid|mismatch)$/)]));
        },
      ),
    );
  });

  it('is refused once the gender digit changes', () => {
    fc.assert(
      fc.property(validNip, fc.integer({ min: 1, max: 9 }), ({ facts, nip }, shift) => {
        const digit = String((Number(nip[14]) + shift) % 10);
        expect(codesOf(validateNip(replaceAt(nip, 14, digit), facts, TODAY))).toEqual([
          digit === '1' || digit === '2' ? 'gender-mismatch' : 'gender-invalid',
        ]);
      }),
    );
  });

  it('is refused with the sequence 000', () => {
    fc.assert(
      fc.property(validNip, ({ facts, nip }) => {
        expect(codesOf(validateNip(nip.slice(0, 15) + '000', facts, TODAY))).toEqual(['sequence-zero']);
      }),
    );
  });

  it('is refused as a NIP when its start month is not a month', () => {
    fc.assert(
      fc.property(
        validNip,
        fc.constantFrom(0, ...Array.from({ length: 87 }, (_, i) => i + 13)),
        ({ facts, nip }, month) => {
          const pns = { ...facts, employeeType: 'PNS' as const };
          expect(codesOf(validateNip(nip.slice(0, 12) + pad(month, 2) + nip.slice(14), pns, TODAY))).toContain(
            'start-invalid',
          );
        },
      ),
    );
  });

  it('is refused with any character that is neither a digit nor whitespace, inserted or replacing a digit', () => {
    const foreign = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 1 })
      .filter((c) => !/^[0-9]$/.test(c) && !/^\s$/.test(c));
    fc.assert(
      fc.property(validNip, foreign, fc.nat(), fc.boolean(), ({ facts, nip }, c, at, replace) => {
        const index = at % nip.length;
        const bad = replace ? replaceAt(nip, index, c) : insertAll(nip, [[at, c]]);
        const result = validateNip(bad, facts, TODAY);
        expect(codesOf(result)).toContain('not-digits');
        expect(messagesAreSafe(result)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('any input', () => {
  it.each([
    ['binary', fc.string({ unit: 'binary', maxLength: 40 })],
    ['grapheme', fc.string({ unit: 'grapheme', maxLength: 40 })],
    [
      'digits and spaces',
      fc.array(fc.constantFrom(...'0123456789 '), { maxLength: 24 }).map((chars) => chars.join('')),
    ],
  ])('never throws, and never leaks a digit in a message (%s)', (_name, raw) => {
    fc.assert(
      fc.property(raw, anyFacts, (input, facts) => {
        const result = validateNip(input, facts, TODAY);
        expect(messagesAreSafe(result)).toBe(true);
        if (result.ok) expect(result.nip).toMatch(/^\d{18}$/);
      }),
      { numRuns: 1000 },
    );
  });
});
