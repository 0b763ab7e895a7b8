import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@asn/service-kit';
import { loadConfig } from './config';

const problemsOf = (env: Record<string, string>): readonly { key: string; message: string }[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the settings were accepted');
};

describe('the feedback settings', () => {
  it('default to port 3004, the audience feedback, 180 days of contact retention and 10 reports per 10 minutes', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3004,
      AUTH_AUDIENCE: 'feedback',
      BUS: 'local',
      TRUST_PROXY_HOPS: 0,
      CONTACT_RETENTION_DAYS: 180,
      PUBLIC_RATE_LIMIT: 10,
      PUBLIC_RATE_WINDOW_SECONDS: 600,
      SWEEP_INTERVAL_SECONDS: 300,
    });
    expect(config.RULES_FILE).toBeUndefined();
    expect(config.INTAKE_UNIT_ID).toBeUndefined();
  });

  it('takes its own keys from the environment as numbers', () => {
    const config = loadConfig({
      RULES_FILE: '/etc/asn/feedback-rules.json',
      CONTACT_RETENTION_DAYS: '0',
      PUBLIC_RATE_LIMIT: '3',
      PUBLIC_RATE_WINDOW_SECONDS: '60',
      SWEEP_INTERVAL_SECONDS: '30',
      TRUST_PROXY_HOPS: '1',
    });
    expect(config).toMatchObject({ RULES_FILE: '/etc/asn/feedback-rules.json', CONTACT_RETENTION_DAYS: 0, PUBLIC_RATE_LIMIT: 3, PUBLIC_RATE_WINDOW_SECONDS: 60, SWEEP_INTERVAL_SECONDS: 30, TRUST_PROXY_HOPS: 1 });
  });

  it('takes the intake unit as a UUID, in lower case', () => {
    expect(loadConfig({ INTAKE_UNIT_ID: '0190A000-0000-7000-8000-000000000001' }).INTAKE_UNIT_ID).toBe('0190a000-0000-7000-8000-000000000001');
    expect(problemsOf({ INTAKE_UNIT_ID: 'dinas-kesehatan' }).map((p) => p.key)).toEqual(['INTAKE_UNIT_ID']);
  });

  it('names every bad key in one ConfigError, never echoing a value', () => {
    const env = {
      CONTACT_RETENTION_DAYS: '-1',
      PUBLIC_RATE_LIMIT: '0',
      PUBLIC_RATE_WINDOW_SECONDS: 'ten',
      SWEEP_INTERVAL_SECONDS: '86401',
      INTAKE_UNIT_ID: 'not-a-unit-xyz',
    };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    const problems = problemsOf(env);
    expect(problems.map((p) => p.key).sort()).toEqual(['CONTACT_RETENTION_DAYS', 'INTAKE_UNIT_ID', 'PUBLIC_RATE_LIMIT', 'PUBLIC_RATE_WINDOW_SECONDS', 'SWEEP_INTERVAL_SECONDS']);
    expect(() => loadConfig(env)).toThrow(/CONTACT_RETENTION_DAYS: /);
    expect(() => loadConfig(env)).not.toThrow(/not-a-unit-xyz/);
  });

  it('refuses a retention beyond ten years and Kafka without brokers', () => {
    expect(problemsOf({ CONTACT_RETENTION_DAYS: '3651' }).map((p) => p.key)).toEqual(['CONTACT_RETENTION_DAYS']);
    expect(problemsOf({ BUS: 'kafka' }).map((p) => p.key)).toEqual(['KAFKA_BROKERS']);
  });
});
