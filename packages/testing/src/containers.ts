import { randomBytes } from 'node:crypto';
import { GenericContainer, Wait } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import type { EsdbInfra, Infra, InfraKind, KafkaInfra } from './infra';

/** Images used when discovery starts containers; the Kafka major matches infra/kafka. */
export const INFRA_IMAGES: Readonly<Record<InfraKind, string>> = {
  kafka: 'apache/kafka:4.1.0',
  esdb: 'eventstore/eventstore:24.10',
};

const STARTUP_TIMEOUT_MS = 120_000;
const KAFKA_PORT = 9093;
const STARTER = '/tmp/asn-start.sh';

/** Resolves when `text` appears in the container's log; rejects after `timeoutMs`. */
const waitForLog = async (container: StartedTestContainer, text: string, timeoutMs: number): Promise<void> => {
  const logs = await container.logs();
  try {
    await new Promise<void>((resolve, reject) => {
      let tail = '';
      const timer = setTimeout(() => reject(new Error(`no "${text}" in the container log within ${timeoutMs} ms`)), timeoutMs);
      logs.on('data', (chunk: Buffer | string) => {
        // Keep a tail so a phrase split across chunks is still seen.
        tail = (tail + chunk.toString()).slice(-4 * text.length - 4096);
        if (tail.includes(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
      logs.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    logs.destroy();
  }
};

/**
 * A single-node KRaft broker. Clients must be told the host and mapped port, which exist only once the
 * container runs, so the container waits for a starter script that exports them, then runs the image's own
 * entry point (the approach of the testcontainers Kafka modules).
 */
export const startKafkaContainer = async (image = INFRA_IMAGES.kafka): Promise<KafkaInfra> => {
  const container = await new GenericContainer(image)
    .withEnvironment({
      // KRaft wants a cluster id of 16 bytes in base64url.
      CLUSTER_ID: randomBytes(16).toString('base64url'),
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${KAFKA_PORT},BROKER://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9094',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withExposedPorts(KAFKA_PORT)
    .withEntrypoint(['sh'])
    .withCommand(['-c', `echo 'waiting for starter'; while [ ! -f ${STARTER} ]; do sleep 0.1; done; sh ${STARTER}`])
    .withWaitStrategy(Wait.forLogMessage('waiting for starter'))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  try {
    const broker = `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`;
    const script = `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${broker},BROKER://localhost:9092\nexec /etc/kafka/docker/run\n`;
    await container.copyContentToContainer([{ content: script, target: STARTER, mode: 0o755 }]);
    await waitForLog(container, 'Kafka Server started', STARTUP_TIMEOUT_MS);
    return { kind: 'kafka', source: 'container', brokers: [broker], stop: async () => void (await container.stop()) };
  } catch (error) {
    await container.stop();
    throw error;
  }
};

/** A single in-memory EventStoreDB node, insecure (no TLS), ready when its liveness probe answers. */
export const startEsdbContainer = async (image = INFRA_IMAGES.esdb): Promise<EsdbInfra> => {
  const container = await new GenericContainer(image)
    .withEnvironment({
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_CLUSTER_SIZE: '1',
      EVENTSTORE_MEM_DB: 'true',
      EVENTSTORE_RUN_PROJECTIONS: 'All',
      EVENTSTORE_START_STANDARD_PROJECTIONS: 'true',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return {
    kind: 'esdb',
    source: 'container',
    connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: async () => void (await container.stop()),
  };
};

/** Starts a container for `kind`. */
export const startContainer = async (kind: InfraKind): Promise<Infra> =>
  kind === 'kafka' ? startKafkaContainer() : startEsdbContainer();
