import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalBus, type LocalBus } from '@asn/bus';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { loadOrCreateMasterKey, openSqliteKeyStore, type SubjectKeyStore } from '@asn/privacy';
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
import Database from 'better-sqlite3';
import { createApp, type EvaluationApp } from '../app';
import { DEFAULT_RULES, type EvaluationRules } from '../rules/rules';

/** The evaluation app on real files in a temp dir: the SQLite store (also the local bus), read model, keys, local issuer. */
export interface EvaluationHarness {
  dataDir: string;
  store: SqliteEventStore;
  bus: LocalBus;
  keys: SubjectKeyStore;
  readModel: Database.Database;
  evaluation: EvaluationApp;
  api: HttpClient;
  /** A client acting as `subject` with `role`. */
  as(role: Role, subject?: string): Promise<HttpClient>;
  /**
   * Stops the app and starts it again on the same files; `redeliver` moves the consumers' checkpoints back to
   * the start of the log (every event delivered again), `freshReadModel` deletes the read model first.
   */
  restart(options?: { redeliver?: boolean; freshReadModel?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export const startEvaluationHarness = async (options: { now?: () => Date; rules?: EvaluationRules } = {}): Promise<EvaluationHarness> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'evaluation-'));
  const storePath = join(dataDir, 'asn.db');
  const store = openSqliteEventStore({ path: storePath });
  const bus = openLocalBus({ store, path: storePath });
  const readModelPath = join(dataDir, 'evaluation.readmodel.db');
  const idempotency: SqliteIdempotencyStore = createSqliteIdempotencyStore({ database: join(dataDir, 'evaluation.idempotency.db') });
  const issuer: LocalIssuer = await openLocalIssuer({ dataDir });
  const keys = openSqliteKeyStore({ path: join(dataDir, 'evaluation.keys.db'), masterKey: loadOrCreateMasterKey(join(dataDir, 'privacy.master.key')) });
  const start = async () => {
    const readModel = new Database(readModelPath);
    readModel.pragma('journal_mode = WAL');
    const evaluation = await createApp({
      store,
      bus,
      readModel,
      idempotency,
      keys,
      rules: options.rules ?? DEFAULT_RULES,
      logger: createLogger({ service: 'evaluation', level: 'silent' }),
      auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'evaluation', jwks: issuer.jwks }),
      ...(options.now ? { now: options.now } : {}),
    });
    return { readModel, evaluation };
  };
  const stop = async (running: { readModel: Database.Database; evaluation: EvaluationApp }) => {
    await running.evaluation.stop();
    running.readModel.close();
  };
  let running = await start();
  const harness: EvaluationHarness = {
    dataDir,
    store,
    bus,
    keys,
    readModel: running.readModel,
    evaluation: running.evaluation,
    api: http(running.evaluation.app),
    as: async (role, subject = `${role}-1`) => harness.api.withToken(await issuer.issue({ subject, roles: [role], audience: 'evaluation', ttl: '10m' })),
    restart: async ({ redeliver = false, freshReadModel = false } = {}) => {
      await stop(running);
      if (freshReadModel) for (const suffix of ['', '-wal', '-shm']) rmSync(`${readModelPath}${suffix}`, { force: true });
      if (redeliver) {
        for (const group of ['evaluation.personnel', 'evaluation.feedback']) await store.checkpoints(`bus:${group}`).save(0);
      }
      running = await start();
      harness.readModel = running.readModel;
      harness.evaluation = running.evaluation;
      harness.api = http(running.evaluation.app);
    },
    close: async () => {
      await stop(running);
      await bus.close();
      idempotency.close();
      keys.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
};

let keySequence = 0;
/** A unique Idempotency-Key per call. */
export const key = (): string => `k-${process.pid}-${++keySequence}-${Date.now()}`;
