import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@asn/service-kit';
import { loadServiceConfig, serviceConfig } from './config';

const schema = serviceConfig({ port: 3009, audience: 'evaluation' });

describe('the common settings', () => {
  it('default to the embedded default: local bus, the service port and audience, the machine clock', () => {
    const config = loadServiceConfig(schema, {});
    expect(config).toMatchObject({ PORT: 3009, AUTH_AUDIENCE: 'evaluation', BUS: 'local', DATA_DIR: './data' });
    expect(config.CLOCK_START).toBeUndefined();
  });

  it('need brokers for BUS=kafka, and name the key', () => {
    expect(() => loadServiceConfig(schema, { BUS: 'kafka' })).toThrow(ConfigError);
    expect(() => loadServiceConfig(schema, { BUS: 'kafka' })).toThrow(/KAFKA_BROKERS: required when BUS=kafka/);
    expect(loadServiceConfig(schema, { BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' }).KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
  });

  it('take a clock start only as a full ISO date-time', () => {
    expect(loadServiceConfig(schema, { CLOCK_START: '2027-03-08T08:00:00+07:00' }).CLOCK_START).toBe('2027-03-08T08:00:00+07:00');
    expect(() => loadServiceConfig(schema, { CLOCK_START: '2027-03-08' })).toThrow(/CLOCK_START/);
    expect(() => loadServiceConfig(schema, { CLOCK_START: 'tomorrow' })).toThrow(/CLOCK_START/);
  });
});
