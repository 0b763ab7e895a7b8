import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalBus, type LocalBus } from '@asn/bus';
import type { ServiceName } from './runService';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { loadOrCreateMasterKey } from '@asn/privacy';
import {
  createLogger,
  createSqliteIdempotencyStore,
  createTokenVerifier,
  openLocalIssuer,
  type Logger,
  type Role,
  type SqliteIdempotencyStore,
  type TokenVerifier,
} from '@asn/service-kit';
import type { HttpClient } from '@asn/testing';

/**
 * The adapters of a service's runtime (see `runService`) for its int tests: real files in a temp dir, the
 * local bus over the store file, and the local issuer for tokens.
 */
export interface TestRuntime {
  readonly name: ServiceName;
  readonly dataDir: string;
  readonly storePath: string;
  readonly store: SqliteEventStore;
  /** The local bus over the store file: the service reads other contexts' events from it. */
  readonly bus: LocalBus;
  /** DATA_DIR/<name>.idempotency.db. */
  readonly idempotency: SqliteIdempotencyStore;
  /** Accepts the local issuer's tokens for the service's audience (its name). */
  readonly auth: TokenVerifier;
  /** Silent. */
  readonly logger: Logger;
  /** DATA_DIR/privacy.master.key. */
  readonly masterKey: Buffer;
  /**
   * `api` acting as `subject` (default `<role>-1`) with `role` and, for a unit-scoped official, the unit: a
   * bearer token of the local issuer for the service's audience, valid 10 minutes.
   */
  as(api: HttpClient, role: Role, subject?: string, unit?: string): Promise<HttpClient>;
  /** Closes the bus, the idempotency store and the event store, and deletes the temp dir. Stop the app first. */
  close(): Promise<void>;
}

/** What every service's test harness offers, whatever else it adds. */
export interface ServiceHarness {
  dataDir: string;
  store: SqliteEventStore;
  bus: LocalBus;
  /** A client of the app without a token. */
  api: HttpClient;
  /** A client acting as `subject` (default `<role>-1`) with `role` (and, for a unit-scoped official, the unit). */
  as(role: Role, subject?: string, unit?: string): Promise<HttpClient>;
  close(): Promise<void>;
}

/**
 * Opens a service's adapters in a fresh temp dir named after it, as `runService` opens them from DATA_DIR.
 * @param options.pollMs how often the store looks for commits of other connections (the bus's consumers).
 */
export const openTestRuntime = async (name: ServiceName, options: { pollMs?: number } = {}): Promise<TestRuntime> => {
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const storePath = join(dataDir, 'asn.db');
  const store = openSqliteEventStore({ path: storePath, ...options });
  const bus = openLocalBus({ store, path: storePath });
  const idempotency = createSqliteIdempotencyStore({ database: join(dataDir, `${name}.idempotency.db`) });
  const issuer = await openLocalIssuer({ dataDir });
  return {
    name,
    dataDir,
    storePath,
    store,
    bus,
    idempotency,
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: name, jwks: issuer.jwks }),
    logger: createLogger({ service: name, level: 'silent' }),
    masterKey: loadOrCreateMasterKey(join(dataDir, 'privacy.master.key')),
    as: async (api, role, subject = `${role}-1`, unit) =>
      api.withToken(
        await issuer.issue({ subject, roles: [role], audience: name, ttl: '10m', ...(unit ? { unit } : {}) }),
      ),
    close: async () => {
      await bus.close();
      idempotency.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

let keySequence = 0;
/** A unique Idempotency-Key per call. */
export const idempotencyKey = (): string => `k-${process.pid}-${++keySequence}-${Date.now()}`;
