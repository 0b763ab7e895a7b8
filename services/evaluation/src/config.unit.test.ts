import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@asn/service-kit';
import { loadConfig } from './config';

describe('the evaluation settings', () => {
  it('default to port 3002, the audience evaluation and the local bus', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3002, AUTH_AUDIENCE: 'evaluation', BUS: 'local' });
  });
  it('take a rules file', () => {
    expect(loadConfig({ RULES_FILE: '/etc/asn/evaluation-rules.json' }).RULES_FILE).toBe('/etc/asn/evaluation-rules.json');
  });
  it('refuse a bad port and Kafka without brokers, naming the keys', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ BUS: 'kafka' })).toThrow(/KAFKA_BROKERS/);
  });
});
