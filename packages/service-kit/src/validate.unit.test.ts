import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ValidationError } from './errors';
import { limitParam, MAX_JSON_DEPTH, parseInput } from './validate';

const Body = z.strictObject({ name: z.string(), tags: z.record(z.string(), z.string()) });

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
  }
  throw new Error('expected a ValidationError');
};

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput(Body, { name: 'Ni Luh Putu Ayu', tags: {} }, 'body')).toEqual({ name: 'Ni Luh Putu Ayu', tags: {} });
  });

  it('refuses __proto__ even where the schema allows any key (records)', () => {
    const issues = issuesOf(() => parseInput(Body, JSON.parse('{"name":"a","tags":{"__proto__":"x"}}'), 'body'));
    expect(issues).toEqual([{ in: 'body', path: 'tags.__proto__', code: 'forbidden_key', message: 'This key is not accepted.' }]);
  });

  it('refuses constructor keys', () => {
    const issues = issuesOf(() => parseInput(Body, { name: 'a', tags: { constructor: 'x' } }, 'body'));
    expect(issues[0]?.code).toBe('forbidden_key');
  });

  it('refuses input nested deeper than the limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_JSON_DEPTH + 1; i += 1) deep = [deep];
    expect(issuesOf(() => parseInput(z.unknown(), deep, 'body'))[0]?.code).toBe('too_deep');
  });

  it('lists issues without the offending values', () => {
    const issues = issuesOf(() => parseInput(Body, { name: 199001012020121001, tags: 'Sukarno' }, 'body'));
    expect(issues.map((i) => i.path)).toEqual(['name', 'tags']);
    expect(JSON.stringify(issues)).not.toMatch(/Sukarno|1990010120/);
  });
});

describe('limitParam', () => {
  const schema = z.strictObject({ limit: limitParam({ max: 50, fallback: 10 }) });
  it('clamps, defaults and refuses', () => {
    expect(schema.parse({ limit: '500' }).limit).toBe(50);
    expect(schema.parse({}).limit).toBe(10);
    expect(schema.safeParse({ limit: '-1' }).success).toBe(false);
    expect(schema.safeParse({ limit: '' }).success).toBe(false);
  });
});
