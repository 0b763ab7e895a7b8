import { describe, expect, it } from '@jest/globals';
import { cityDate } from './cityClock';

describe("the city's date", () => {
  it("is WIB's by default: from 17:00 UTC on, Tanjungbalai is already on the next day", () => {
    expect(cityDate(new Date('2026-12-31T16:59:59.999Z'))).toBe('2026-12-31');
    expect(cityDate(new Date('2026-12-31T17:00:00.000Z'))).toBe('2027-01-01');
  });

  it("follows the offset it is given (WITA, WIT, and UTC's own)", () => {
    const at = new Date('2026-06-30T15:30:00Z');
    expect(cityDate(at, 480)).toBe('2026-06-30');
    expect(cityDate(at, 540)).toBe('2026-07-01');
    expect(cityDate(at, 0)).toBe('2026-06-30');
  });
});
