import { isCalendarDate, type EmployeeType, type Gender } from '@asn/contracts';

// The NIP (PNS, CPNS) and the NI PPPK: 18 digits, no check digit. Validation proves plausibility only.
//
//   digits   NIP (PNS, CPNS)                 NI PPPK
//   1–8      birth date YYYYMMDD             birth date YYYYMMDD
//   9–14     CPNS start YYYYMM               year of appointment YYYY (9–12), then a code (13–14)
//   15       gender: 1 male, 2 female        gender: 1 male, 2 female
//   16–18    sequence 001–999                sequence 001–999
//
// The number encodes the birth date and the gender: it is personal data. No message below ever contains
// the number, one of its parts or any digit, so that an issue can be logged and shown safely.

/** The number without whitespace, as it is validated and stored. Does not validate. */
export const normalizeNip = (raw: string): string => raw.replace(/\s+/g, '');

/** What the record says about the person, against which the number is checked. */
export interface NipFacts {
  employeeType: EmployeeType;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: Gender;
}

export type NipIssueCode =
  | 'length'
  | 'not-digits'
  | 'birth-date-invalid'
  | 'birth-date-mismatch'
  | 'start-invalid'
  | 'start-before-birth'
  | 'pppk-code-invalid'
  | 'gender-invalid'
  | 'gender-mismatch'
  | 'sequence-zero'
  | 'start-in-future';

export interface NipIssue {
  code: NipIssueCode;
  /** Never contains the number or its parts. */
  message: string;
}

export type NipResult =
  | {
      ok: true;
      /** The normalised number. */
      nip: string;
      /** CPNS start year (NIP) or year of appointment (NI PPPK). */
      startYear: number;
      /** CPNS start month; an NI PPPK has none. */
      startMonth?: number;
    }
  | { ok: false; issues: NipIssue[] };

const LENGTH = 18;

/**
 * A start (CPNS start or PPPK appointment) is plausible from the year the person turns 15: DOMAIN.md asks
 * for "start after birth"; 15 is the lowest age at which anyone could plausibly have been appointed, and
 * it is counted in whole years because an NI PPPK holds no month.
 */
export const MIN_AGE_AT_START = 15;

const MESSAGES: Record<NipIssueCode, (type: string) => string> = {
  length: (type) => `The ${type} must have exactly eighteen digits (spaces are ignored).`,
  'not-digits': (type) => `The ${type} may contain only digits (spaces are ignored).`,
  'birth-date-invalid': (type) => `The birth date segment of the ${type} is not a real calendar date.`,
  'birth-date-mismatch': (type) => `The birth date segment of the ${type} does not match the date of birth.`,
  'start-invalid': (type) =>
    type === 'NI PPPK'
      ? 'The year of appointment in the NI PPPK is not a plausible year.'
      : 'The CPNS start segment of the NIP is not a real year and month.',
  'start-before-birth': (type) =>
    `The start segment of the ${type} lies before the year in which the person turned fifteen.`,
  'pppk-code-invalid': () => 'The code after the year of appointment in the NI PPPK may not be zero.',
  'gender-invalid': (type) => `The gender digit of the ${type} must be one (male) or two (female).`,
  'gender-mismatch': (type) => `The gender digit of the ${type} does not match the recorded gender.`,
  'sequence-zero': (type) => `The sequence number at the end of the ${type} may not be zero.`,
  'start-in-future': (type) => `The start segment of the ${type} lies after today.`,
};

const GENDER_DIGIT: Record<Gender, string> = { male: '1', female: '2' };

// Calendar years the service accepts at all (as isCalendarDate does).
const isPlausibleYear = (year: number): boolean => year >= 1900 && year <= 2199;

/**
 * Validates an NIP (PNS, CPNS) or an NI PPPK against the employee type, the date of birth and the gender.
 * Whitespace anywhere is ignored. Returns every issue found: when the number is not 18 digits its parts
 * cannot be located, so only `length` and `not-digits` are reported then.
 *
 * @param today YYYY-MM-DD; when given, the start (CPNS start month, PPPK appointment year) must not lie
 *   after it. Throws a RangeError when it is not a calendar date (a caller's bug, not a bad input).
 */
export const validateNip = (raw: string, facts: NipFacts, today?: string): NipResult => {
  if (today !== undefined && !isCalendarDate(today)) {
    throw new RangeError('validateNip: today must be a YYYY-MM-DD calendar date.');
  }
  const nip = normalizeNip(raw);
  const pppk = facts.employeeType === 'PPPK';
  const codes: NipIssueCode[] = [];
  const issue = (code: NipIssueCode): void => void codes.push(code);
  const result = (): NipResult => {
    const type = pppk ? 'NI PPPK' : 'NIP';
    return { ok: false, issues: codes.map((code) => ({ code, message: MESSAGES[code](type) })) };
  };

  if (nip.length !== LENGTH) issue('length');
  if (!/^\d*$/.test(nip)) issue('not-digits');
  if (codes.length > 0) return result();

  const birth = `${nip.slice(0, 4)}-${nip.slice(4, 6)}-${nip.slice(6, 8)}`;
  const birthValid = isCalendarDate(birth);
  if (!birthValid) issue('birth-date-invalid');
  else if (birth !== facts.birthDate) issue('birth-date-mismatch');
  const birthYear = Number(nip.slice(0, 4));

  const startYear = Number(nip.slice(8, 12));
  let startMonth: number | undefined;
  let startValid = isPlausibleYear(startYear);
  if (pppk) {
    // Digits 13–14 are a code, not a month (e.g. 21, 24): a month check here rejects valid numbers.
    if (nip.slice(12, 14) === '00') issue('pppk-code-invalid');
  } else {
    startMonth = Number(nip.slice(12, 14));
    startValid &&= startMonth >= 1 && startMonth <= 12;
  }
  if (!startValid) issue('start-invalid');
  else {
    if (birthValid && startYear < birthYear + MIN_AGE_AT_START) issue('start-before-birth');
    if (today !== undefined) {
      const start =
        startMonth === undefined ? String(startYear) : `${startYear}-${String(startMonth).padStart(2, '0')}`;
      if (start > today.slice(0, start.length)) issue('start-in-future');
    }
  }

  const genderDigit = nip.charAt(14);
  if (genderDigit !== '1' && genderDigit !== '2') issue('gender-invalid');
  else if (genderDigit !== GENDER_DIGIT[facts.gender]) issue('gender-mismatch');

  if (nip.slice(15) === '000') issue('sequence-zero');

  if (codes.length > 0) return result();
  return startMonth === undefined ? { ok: true, nip, startYear } : { ok: true, nip, startYear, startMonth };
};
