/**
 * The city's clock. Decisions, appraisals, training and reports are dated by the city's calendar, not by UTC's:
 * between midnight and 07:00 in Tanjungbalai, UTC's date is still yesterday. Indonesia keeps no daylight saving,
 * so an offset is the whole clock: WIB (Western Indonesia Time, Tanjungbalai's) UTC+7, WITA +8, WIT +9.
 */
export const WIB_UTC_OFFSET_MINUTES = 420;

/** The city's calendar date (YYYY-MM-DD) at an instant. */
export const cityDate = (at: Date, utcOffsetMinutes: number = WIB_UTC_OFFSET_MINUTES): string =>
  new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
