import { ConfigError, LOCAL_ISSUER, parseConfig } from '@asn/service-kit';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What differs between services in their common settings. */
export interface ServiceDefaults {
  /** Default TCP port (`./ledger start`: personnel 3001, evaluation 3002, training 3003, feedback 3004, reporting 3005). */
  readonly port: number;
  /** Default `aud` claim accepted: the service's own name. */
  readonly audience: string;
}

const commonShape = (defaults: ServiceDefaults) => ({
  /** TCP port of the HTTP API; 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(defaults.port),
  /** Interface to bind; loopback by default so that the embedded default is not exposed by accident. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the event store file, the local issuer's key and the idempotency records live. */
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Reverse proxies in front of the service, so that the client address is the caller's. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** The `aud` claim this service accepts. */
  AUTH_AUDIENCE: z.string().min(1).max(128).default(defaults.audience),
  /** The `iss` claim this service accepts; the local issuer of the embedded default unless set. */
  AUTH_ISSUER: z.string().min(1).default(LOCAL_ISSUER),
  /** The identity provider's JWKS URL; when unset, the local issuer's key in DATA_DIR is used. */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The token signature algorithms accepted, comma-separated; pinned, so `none` or a downgrade is refused.
   * The local issuer signs ES256; an OIDC provider usually signs RS256.
   */
  AUTH_ALGORITHMS: z
    .string()
    .default('ES256')
    .transform((list) => list.split(',').map((a) => a.trim()))
    .pipe(
      z
        .array(z.enum(['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']))
        .min(1),
    ),
  /**
   * The master key that wraps every subject's data key and keys the blind indexes (32 bytes, created on first
   * start). Default: DATA_DIR/privacy.master.key. Keep it apart from backups of the data files.
   */
  PRIVACY_MASTER_KEY_FILE: z.string().min(1).optional(),
  /**
   * Memory-map this much of the event store file (MiB; 0 = off). A command reads two short streams at random
   * places in the file: mapped, those reads skip a system call per page (HTTP line of `pnpm bench`: about
   * +30 % requests/s and half the p99 at 512).
   */
  STORE_MMAP_MB: z.coerce.number().int().min(0).max(65_536).default(512),
  /**
   * The bus: `local` (the embedded default: services read each other's events from this store's file,
   * nothing to publish) or `kafka` (the relay publishes this service's events on its context's topic, e.g.
   * employee and unit events on asn.personnel.v1, and consumers read other topics from the broker).
   */
  BUS: z.enum(['local', 'kafka']).default('local'),
  /**
   * The event store engine: `sqlite` (the embedded default, DATA_DIR/asn.db) or `esdb` (EventStoreDB at
   * ESDB_CONNECTION_STRING; needs BUS=kafka, since the local bus reads the SQLite file's own log). See ADR 0009.
   */
  EVENT_STORE: z.enum(['sqlite', 'esdb']).default('sqlite'),
  /** EventStoreDB connection string (`esdb://host:2113?tls=false`, or `esdb+discover://` for a cluster); required when EVENT_STORE=esdb. */
  ESDB_CONNECTION_STRING: z
    .string()
    .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/\S+$/, 'must be an esdb:// connection string')
    .optional(),
  /** Bootstrap brokers, `host:port` comma-separated; required when BUS=kafka. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'must be host:port[,host:port…]')
    .transform((list) => list.split(','))
    .optional(),
  /** Put before every topic name on the broker (a cluster shared with other tenants); empty by default. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{0,100}$/, 'letters, digits, ".", "_", "-"')
    .default(''),
  /** Test fault points, comma-separated (`relay.afterPublish`: exit hard after an ack, before the checkpoint). */
  FAULT_POINTS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['relay.afterPublish']))),
  /** How long in-flight requests may take to finish on SIGTERM. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /**
   * Where the service's clock starts (ISO 8601 date-time with offset); it then runs at normal speed. For
   * rehearsing a period on a copy of the data and for end-to-end tests (a programme that starts next month);
   * leave unset in production, where the clock is the machine's.
   */
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /**
   * The city's clock, minutes east of UTC: what "today" is for decisions, appraisals, training and reports (420,
   * WIB, Tanjungbalai's; WITA 480, WIT 540). The feedback rules' working calendar must keep the same clock: the
   * feedback and reporting services refuse to start when it does not.
   */
  CITY_UTC_OFFSET_MINUTES: z.coerce.number().int().min(-720).max(840).default(420),
});

type CommonShape = ReturnType<typeof commonShape>;

/** The settings every service has (see {@link serviceConfig}). */
export type ServiceConfig = z.output<z.ZodObject<CommonShape>>;

type EngineKeys = Pick<ServiceConfig, 'BUS' | 'KAFKA_BROKERS' | 'EVENT_STORE' | 'ESDB_CONNECTION_STRING'>;

/** The combinations of engines that cannot run, each with the key to blame and what to do instead. */
const engineProblems = (config: EngineKeys): Array<{ path: string; message: string }> => [
  ...(config.BUS === 'kafka' && config.KAFKA_BROKERS === undefined
    ? [{ path: 'KAFKA_BROKERS', message: 'required when BUS=kafka' }]
    : []),
  ...(config.EVENT_STORE === 'esdb' && config.ESDB_CONNECTION_STRING === undefined
    ? [{ path: 'ESDB_CONNECTION_STRING', message: 'required when EVENT_STORE=esdb' }]
    : []),
  ...(config.EVENT_STORE === 'esdb' && config.BUS === 'local'
    ? [
        {
          path: 'BUS',
          message:
            'EVENT_STORE=esdb needs BUS=kafka: the local bus reads the SQLite store file, which an EventStoreDB deployment does not have',
        },
      ]
    : []),
];

/**
 * A service's settings schema: the common keys (port, data dir, auth, privacy key, store, bus, shutdown)
 * with the service's defaults, plus its own keys. Every key is documented in .env.example. Unknown
 * environment variables are ignored (the process environment holds many). `KAFKA_BROKERS` is required
 * when `BUS=kafka`; `EVENT_STORE=esdb` requires `ESDB_CONNECTION_STRING` and `BUS=kafka`.
 */
export const serviceConfig = <Extra extends z.ZodRawShape = Record<never, never>>(
  defaults: ServiceDefaults,
  extra?: Extra,
) =>
  z
    .object({ ...commonShape(defaults), ...(extra ?? ({} as Extra)) })
    .superRefine((config, context) => {
      for (const problem of engineProblems(config as EngineKeys)) {
        context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
      }
    });

/** Parses the environment (the only place a service reads it); throws a ConfigError naming every bad key. */
export const loadServiceConfig = <S extends z.ZodType<ServiceConfig>>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> => parseConfig(schema, env);

/**
 * The feedback rules' working calendar keeps the city's clock: a service that reads them (feedback, reporting)
 * refuses to start when they and CITY_UTC_OFFSET_MINUTES disagree, rather than date some things by one clock and
 * others by the other. @throws ConfigError naming both.
 */
export const assertCityClock = (config: Pick<ServiceConfig, 'CITY_UTC_OFFSET_MINUTES'>, rules: { utcOffsetMinutes: number; version: string }): void => {
  if (rules.utcOffsetMinutes === config.CITY_UTC_OFFSET_MINUTES) return;
  throw new ConfigError([
    {
      key: 'CITY_UTC_OFFSET_MINUTES',
      message: `is ${config.CITY_UTC_OFFSET_MINUTES}, but the feedback rules ${rules.version} keep their working calendar at ${rules.utcOffsetMinutes}: set both to the city's clock`,
    },
  ]);
};
