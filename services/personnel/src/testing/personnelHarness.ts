import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalBus, type LocalBus } from '@asn/bus';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { deriveKey, loadOrCreateMasterKey, openSqliteKeyStore, type SubjectKeyStore } from '@asn/privacy';
import {
  createLogger,
  createSqliteIdempotencyStore,
  createTokenVerifier,
  openLocalIssuer,
  type LocalIssuer,
  type Role,
  type SqliteIdempotencyStore,
} from '@asn/service-kit';
import { http, type HttpClient } from '@asn/testing';
import { createApp, type PersonnelApp } from '../app';
import { openSqliteAuditLog, type AuditLog } from '../audit/auditLog';
import { DEFAULT_RULES } from '../rules/rules';

/** The personnel app on real files in a temp dir: SQLite store, key store, audit log, local issuer. */
export interface PersonnelHarness {
  dataDir: string;
  store: SqliteEventStore;
  /** The local bus over the store file: personnel reads asn.evaluation.v1 from it. */
  bus: LocalBus;
  keys: SubjectKeyStore;
  audit: AuditLog;
  personnel: PersonnelApp;
  api: HttpClient;
  /** A client acting as `subject` with `role` (and, for a unit-scoped official, the unit). */
  as(role: Role, subject?: string, unit?: string): Promise<HttpClient>;
  close(): Promise<void>;
}

export const startPersonnelHarness = async (options: { now?: () => Date } = {}): Promise<PersonnelHarness> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'personnel-'));
  const storePath = join(dataDir, 'asn.db');
  const store = openSqliteEventStore({ path: storePath, pollMs: 20 });
  const bus = openLocalBus({ store, path: storePath });
  const idempotency: SqliteIdempotencyStore = createSqliteIdempotencyStore({
    database: join(dataDir, 'personnel.idempotency.db'),
  });
  const issuer: LocalIssuer = await openLocalIssuer({ dataDir });
  const masterKey = loadOrCreateMasterKey(join(dataDir, 'privacy.master.key'));
  const keys = openSqliteKeyStore({ path: join(dataDir, 'personnel.keys.db'), masterKey });
  const audit = openSqliteAuditLog({ path: join(dataDir, 'personnel.audit.db') });
  const personnel = createApp({
    store,
    idempotency,
    keys,
    audit,
    nipIndexKey: deriveKey(masterKey, 'nip-index'),
    rules: DEFAULT_RULES,
    bus,
    readModelPath: join(dataDir, 'personnel.readmodel.db'),
    logger: createLogger({ service: 'personnel', level: 'silent' }),
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'personnel', jwks: issuer.jwks }),
    ...(options.now ? { now: options.now } : {}),
  });
  const api = http(personnel.app);
  return {
    dataDir,
    store,
    bus,
    keys,
    audit,
    personnel,
    api,
    as: async (role, subject = `${role}-1`, unit) =>
      api.withToken(
        await issuer.issue({ subject, roles: [role], audience: 'personnel', ttl: '10m', ...(unit ? { unit } : {}) }),
      ),
    close: async () => {
      await personnel.stop();
      await bus.close();
      idempotency.close();
      audit.close();
      keys.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

let keySequence = 0;
/** A unique Idempotency-Key per call. */
export const key = (): string => `k-${process.pid}-${++keySequence}-${Date.now()}`;
