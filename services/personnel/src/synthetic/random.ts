/**
 * A small seeded PRNG (mulberry32) and the draws the synthetic city needs. Deterministic by construction:
 * the same seed gives the same sequence on every machine, and nothing here reads the clock.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the items, each as likely as its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** A random UUIDv7-shaped id whose time part is `ms` (ids of later dates sort later). */
  uuid7(ms: number): string;
}

const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Mixes several integers into one 32-bit seed (FNV-1a over their bytes), e.g. (seed, employee index, attempt). */
export const mixSeed = (...parts: readonly number[]): number => {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    let value = Math.trunc(part) >>> 0;
    for (let i = 0; i < 4; i++) {
      hash ^= value & 0xff;
      hash = Math.imul(hash, 0x01000193) >>> 0;
      value >>>= 8;
    }
  }
  return hash >>> 0;
};

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0');

export const createRandom = (seed: number): Random => {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const word = (bits: number): number => Math.floor(next() * 2 ** bits);
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let draw = next() * total;
      for (const [item, weight] of items) {
        draw -= weight;
        if (draw < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new RangeError('weighted pick from an empty list');
      return last[0];
    },
    uuid7: (ms) => {
      const time = hex(Math.max(0, Math.trunc(ms)), 12);
      const variant = (0x8 | word(2)).toString(16);
      return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(word(12), 3)}-${variant}${hex(word(12), 3)}-${hex(word(24), 6)}${hex(word(24), 6)}`;
    },
  };
};
