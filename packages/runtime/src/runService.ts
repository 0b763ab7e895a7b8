import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openLocalBus, startRelay, type Bus, type Relay } from '@asn/bus';
import { cityDate, Topics, type Context } from '@asn/contracts';
import type { EventStore, VerifiableStore } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { loadOrCreateMasterKey } from '@asn/privacy';
import {
  ConfigError,
  createLogger,
  createSqliteIdempotencyStore,
  createTokenVerifier,
  openLocalIssuer,
  serve,
  type Logger,
  type ShutdownHook,
  type SqliteIdempotencyStore,
  type TokenVerifier,
} from '@asn/service-kit';
import type { ServiceConfig } from './config';
import { contractCheck } from './contractCheck';

/** A service: one of the contexts that publish a topic, or the reporting service, which only reads them. */
export type ServiceName = Context | 'reporting';

const isPublishing = (name: ServiceName): name is Context => name in Topics;

/** The adapters every service is built from, opened by {@link runService} from the settings. */
export interface ServiceRuntime<Config extends ServiceConfig = ServiceConfig> {
  /** The service's name: its context (file names, relay checkpoint, Kafka client id, log `service`). */
  readonly name: ServiceName;
  readonly config: Config;
  readonly logger: Logger;
  readonly dataDir: string;
  /**
   * The event store file, DATA_DIR/asn.db, shared by every service of a deployment. SQLite only: with
   * EVENT_STORE=esdb nothing is stored there.
   */
  readonly storePath: string;
  /** The configured engine: SQLite (EVENT_STORE=sqlite, the default) or EventStoreDB (EVENT_STORE=esdb); both read their stored form (verify, digests). */
  readonly store: EventStore & VerifiableStore;
  /** Which engine `store` is. */
  readonly engine: ServiceConfig['EVENT_STORE'];
  /** DATA_DIR/<name>.idempotency.db. */
  readonly idempotency: SqliteIdempotencyStore;
  /** Verifies bearer tokens against AUTH_JWKS_URL, or the local issuer's key in DATA_DIR. */
  readonly auth: TokenVerifier;
  /** PRIVACY_MASTER_KEY_FILE, or DATA_DIR/privacy.master.key (created on first start). */
  readonly masterKey: Buffer;
  /** For consuming other contexts' topics: the local bus over the store file, or Kafka (BUS=kafka). */
  readonly bus: Bus;
  /** The relay of this service's events to Kafka (BUS=kafka); undefined on the local bus. */
  readonly relay: Relay | undefined;
  /** The service's clock: the machine's, or one started at CLOCK_START. Pass it to createApp. */
  readonly now: () => Date;
  /** The city's date now (CITY_UTC_OFFSET_MINUTES on `now`). Pass it to createApp. */
  readonly today: () => string;
}

/** What a service's `start` hands back: its app, and what to stop before the runtime's adapters close. */
export interface StartedService {
  /** The express app (createApp(deps).app); served by the runtime. */
  readonly app: Parameters<typeof serve>[0];
  /** Run first on SIGTERM, in order (read models, consumers, the service's own files). */
  readonly shutdown?: readonly ShutdownHook[];
}

export interface RunServiceOptions<Config extends ServiceConfig> {
  readonly context: ServiceName;
  /** Parses the environment; a ConfigError makes the process exit 78 (EX_CONFIG) with the bad keys on stderr. */
  readonly loadConfig: () => Config;
  /** From startTelemetry, which the service's main.ts calls before anything loads express. */
  readonly stopTelemetry: () => Promise<void>;
  readonly start: (runtime: ServiceRuntime<Config>) => StartedService | Promise<StartedService>;
}

const MIB = 1024 * 1024;

const loadOrExit = async <Config extends ServiceConfig>(options: RunServiceOptions<Config>): Promise<Config> => {
  try {
    return options.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${options.context}: ${error.message}\n`);
    await options.stopTelemetry();
    process.exit(78); // EX_CONFIG
  }
};

const open = async <Config extends ServiceConfig>(
  name: ServiceName,
  config: Config,
): Promise<ServiceRuntime<Config>> => {
  const logger = createLogger({ service: name, level: config.LOG_LEVEL });
  const dataDir = config.DATA_DIR;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const storePath = join(dataDir, 'asn.db');
  const mmapBytes = config.STORE_MMAP_MB * MIB;
  const sqlite: SqliteEventStore | undefined =
    config.EVENT_STORE === 'sqlite' ? openSqliteEventStore({ path: storePath, mmapBytes, checkEvent: contractCheck }) : undefined;
  const store: EventStore & VerifiableStore = sqlite ?? (await openEsdb(config));
  // NORMAL, not FULL: commands derive their event ids from the Idempotency-Key, so a record lost with the
  // power makes a retry run again and find its own events; the event store alone carries durability.
  const idempotency = createSqliteIdempotencyStore({
    database: join(dataDir, `${name}.idempotency.db`),
    synchronous: 'NORMAL',
  });
  const masterKey = loadOrCreateMasterKey(config.PRIVACY_MASTER_KEY_FILE ?? join(dataDir, 'privacy.master.key'));
  const jwks = config.AUTH_JWKS_URL ? new URL(config.AUTH_JWKS_URL) : (await openLocalIssuer({ dataDir })).jwks;
  const auth = createTokenVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    algorithms: config.AUTH_ALGORITHMS,
    jwks,
  });

  let bus: Bus;
  let relay: Relay | undefined;
  if (config.BUS === 'kafka' && config.KAFKA_BROKERS && !sqlite) {
    // EventStoreDB: the relay runs on the main thread over the port, its checkpoint kept in ESDB (ADR 0009).
    const { openKafkaBus } = await import('@asn/bus-kafka');
    const { EsdbEventStore } = await import('@asn/event-store-esdb');
    const kafkaBus = openKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: name, topicPrefix: config.KAFKA_TOPIC_PREFIX });
    bus = kafkaBus;
    relay =
      isPublishing(name) && store instanceof EsdbEventStore
        ? startRelay({ store, checkpoint: store.checkpoints(`relay:${name}`), context: name, publisher: kafkaBus, logger })
        : undefined;
  } else if (config.BUS === 'kafka' && config.KAFKA_BROKERS) {
    // Loaded only for Kafka: the embedded default never loads kafkajs.
    const { openKafkaBus, startRelayThread } = await import('@asn/bus-kafka');
    const kafka = { brokers: config.KAFKA_BROKERS, clientId: name, topicPrefix: config.KAFKA_TOPIC_PREFIX };
    bus = openKafkaBus(kafka);
    // The relay publishes this service's categories. It runs on a worker thread with its own store
    // connection and producer: on the main thread it competes with the requests that commit
    // (docs/benchmarks.md, relay line).
    // A service that publishes nothing (reporting) has no relay.
    relay = !isPublishing(name)
      ? undefined
      : startRelayThread({
          storePath,
          mmapBytes,
          context: name,
          checkpoint: `relay:${name}`,
          kafka,
          logger,
          killAfterPublish: config.FAULT_POINTS.includes('relay.afterPublish'),
        });
  } else {
    // On the local bus the store file is the bus: a commit is the publication, consumers read the global log.
    // config.ts refuses EVENT_STORE=esdb with BUS=local, so here the store is the SQLite one.
    if (!sqlite) throw new Error('the local bus needs EVENT_STORE=sqlite');
    bus = openLocalBus({ store: sqlite, path: storePath });
  }
  const offsetMs = config.CLOCK_START === undefined ? 0 : Date.parse(config.CLOCK_START) - Date.now();
  if (offsetMs !== 0)
    logger.warn({ clockStart: config.CLOCK_START }, 'the service clock starts at CLOCK_START, not now');
  const now = offsetMs === 0 ? () => new Date() : () => new Date(Date.now() + offsetMs);
  const today = () => cityDate(now(), config.CITY_UTC_OFFSET_MINUTES);
  return { name, config, logger, dataDir, storePath, store, engine: config.EVENT_STORE, idempotency, auth, masterKey, bus, relay, now, today };
};

/** EventStoreDB, loaded only when configured: the embedded default never loads the gRPC client. */
const openEsdb = async (config: ServiceConfig): Promise<EventStore & VerifiableStore> => {
  if (!config.ESDB_CONNECTION_STRING) throw new ConfigError([{ key: 'ESDB_CONNECTION_STRING', message: 'required when EVENT_STORE=esdb' }]);
  const { connectEsdb, openEsdbEventStore } = await import('@asn/event-store-esdb');
  return openEsdbEventStore({ client: connectEsdb(config.ESDB_CONNECTION_STRING), checkEvent: contractCheck });
};

/**
 * Runs a service process: parses its settings (exit 78 on a bad one), creates DATA_DIR (0700), opens the
 * shared adapters, calls `start`, serves the app and, on SIGTERM, drains requests and closes in order: the
 * service's own hooks, the relay, the bus, the idempotency store, the event store, telemetry. A failure to
 * start is written to stderr and exits 1.
 */
export const runService = async <Config extends ServiceConfig>(options: RunServiceOptions<Config>): Promise<void> => {
  const { context } = options;
  try {
    const config = await loadOrExit(options);
    const runtime = await open(context, config);
    const started = await options.start(runtime);
    const { relay, bus, idempotency, store, logger } = runtime;
    await serve(started.app, {
      port: config.PORT,
      host: config.HOST,
      logger,
      drainTimeoutMs: config.SHUTDOWN_DRAIN_MS,
      onShutdown: [
        ...(started.shutdown ?? []),
        { name: 'relay', run: async () => relay?.stop() },
        { name: 'bus', run: () => bus.close() },
        { name: 'idempotency store', run: () => idempotency.close() },
        { name: 'event store', run: () => store.close() },
        { name: 'telemetry', run: () => options.stopTelemetry() },
      ],
    });
  } catch (error) {
    process.stderr.write(
      `${context}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
};
