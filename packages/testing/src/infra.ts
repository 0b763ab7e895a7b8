import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startContainer } from './containers';

/** Infrastructure a test tier may need. */
export type InfraKind = 'kafka' | 'esdb';
const KINDS: readonly InfraKind[] = ['kafka', 'esdb'];

/** Where the infrastructure came from: an endpoint given by environment, or a container we started. */
export type InfraSource = 'env' | 'container';

export interface KafkaInfra {
  kind: 'kafka';
  source: InfraSource;
  /** `host:port` bootstrap brokers. */
  brokers: string[];
  /** Stops what discovery started; nothing for an endpoint given by environment. */
  stop(): Promise<void>;
}

export interface EsdbInfra {
  kind: 'esdb';
  source: InfraSource;
  connectionString: string;
  stop(): Promise<void>;
}

export type Infra<Kind extends InfraKind = InfraKind> = Extract<KafkaInfra | EsdbInfra, { kind: Kind }>;

/** The environment variable that gives each kind's endpoint. */
export const INFRA_ENV: Readonly<Record<InfraKind, string>> = {
  kafka: 'KAFKA_BROKERS',
  esdb: 'ESDB_CONNECTION_STRING',
};

type Env = Readonly<Record<string, string | undefined>>;

/** Whether a Docker engine answers, decided without testcontainers' slower, unbounded discovery. */
export type DockerProbe = { available: true; endpoint: string } | { available: false; reason: string };

/** How a kind of infrastructure would be provided, decided synchronously so jest can skip at collection time. */
export type InfraPlan =
  | { kind: InfraKind; via: 'env'; variable: string }
  | { kind: InfraKind; via: 'docker'; endpoint: string }
  | { kind: InfraKind; via: 'none'; reason: string };

export interface DiscoveryOptions {
  /** Defaults to `process.env`. */
  env?: Env;
  /** Defaults to {@link probeDocker}. */
  probeDocker?: (env: Env) => DockerProbe;
  /** Bound on each TCP connect to an endpoint from the environment; 2 s by default. */
  connectTimeoutMs?: number;
  /** Starts a container for a kind; defaults to the testcontainers recipes of `containers.ts`. */
  startContainer?: (kind: InfraKind) => Promise<Infra>;
}

/** An endpoint given by environment is malformed. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}

/** An endpoint given by environment did not answer. A set variable is a promise, so this is never a skip. */
export class InfraUnreachableError extends Error {
  override readonly name = 'InfraUnreachableError';
}

/** Infrastructure that REQUIRE_INFRA names is missing. */
export class InfraRequiredError extends Error {
  override readonly name = 'InfraRequiredError';
}

/**
 * The kinds REQUIRE_INFRA names (comma, space or semicolon separated; `all` names every kind).
 * @throws InfraConfigError for an unknown name: a typo must not let a tier silently vanish.
 */
export const requiredInfra = (env: Env = process.env): Set<InfraKind> => {
  const names = (env.REQUIRE_INFRA ?? '')
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter((name) => name.length > 0);
  const required = new Set<InfraKind>();
  for (const name of names) {
    if (name === 'all') KINDS.forEach((kind) => required.add(kind));
    else if ((KINDS as readonly string[]).includes(name)) required.add(name as InfraKind);
    else throw new InfraConfigError(`REQUIRE_INFRA names "${name}"; known: ${KINDS.join(', ')}, all`);
  }
  return required;
};

const dockerSockets = (env: Env): string[] => {
  const home = env.HOME ?? '';
  return [
    '/var/run/docker.sock',
    ...(home ? [join(home, '.docker/run/docker.sock'), join(home, '.docker/desktop/docker.sock'), join(home, '.colima/default/docker.sock')] : []),
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
  ];
};

// Run in a child so that the answer is synchronous yet bounded: jest needs it while collecting tests.
const PING = `
const [target] = process.argv.slice(1);
const done = (ok) => process.exit(ok ? 0 : 1);
if (target.startsWith('unix://')) {
  const req = require('node:http').get({ socketPath: target.slice(7), path: '/_ping' }, (res) => done(res.statusCode === 200));
  req.on('error', () => done(false));
} else {
  const url = new URL(target.replace(/^tcp:/, 'http:'));
  const socket = require('node:net').connect(Number(url.port || 2375), url.hostname, () => done(true));
  socket.on('error', () => done(false));
}`;

/**
 * Whether a Docker engine answers: `DOCKER_HOST`, else the usual socket paths. A unix socket must answer
 * `/_ping`; a tcp endpoint must accept a connection. Costs nothing when no socket exists, at most
 * `timeoutMs` otherwise.
 */
export const probeDocker = (env: Env = process.env, timeoutMs = 3_000): DockerProbe => {
  const candidates = env.DOCKER_HOST
    ? [env.DOCKER_HOST]
    : dockerSockets(env)
        .filter((path) => existsSync(path))
        .map((path) => `unix://${path}`);
  if (candidates.length === 0) return { available: false, reason: 'no Docker engine: DOCKER_HOST is unset and no docker.sock exists' };
  for (const endpoint of candidates) {
    if (endpoint.startsWith('unix://') && !existsSync(endpoint.slice(7))) continue;
    const ping = spawnSync(process.execPath, ['-e', PING, endpoint], { timeout: timeoutMs, stdio: 'ignore' });
    if (ping.status === 0) return { available: true, endpoint };
  }
  return { available: false, reason: `no Docker engine answered at ${candidates.join(', ')}` };
};

/** Decides, without waiting on the network, how `kind` would be provided. */
export const planInfra = (kind: InfraKind, options: Pick<DiscoveryOptions, 'env' | 'probeDocker'> = {}): InfraPlan => {
  const env = options.env ?? process.env;
  const variable = INFRA_ENV[kind];
  if (env[variable]?.trim()) return { kind, via: 'env', variable };
  const docker = (options.probeDocker ?? probeDocker)(env);
  if (docker.available) return { kind, via: 'docker', endpoint: docker.endpoint };
  return { kind, via: 'none', reason: `${kind}: ${variable} is unset and ${docker.reason}` };
};

interface HostPort {
  host: string;
  port: number;
}

const parseHostPort = (text: string, defaultPort: number | undefined, variable: string): HostPort => {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
  if (!host || port === undefined || port < 1 || port > 65_535) {
    throw new InfraConfigError(`${variable}: "${text}" is not host:port`);
  }
  return { host, port };
};

/** The `host:port` endpoints an environment variable gives. Credentials in a connection string are dropped. */
export const endpointsFromEnv = (kind: InfraKind, value: string): HostPort[] => {
  const variable = INFRA_ENV[kind];
  if (kind === 'kafka') {
    const brokers = value.split(',').filter((b) => b.trim().length > 0);
    if (brokers.length === 0) throw new InfraConfigError(`${variable} lists no broker`);
    return brokers.map((b) => parseHostPort(b, undefined, variable));
  }
  // esdb://[user:pass@]host[:port][,host[:port]...][/?options], also the +discover and kurrentdb schemes.
  const match = /^(?:esdb|kurrentdb|kdb)(?:\+discover)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(value.trim());
  if (!match?.[1]) throw new InfraConfigError(`${variable} is not an esdb:// connection string`);
  return match[1].split(',').map((h) => parseHostPort(h, 2113, variable));
};

/** Resolves with undefined when a TCP connection opens within `timeoutMs`, else with the reason it did not. */
export const tryConnect = ({ host, port }: HostPort, timeoutMs: number): Promise<string | undefined> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (reason?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => finish());
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });

/** The outcome of discovery: the infrastructure, or why it is missing (the suite is skipped). */
export type Discovery<Kind extends InfraKind> = { found: true; infra: Infra<Kind> } | { found: false; reason: string };

const fromEnv = async <Kind extends InfraKind>(kind: Kind, value: string, timeoutMs: number): Promise<Infra<Kind>> => {
  const endpoints = endpointsFromEnv(kind, value);
  const failures = await Promise.all(endpoints.map((e) => tryConnect(e, timeoutMs)));
  // One answering endpoint is enough: clients bootstrap from any broker or cluster node.
  if (failures.every((f) => f !== undefined)) {
    const detail = endpoints.map((e, i) => `${e.host}:${e.port} (${failures[i]})`).join(', ');
    throw new InfraUnreachableError(`${INFRA_ENV[kind]} is set, but nothing answered: ${detail}`);
  }
  const stop = async () => {};
  const infra: KafkaInfra | EsdbInfra =
    kind === 'kafka'
      ? { kind: 'kafka', source: 'env', brokers: endpoints.map((e) => `${e.host}:${e.port}`), stop }
      : { kind: 'esdb', source: 'env', connectionString: value.trim(), stop };
  return infra as Infra<Kind>;
};

/**
 * Finds `kind`: the endpoint its environment variable gives (checked with a bounded TCP connect), else a
 * container where a Docker engine answers, else `{ found: false, reason }`.
 * @throws InfraUnreachableError when the variable is set but nothing answers.
 * @throws InfraRequiredError when it is missing and REQUIRE_INFRA names it.
 */
export const discoverInfra = async <Kind extends InfraKind>(
  kind: Kind,
  options: DiscoveryOptions = {},
): Promise<Discovery<Kind>> => {
  const env = options.env ?? process.env;
  const required = requiredInfra(env).has(kind);
  const plan = planInfra(kind, options);
  switch (plan.via) {
    case 'env':
      return { found: true, infra: await fromEnv(kind, env[plan.variable] ?? '', options.connectTimeoutMs ?? 2_000) };
    case 'docker': {
      const start = options.startContainer ?? startContainer;
      return { found: true, infra: (await start(kind)) as Infra<Kind> };
    }
    case 'none':
      if (required) throw new InfraRequiredError(`REQUIRE_INFRA names ${kind}, but ${plan.reason}`);
      return { found: false, reason: plan.reason };
  }
};
