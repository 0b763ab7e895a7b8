import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@asn/service-kit';
import { loadConfig } from './config';

describe('the training settings', () => {
  it('defaults to port 3003 and the audience training', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3003, AUTH_AUDIENCE: 'training', BUS: 'local' });
    expect(loadConfig({}).RULES_FILE).toBeUndefined();
  });

  it('takes a rules file, and refuses Kafka without brokers', () => {
    expect(loadConfig({ RULES_FILE: '/etc/asn/training-rules.json' }).RULES_FILE).toBe('/etc/asn/training-rules.json');
    expect(() => loadConfig({ BUS: 'kafka' })).toThrow(ConfigError);
  });
});
