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

describe('the reporting settings', () => {
  it('default to port 3005, the audience reporting, the local bus and a digest a day', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3005,
      AUTH_AUDIENCE: 'reporting',
      BUS: 'local',
      DIGEST_INTERVAL_MINUTES: 1440,
    });
    expect(config.DIGEST_KEY_FILE).toBeUndefined();
  });

  it('takes a key file and an interval, 0 turning the schedule off', () => {
    expect(loadConfig({ DIGEST_KEY_FILE: '/etc/asn/digest-signing.key', DIGEST_INTERVAL_MINUTES: '60' })).toMatchObject(
      { DIGEST_KEY_FILE: '/etc/asn/digest-signing.key', DIGEST_INTERVAL_MINUTES: 60 },
    );
    expect(loadConfig({ DIGEST_INTERVAL_MINUTES: '0' }).DIGEST_INTERVAL_MINUTES).toBe(0);
    expect(loadConfig({ DIGEST_INTERVAL_MINUTES: '10080' }).DIGEST_INTERVAL_MINUTES).toBe(10_080);
  });

  it("takes the feedback and training services' rules files, none by default", () => {
    expect(loadConfig({}).FEEDBACK_RULES_FILE).toBeUndefined();
    expect(loadConfig({ FEEDBACK_RULES_FILE: '/etc/asn/feedback-rules.json' }).FEEDBACK_RULES_FILE).toBe('/etc/asn/feedback-rules.json');
    expect(loadConfig({}).TRAINING_RULES_FILE).toBeUndefined();
    expect(loadConfig({ TRAINING_RULES_FILE: '/etc/asn/training-rules.json' }).TRAINING_RULES_FILE).toBe('/etc/asn/training-rules.json');
  });

  it.each(['-1', '1.5', 'daily', '10081'])('refuses DIGEST_INTERVAL_MINUTES=%s, naming the key', (value) => {
    expect(problemsOf({ DIGEST_INTERVAL_MINUTES: value }).map((p) => p.key)).toEqual(['DIGEST_INTERVAL_MINUTES']);
  });

  it('names every bad key in one ConfigError, never echoing a value', () => {
    const env = { DIGEST_INTERVAL_MINUTES: 'secret-ish-value', DIGEST_KEY_FILE: '', PORT: '70000' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    const problems = problemsOf(env);
    expect(problems.map((p) => p.key).sort()).toEqual(['DIGEST_INTERVAL_MINUTES', 'DIGEST_KEY_FILE', 'PORT']);
    expect(JSON.stringify(problems)).not.toContain('secret-ish-value');
  });

  it('refuses Kafka without brokers', () => {
    expect(problemsOf({ BUS: 'kafka' }).map((p) => p.key)).toEqual(['KAFKA_BROKERS']);
    expect(loadConfig({ BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' }).BUS).toBe('kafka');
  });
});
