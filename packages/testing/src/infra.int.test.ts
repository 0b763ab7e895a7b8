import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InfraConfigError,
  InfraRequiredError,
  InfraUnreachableError,
  discoverInfra,
  endpointsFromEnv,
  planInfra,
  probeDocker,
  requiredInfra,
} from './infra';
import type { DockerProbe, Infra } from './infra';

const noDocker = (): DockerProbe => ({ available: false, reason: 'no Docker engine (test)' });
const listening = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** A port on which nothing listens: one we just had and closed. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('discoverInfra', () => {
  describe('when the environment gives an endpoint that answers', () => {
    const server = createServer((socket) => socket.end());
    let port = 0;
    beforeAll(async () => {
      port = await listening(server);
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('uses the Kafka brokers it gives', async () => {
      const found = await discoverInfra('kafka', { env: { KAFKA_BROKERS: `127.0.0.1:${port}` }, probeDocker: noDocker });
      expect(found).toEqual({ found: true, infra: expect.objectContaining({ kind: 'kafka', source: 'env', brokers: [`127.0.0.1:${port}`] }) });
    });

    it('is content with one answering broker among several', async () => {
      const dead = await closedPort();
      const env = { KAFKA_BROKERS: `127.0.0.1:${dead}, 127.0.0.1:${port}` };
      const found = await discoverInfra('kafka', { env });
      expect(found.found && found.infra.brokers).toEqual([`127.0.0.1:${dead}`, `127.0.0.1:${port}`]);
    });

    it('uses the EventStoreDB connection string as given', async () => {
      const connectionString = `esdb://admin:changeit@127.0.0.1:${port}?tls=false`;
      const found = await discoverInfra('esdb', { env: { ESDB_CONNECTION_STRING: connectionString } });
      expect(found.found && found.infra).toMatchObject({ kind: 'esdb', source: 'env', connectionString });
      await expect((found as { infra: Infra<'esdb'> }).infra.stop()).resolves.toBeUndefined();
    });
  });

  describe('when the environment gives an endpoint that does not answer', () => {
    it('fails with the endpoint and the reason, even when not required', async () => {
      const port = await closedPort();
      const found = discoverInfra('kafka', { env: { KAFKA_BROKERS: `127.0.0.1:${port}` }, probeDocker: noDocker });
      await expect(found).rejects.toThrow(InfraUnreachableError);
      await expect(found).rejects.toThrow(`KAFKA_BROKERS is set, but nothing answered: 127.0.0.1:${port} (ECONNREFUSED)`);
    });

    it('does not print credentials from a connection string', async () => {
      const port = await closedPort();
      const env = { ESDB_CONNECTION_STRING: `esdb://admin:s3cret@127.0.0.1:${port}?tls=false` };
      const error = await discoverInfra('esdb', { env }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(InfraUnreachableError);
      expect((error as Error).message).not.toContain('s3cret');
    });
  });

  describe('when there is no endpoint and no Docker engine', () => {
    it('reports a skip with the reason', async () => {
      const found = await discoverInfra('kafka', { env: {}, probeDocker: noDocker });
      expect(found).toEqual({ found: false, reason: 'kafka: KAFKA_BROKERS is unset and no Docker engine (test)' });
    });

    it('fails when REQUIRE_INFRA names the kind', async () => {
      const found = discoverInfra('esdb', { env: { REQUIRE_INFRA: 'kafka, esdb' }, probeDocker: noDocker });
      await expect(found).rejects.toThrow(InfraRequiredError);
      await expect(found).rejects.toThrow(/REQUIRE_INFRA names esdb, but esdb: ESDB_CONNECTION_STRING is unset/);
    });

    it('still skips a kind REQUIRE_INFRA does not name', async () => {
      const found = await discoverInfra('esdb', { env: { REQUIRE_INFRA: 'kafka' }, probeDocker: noDocker });
      expect(found.found).toBe(false);
    });
  });

  describe('when a Docker engine answers', () => {
    it('starts a container and hands it over', async () => {
      const stop = async () => {};
      const started: string[] = [];
      const found = await discoverInfra('kafka', {
        env: {},
        probeDocker: () => ({ available: true, endpoint: 'unix:///test.sock' }),
        startContainer: async (kind) => {
          started.push(kind);
          return { kind: 'kafka', source: 'container', brokers: ['localhost:32768'], stop };
        },
      });
      expect(started).toEqual(['kafka']);
      expect(found).toEqual({ found: true, infra: { kind: 'kafka', source: 'container', brokers: ['localhost:32768'], stop } });
    });
  });
});

describe('planInfra', () => {
  it('prefers the environment over Docker, without touching the network', () => {
    const probe = (): DockerProbe => {
      throw new Error('Docker must not be probed when the environment decides');
    };
    expect(planInfra('kafka', { env: { KAFKA_BROKERS: 'broker:9092' }, probeDocker: probe })).toEqual({
      kind: 'kafka',
      via: 'env',
      variable: 'KAFKA_BROKERS',
    });
  });

  it('treats a blank variable as unset', () => {
    expect(planInfra('kafka', { env: { KAFKA_BROKERS: '  ' }, probeDocker: noDocker }).via).toBe('none');
  });
});

describe('probeDocker', () => {
  it('reports no engine when DOCKER_HOST names a socket that does not exist', () => {
    const probe = probeDocker({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(probe).toEqual({ available: false, reason: 'no Docker engine answered at unix:///nonexistent/docker.sock' });
  });

  it('reports no engine when a tcp DOCKER_HOST refuses connections', async () => {
    const port = await closedPort();
    expect(probeDocker({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }).available).toBe(false);
  });
});

describe('requiredInfra', () => {
  it('reads a comma list, ignoring case and spaces', () => {
    expect([...requiredInfra({ REQUIRE_INFRA: 'Kafka, esdb' })]).toEqual(['kafka', 'esdb']);
    expect([...requiredInfra({ REQUIRE_INFRA: 'all' })]).toEqual(['kafka', 'esdb']);
    expect(requiredInfra({}).size).toBe(0);
  });

  it('refuses an unknown name, so a typo cannot hide a tier', () => {
    expect(() => requiredInfra({ REQUIRE_INFRA: 'kakfa' })).toThrow(InfraConfigError);
  });
});

describe('endpointsFromEnv', () => {
  it('reads brokers, IPv6 included', () => {
    expect(endpointsFromEnv('kafka', 'a:9092,[::1]:9093')).toEqual([
      { host: 'a', port: 9092 },
      { host: '::1', port: 9093 },
    ]);
  });

  it('reads EventStoreDB hosts, with the default port', () => {
    expect(endpointsFromEnv('esdb', 'esdb+discover://u:p@n1,n2:2114?tls=false')).toEqual([
      { host: 'n1', port: 2113 },
      { host: 'n2', port: 2114 },
    ]);
  });

  it.each([
    ['kafka', 'broker'],
    ['kafka', ','],
    ['kafka', 'broker:99999'],
    ['esdb', 'http://localhost:2113'],
  ] as const)('refuses %s endpoint %p', (kind, value) => {
    expect(() => endpointsFromEnv(kind, value)).toThrow(InfraConfigError);
  });
});
