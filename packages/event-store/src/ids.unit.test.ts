import { describe, expect, it } from '@jest/globals';
import { derivedId, newId } from './ids';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('mints lowercase UUIDv7 ids that carry the time', () => {
    const id = newId(1_764_300_000_000);
    expect(id).toMatch(V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(1_764_300_000_000);
  });

  it('keeps ids increasing within one millisecond and when the clock steps back', () => {
    const ids = [newId(2_000_000_000_000), ...Array.from({ length: 5000 }, () => newId(2_000_000_000_000)), newId(1_999_999_999_000)];
    for (const id of ids) expect(id).toMatch(V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('derivedId', () => {
  it('gives the same UUIDv8 for the same seed and label, another for another', () => {
    const id = derivedId('seed-1', 'event-0');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedId('seed-1', 'event-0')).toBe(id);
    expect(derivedId('seed-1', 'event-1')).not.toBe(id);
    expect(derivedId('seed-2', 'event-0')).not.toBe(id);
  });
});
