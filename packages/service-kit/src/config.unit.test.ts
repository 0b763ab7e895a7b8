import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, parseConfig } from './config';

const Config = z.object({
  PORT: z.coerce.number().int().min(1).max(65535),
  DATA_DIR: z.string().min(1),
  JWT_SECRET: z.string().min(32),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn']).default('info'),
});

describe('parseConfig', () => {
  it('returns the typed config with defaults', () => {
    const config = parseConfig(Config, { PORT: '8080', DATA_DIR: './data', JWT_SECRET: 'x'.repeat(32) });
    expect(config).toEqual({ PORT: 8080, DATA_DIR: './data', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'info' });
  });

  it('names every bad key, marks missing ones, and never echoes a value', () => {
    const secret = 'hunter2-too-short';
    let error: unknown;
    try {
      parseConfig(Config, { PORT: 'eighty', JWT_SECRET: secret, LOG_LEVEL: 'chatty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.key).sort()).toEqual(['DATA_DIR', 'JWT_SECRET', 'LOG_LEVEL', 'PORT']);
    expect(problems.find((p) => p.key === 'DATA_DIR')?.message).toBe('required');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('eighty');
    expect(message).not.toContain('chatty');
  });

  it('reports unknown keys of a strict schema by name', () => {
    expect(() => parseConfig(z.strictObject({ A: z.string() }), { A: 'a', B: 'secret-value' })).toThrow(/B: not a known setting/);
  });
});
