import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config';

describe('the personnel configuration', () => {
  it('pins the token algorithms it is given', () => {
    expect(loadConfig({}).AUTH_ALGORITHMS).toEqual(['ES256']);
    expect(loadConfig({ AUTH_ALGORITHMS: 'RS256, ES256' }).AUTH_ALGORITHMS).toEqual(['RS256', 'ES256']);
  });

  it('refuses algorithms that would let unsigned or symmetric tokens in, naming the key', () => {
    for (const bad of ['none', 'HS256', 'RS256,none', '']) {
      expect(() => loadConfig({ AUTH_ALGORITHMS: bad })).toThrow('AUTH_ALGORITHMS');
    }
  });
});

describe('the bus settings', () => {
  it('default to the local bus, and take Kafka brokers as a list', () => {
    expect(loadConfig({})).toMatchObject({ BUS: 'local', KAFKA_TOPIC_PREFIX: '', FAULT_POINTS: [] });
    expect(loadConfig({ BUS: 'kafka', KAFKA_BROKERS: 'a:9092,b:9092' }).KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
  });

  it('refuse a bad combination at start, naming the key', () => {
    expect(() => loadConfig({ BUS: 'kafka' })).toThrow('KAFKA_BROKERS: required when BUS=kafka');
    expect(() => loadConfig({ BUS: 'rabbit' })).toThrow('BUS');
    expect(() => loadConfig({ BUS: 'kafka', KAFKA_BROKERS: 'no port' })).toThrow('KAFKA_BROKERS');
    expect(() => loadConfig({ FAULT_POINTS: 'disk.full' })).toThrow('FAULT_POINTS');
  });
});
