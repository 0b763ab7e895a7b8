import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalIssuer, type Role } from '@asn/service-kit';
import { startServiceProcess, type ServiceProcess } from '@asn/testing';

/** The services a scenario runs as real processes. */
export type ServiceName = 'personnel' | 'evaluation' | 'training' | 'feedback';

/** Who calls: an official with a role (a token from the local issuer), or `null` for the public (no token). */
export type Caller = { role: Role; sub: string } | null;

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A deployment of real service processes. On the local bus they share one DATA_DIR (one store file is the
 * bus); on Kafka each has its own DATA_DIR, as separate machines would, and the topics carry the events.
 */
export interface City {
  start(service: ServiceName, env?: Record<string, string>): Promise<void>;
  stop(service: ServiceName): Promise<void>;
  /**
   * Calls a service as `sub` with `role` (or as the public, without a token, when `as` is null), with a fresh
   * Idempotency-Key on every POST and PUT; `headers` are added (e.g. a ticket's capability token).
   */
  call(service: ServiceName, method: 'GET' | 'POST' | 'PUT', path: string, as: Caller, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Where a running service listens (http://127.0.0.1:<port>). */
  url(service: ServiceName): string;
  /** Every log line of every process, for the failure message. */
  logs(): string;
  close(): Promise<void>;
}

export const openCity = (options: { bus: 'local' } | { bus: 'kafka'; brokers: string; topicPrefix: string }, clockStart: string): City => {
  const root = mkdtempSync(join(tmpdir(), `asn-city-${options.bus}-`));
  const dataDirOf = (service: ServiceName): string => (options.bus === 'local' ? root : join(root, service));
  const running = new Map<ServiceName, ServiceProcess>();
  let logs = '';
  let sequence = 0;

  const env = (service: ServiceName, extra: Record<string, string>): Record<string, string> => ({
    DATA_DIR: dataDirOf(service),
    LOG_LEVEL: 'info',
    CLOCK_START: clockStart,
    ...(options.bus === 'kafka' ? { BUS: 'kafka', KAFKA_BROKERS: options.brokers, KAFKA_TOPIC_PREFIX: options.topicPrefix } : { BUS: 'local' }),
    ...extra,
  });

  const stop = async (service: ServiceName): Promise<void> => {
    const process = running.get(service);
    if (!process) return;
    running.delete(service);
    process.child.kill('SIGTERM');
    const code = await process.exited;
    if (code !== 0) throw new Error(`${service} exited with ${String(code)} on SIGTERM; its last lines:\n${logs.split('\n').filter((line) => line.startsWith(`[${service}]`)).slice(-15).join('\n')}`);
  };

  return {
    start: async (service, extra = {}) => {
      const started = await startServiceProcess(service, env(service, extra), (line) => {
        logs += `[${service}] ${line}`;
      }).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`);
      });
      running.set(service, started);
    },
    stop,
    call: async (service, method, path, as, body, headers = {}) => {
      const process = running.get(service);
      if (!process) throw new Error(`${service} is not running`);
      const token = as ? await (await openLocalIssuer({ dataDir: dataDirOf(service) })).issue({ subject: as.sub, roles: [as.role], audience: service, ttl: '10m' }) : undefined;
      const res = await fetch(`${process.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(method === 'GET' ? {} : { 'idempotency-key': `city-${++sequence}-${Date.now()}` }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, body: ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown> };
    },
    url: (service) => {
      const process = running.get(service);
      if (!process) throw new Error(`${service} is not running`);
      return process.url;
    },
    logs: () => logs,
    close: async () => {
      const errors: unknown[] = [];
      for (const service of [...running.keys()]) await stop(service).catch((error: unknown) => errors.push(error));
      rmSync(root, { recursive: true, force: true });
      if (errors.length > 0) throw errors[0];
    },
  };
};

/** A decree (SK) for an appointment effective on `tmt`. */
export const decree = (tmt: string, number: string) => ({
  skNumber: `800/${number}/BKPSDM/${tmt.slice(0, 4)}`,
  skDate: tmt,
  tmt,
  signedBy: 'Wali Kota Tanjungbalai',
  legalBasis: 'UU 20/2023 tentang ASN',
});
