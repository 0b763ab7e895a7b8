import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@asn/service-kit';
import { DEFAULT_FEEDBACK_RULES } from '@asn/contracts';
import { assertCityClock, loadServiceConfig, serviceConfig } from './config';

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

describe("the city's clock", () => {
  it("is WIB's by default, takes another Indonesian zone's offset, and refuses one no clock keeps", () => {
    expect(loadServiceConfig(schema, {}).CITY_UTC_OFFSET_MINUTES).toBe(420);
    expect(loadServiceConfig(schema, { CITY_UTC_OFFSET_MINUTES: '480' }).CITY_UTC_OFFSET_MINUTES).toBe(480);
    for (const bad of ['900', '-800', '7.5', 'WIB']) expect(() => loadServiceConfig(schema, { CITY_UTC_OFFSET_MINUTES: bad })).toThrow(/CITY_UTC_OFFSET_MINUTES/);
  });

  it("must be the feedback rules' working calendar's, or the service does not start", () => {
    expect(() => assertCityClock({ CITY_UTC_OFFSET_MINUTES: 420 }, DEFAULT_FEEDBACK_RULES)).not.toThrow();
    expect(() => assertCityClock({ CITY_UTC_OFFSET_MINUTES: 480 }, DEFAULT_FEEDBACK_RULES)).toThrow(ConfigError);
    expect(() => assertCityClock({ CITY_UTC_OFFSET_MINUTES: 480 }, DEFAULT_FEEDBACK_RULES)).toThrow(/CITY_UTC_OFFSET_MINUTES: is 480, but the feedback rules .* keep their working calendar at 420/);
  });
});

describe('the choice of engines', () => {
  const esdb = 'esdb://127.0.0.1:2113?tls=false';

  it('defaults to the SQLite store', () => {
    expect(loadServiceConfig(schema, {}).EVENT_STORE).toBe('sqlite');
  });

  it('takes EventStoreDB with its connection string and the Kafka bus', () => {
    const config = loadServiceConfig(schema, { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: esdb, BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(config).toMatchObject({ EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: esdb, BUS: 'kafka' });
  });

  it('refuses EventStoreDB without a connection string, naming the key', () => {
    expect(() => loadServiceConfig(schema, { EVENT_STORE: 'esdb', BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' })).toThrow(
      /ESDB_CONNECTION_STRING: required when EVENT_STORE=esdb/,
    );
  });

  it('refuses EventStoreDB on the local bus, saying why', () => {
    expect(() => loadServiceConfig(schema, { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: esdb })).toThrow(ConfigError);
    expect(() => loadServiceConfig(schema, { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: esdb, BUS: 'local' })).toThrow(
      /BUS: EVENT_STORE=esdb needs BUS=kafka/,
    );
  });

  it('names every bad key of a bad combination at once', () => {
    expect(() => loadServiceConfig(schema, { EVENT_STORE: 'esdb' })).toThrow(/ESDB_CONNECTION_STRING[\s\S]*BUS|BUS[\s\S]*ESDB_CONNECTION_STRING/);
  });

  it('refuses an unknown engine and a connection string that is not esdb://', () => {
    expect(() => loadServiceConfig(schema, { EVENT_STORE: 'postgres' })).toThrow(/EVENT_STORE/);
    expect(() =>
      loadServiceConfig(schema, { EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: 'http://x:2113', BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' }),
    ).toThrow(/ESDB_CONNECTION_STRING: must be an esdb:\/\/ connection string/);
  });
});
