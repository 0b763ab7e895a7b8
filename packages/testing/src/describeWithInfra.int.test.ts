import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { describeWithInfra, infraSuiteMode } from './describeWithInfra';
import type { DockerProbe } from './infra';

const noDocker = (): DockerProbe => ({ available: false, reason: 'no Docker engine (test)' });

describe('infraSuiteMode', () => {
  it('runs when the environment gives an endpoint', () => {
    expect(infraSuiteMode('kafka', { env: { KAFKA_BROKERS: 'b:9092' }, probeDocker: noDocker })).toEqual({ mode: 'run' });
  });

  it('runs when a Docker engine answers', () => {
    const docker = (): DockerProbe => ({ available: true, endpoint: 'unix:///docker.sock' });
    expect(infraSuiteMode('esdb', { env: {}, probeDocker: docker })).toEqual({ mode: 'run' });
  });

  it('skips with the reason when neither is there', () => {
    expect(infraSuiteMode('kafka', { env: {}, probeDocker: noDocker })).toEqual({
      mode: 'skip',
      reason: 'kafka: KAFKA_BROKERS is unset and no Docker engine (test)',
    });
  });

  it('fails instead when REQUIRE_INFRA names the kind', () => {
    expect(infraSuiteMode('kafka', { env: { REQUIRE_INFRA: 'kafka' }, probeDocker: noDocker })).toEqual({
      mode: 'fail',
      reason: 'REQUIRE_INFRA names kafka, but kafka: KAFKA_BROKERS is unset and no Docker engine (test)',
    });
  });
});

describe('describeWithInfra', () => {
  describe('when the infrastructure is missing and not required', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    describeWithInfra('esdb', () => {
      it('does not run the tests', () => {
        throw new Error('a test of a skipped suite ran');
      });
    }, { env: {}, probeDocker: noDocker });
    const printed = [...warn.mock.calls];
    warn.mockRestore();

    it('prints why it skipped', () => {
      expect(printed).toEqual([['skipping "with esdb": esdb: ESDB_CONNECTION_STRING is unset and no Docker engine (test)']]);
    });
  });

  describe('when the environment gives an endpoint', () => {
    const server = createServer((socket) => socket.end());
    // The variable must be set while jest collects tests; the port is known only once the server listens.
    const env: Record<string, string> = { KAFKA_BROKERS: 'pending' };
    beforeAll(
      () =>
        new Promise<void>((resolve) =>
          server.listen(0, '127.0.0.1', () => {
            env.KAFKA_BROKERS = `127.0.0.1:${(server.address() as AddressInfo).port}`;
            resolve();
          }),
        ),
    );
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    describeWithInfra('kafka', (getInfra) => {
      it('hands the endpoint to the tests', () => {
        expect(getInfra()).toMatchObject({ kind: 'kafka', source: 'env', brokers: [env.KAFKA_BROKERS] });
      });
    }, { env, probeDocker: noDocker });
  });
});
