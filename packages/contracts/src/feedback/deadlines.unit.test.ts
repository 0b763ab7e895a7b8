import { describe, expect, it } from '@jest/globals';
import { dueAfter, resolutionRule, workingCalendar } from './deadlines';
import { DEFAULT_FEEDBACK_RULES as DEFAULT_RULES, type FeedbackRules } from './rules';

// Expected dates are counted by hand on the real calendar: 2026-11-27, 2026-12-25 and 2027-01-01 are Fridays.
// The shipped rules run on WIB (UTC+7): a local day ends at 16:59:59.999Z.

const wib = workingCalendar(DEFAULT_RULES);
const firstResponseDays = DEFAULT_RULES.deadlines.firstResponse.workingDays;

/** Hand-made rules: only the clock and the holidays matter to the calendar. */
const rules = (
  utcOffsetMinutes: number,
  dates: string[] = [],
): Pick<FeedbackRules, 'utcOffsetMinutes' | 'holidays'> => ({
  utcOffsetMinutes,
  holidays: { source: 'test calendar', dates },
});

const due = (receivedAt: string, workingDays: number, calendar = wib): string =>
  dueAfter(calendar, new Date(receivedAt), workingDays).toISOString();

describe('the shipped rules', () => {
  it('give 3 working days for the first response and name WIB as the clock', () => {
    expect(firstResponseDays).toBe(3);
    expect(DEFAULT_RULES.utcOffsetMinutes).toBe(420);
    expect(DEFAULT_RULES.holidays.dates).toEqual(expect.arrayContaining(['2026-12-25', '2027-01-01']));
  });
});

describe('the local date of an instant under WIB', () => {
  it('is the UTC date until 16:59:59.999Z and the next day from 17:00Z', () => {
    expect(wib.localDate(new Date('2026-11-30T16:59:59.999Z'))).toBe('2026-11-30');
    expect(wib.localDate(new Date('2026-11-30T17:00:00.000Z'))).toBe('2026-12-01');
    expect(wib.localDate(new Date('2026-12-31T17:30:00.000Z'))).toBe('2027-01-01');
  });

  it('is the previous day west of UTC', () => {
    const newYork = workingCalendar(rules(-300));
    expect(newYork.localDate(new Date('2026-11-28T03:00:00.000Z'))).toBe('2026-11-27');
    expect(newYork.localDate(new Date('2026-11-28T05:00:00.000Z'))).toBe('2026-11-28');
  });
});

describe('the end of a local day', () => {
  it('is 23:59:59.999 local time: 16:59:59.999Z under WIB', () => {
    expect(wib.endOf('2026-12-02').toISOString()).toBe('2026-12-02T16:59:59.999Z');
    expect(wib.localDate(wib.endOf('2026-12-02'))).toBe('2026-12-02');
    expect(wib.localDate(new Date(wib.endOf('2026-12-02').getTime() + 1))).toBe('2026-12-03');
  });

  it('follows an offset that is not a whole hour, or west of UTC', () => {
    expect(workingCalendar(rules(330)).endOf('2026-12-02').toISOString()).toBe('2026-12-02T18:29:59.999Z');
    expect(workingCalendar(rules(0)).endOf('2026-12-02').toISOString()).toBe('2026-12-02T23:59:59.999Z');
    expect(workingCalendar(rules(-300)).endOf('2026-12-02').toISOString()).toBe('2026-12-03T04:59:59.999Z');
  });
});

describe('working days under the shipped rules', () => {
  it('are Monday to Friday', () => {
    expect(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map(wib.isWorkingDay)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('exclude Saturday and Sunday', () => {
    expect(wib.isWorkingDay('2026-11-28')).toBe(false);
    expect(wib.isWorkingDay('2026-11-29')).toBe(false);
  });

  it('exclude the listed holidays that fall on a weekday', () => {
    expect(wib.isWorkingDay('2026-12-25')).toBe(false);
    expect(wib.isWorkingDay('2027-01-01')).toBe(false);
    expect(wib.isWorkingDay('2026-08-17')).toBe(false);
    expect(wib.isWorkingDay('2026-12-24')).toBe(true);
    expect(wib.isWorkingDay('2026-12-28')).toBe(true);
  });

  it('are only what the rules list: without holidays Christmas is a working day, and a city may add its own', () => {
    expect(workingCalendar(rules(420)).isWorkingDay('2026-12-25')).toBe(true);
    const withCutiBersama = workingCalendar(rules(420, ['2026-12-24', '2026-12-25']));
    expect(withCutiBersama.isWorkingDay('2026-12-24')).toBe(false);
    expect(withCutiBersama.isWorkingDay('2026-12-23')).toBe(true);
  });
});

describe('adding working days', () => {
  it('does not count the starting day itself', () => {
    expect(wib.addWorkingDays('2026-11-23', 1)).toBe('2026-11-24');
    expect(wib.addWorkingDays('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('skips the weekend', () => {
    expect(wib.addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
    expect(wib.addWorkingDays('2026-11-28', 1)).toBe('2026-11-30');
  });

  it('skips a holiday inside the window', () => {
    expect(wib.addWorkingDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(wib.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });
});

describe('a ticket received on a Friday evening, local time', () => {
  // 19:00 WIB on Friday 2026-11-27.
  const fridayEvening = '2026-11-27T12:00:00.000Z';

  it('with 3 working days is due at the end of Wednesday local time (Monday, Tuesday, Wednesday)', () => {
    expect(due(fridayEvening, firstResponseDays)).toBe('2026-12-02T16:59:59.999Z');
  });

  it('counts the same when the instant is still Thursday in UTC but already Friday in WIB', () => {
    // 06:00 WIB on Friday.
    expect(due('2026-11-26T23:00:00.000Z', 3)).toBe('2026-12-02T16:59:59.999Z');
  });

  it('with 5 working days is due at the end of the next Friday', () => {
    expect(due(fridayEvening, DEFAULT_RULES.deadlines.resolution.complaint.workingDays)).toBe(
      '2026-12-04T16:59:59.999Z',
    );
  });

  it('with 14 working days (a dispute) is due at the end of Thursday 17 December', () => {
    expect(due(fridayEvening, DEFAULT_RULES.deadlines.resolution.dispute.workingDays)).toBe('2026-12-17T16:59:59.999Z');
  });
});

describe('a ticket received on the weekend', () => {
  it('on a Saturday counts from Monday: due at the end of Wednesday', () => {
    expect(due('2026-11-28T03:00:00.000Z', 3)).toBe('2026-12-02T16:59:59.999Z');
  });

  it('on a Sunday counts from Monday: due at the end of Wednesday', () => {
    expect(due('2026-11-29T09:00:00.000Z', 3)).toBe('2026-12-02T16:59:59.999Z');
  });

  it('late on a Sunday in UTC that is already Monday in WIB counts from Tuesday: due at the end of Thursday', () => {
    // 17:30Z Sunday = 00:30 Monday WIB.
    expect(due('2026-11-29T17:30:00.000Z', 3)).toBe('2026-12-03T16:59:59.999Z');
  });
});

describe('a ticket received late on a Monday evening UTC', () => {
  it('at 17:30Z it is already 00:30 Tuesday in WIB: due at the end of Friday, not Thursday', () => {
    expect(due('2026-11-30T17:30:00.000Z', 3)).toBe('2026-12-04T16:59:59.999Z');
  });

  it('a minute before local midnight (16:59Z) is still Monday in WIB: due at the end of Thursday', () => {
    expect(due('2026-11-30T16:59:00.000Z', 3)).toBe('2026-12-03T16:59:59.999Z');
  });

  it('counts by UTC days under a UTC calendar: at 17:30Z Monday it is due at the end of Thursday', () => {
    expect(due('2026-11-30T17:30:00.000Z', 3, workingCalendar(rules(0)))).toBe('2026-12-03T23:59:59.999Z');
  });
});

describe('a holiday inside the window', () => {
  it('Christmas (a Friday) pushes a first response from Wednesday 23 December to Tuesday 29 December', () => {
    // Thursday 24, (Friday 25 holiday, weekend), Monday 28, Tuesday 29.
    expect(due('2026-12-23T02:00:00.000Z', 3)).toBe('2026-12-29T16:59:59.999Z');
    expect(due('2026-12-23T02:00:00.000Z', 3, workingCalendar(rules(420)))).toBe('2026-12-28T16:59:59.999Z');
  });

  it('Christmas and New Year push 5 working days from Thursday 24 December to Monday 4 January', () => {
    // Monday 28, Tuesday 29, Wednesday 30, Thursday 31, (Friday 1 holiday, weekend), Monday 4.
    expect(due('2026-12-24T02:00:00.000Z', 5)).toBe('2027-01-04T16:59:59.999Z');
  });

  it('New Year pushes a first response from Thursday 31 December to Wednesday 6 January', () => {
    expect(due('2026-12-31T02:00:00.000Z', 3)).toBe('2027-01-06T16:59:59.999Z');
  });

  it('a ticket received on New Year itself counts from the Monday after', () => {
    expect(due('2027-01-01T03:00:00.000Z', 3)).toBe('2027-01-06T16:59:59.999Z');
  });

  it('a dispute of 14 working days from Wednesday 23 December skips both holidays: Thursday 14 January', () => {
    expect(due('2026-12-23T02:00:00.000Z', 14)).toBe('2027-01-14T16:59:59.999Z');
  });

  it('a holiday of hand-made rules is skipped the same way', () => {
    const calendar = workingCalendar(rules(420, ['2026-12-01']));
    expect(due('2026-11-27T12:00:00.000Z', 3, calendar)).toBe('2026-12-03T16:59:59.999Z');
  });
});

describe('60 working days (a dispute with a field check)', () => {
  const fridayEvening = '2026-11-27T12:00:00.000Z';

  it('from Friday 27 November is due at the end of Tuesday 23 February 2027, two holidays included', () => {
    // Twelve whole weeks from Monday 30 November end on Friday 19 February; Christmas and New Year add two days.
    expect(DEFAULT_RULES.deadlines.resolution['dispute-field-check'].workingDays).toBe(60);
    expect(due(fridayEvening, 60)).toBe('2027-02-23T16:59:59.999Z');
  });

  it('without holidays is due at the end of Friday 19 February 2027', () => {
    expect(due(fridayEvening, 60, workingCalendar(rules(420)))).toBe('2027-02-19T16:59:59.999Z');
  });
});

describe('the resolution rule of a ticket', () => {
  it('is its kind for a complaint or an information request, a field check or not', () => {
    expect(resolutionRule('complaint', false)).toBe('complaint');
    expect(resolutionRule('complaint', true)).toBe('complaint');
    expect(resolutionRule('information-request', false)).toBe('information-request');
    expect(resolutionRule('information-request', true)).toBe('information-request');
  });

  it('is `dispute` for a dispute without a field check and `dispute-field-check` with one', () => {
    expect(resolutionRule('dispute', false)).toBe('dispute');
    expect(resolutionRule('dispute', true)).toBe('dispute-field-check');
  });

  it('names a deadline of the shipped rules: 5, 5, 14 and 60 working days', () => {
    const days = (kind: 'complaint' | 'information-request' | 'dispute', fieldCheck: boolean) =>
      DEFAULT_RULES.deadlines.resolution[resolutionRule(kind, fieldCheck)].workingDays;
    expect([
      days('complaint', false),
      days('information-request', false),
      days('dispute', false),
      days('dispute', true),
    ]).toEqual([5, 5, 14, 60]);
  });
});
