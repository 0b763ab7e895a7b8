import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteAuditLog, openSqliteKeyStore, type AuditLog, type SubjectKeyStore } from '@asn/privacy';
import { openTestRuntime, type ServiceHarness } from '@asn/runtime/testing';
import { http, type HttpClient } from '@asn/testing';
import Database from 'better-sqlite3';
import { createApp, type EvaluationApp } from '../app';
import { DEFAULT_RULES, type EvaluationRules } from '../rules/rules';

export { idempotencyKey as key } from '@asn/runtime/testing';

/** The evaluation app on real files in a temp dir: the SQLite store (also the local bus), read model, keys, local issuer. */
export interface EvaluationHarness extends ServiceHarness {
  keys: SubjectKeyStore;
  audit: AuditLog;
  readModel: Database.Database;
  evaluation: EvaluationApp;
  /**
   * Stops the app and starts it again on the same files; `redeliver` moves the consumers' checkpoints back to
   * the start of the log (every event delivered again), `freshReadModel` deletes the read model first.
   */
  restart(options?: { redeliver?: boolean; freshReadModel?: boolean }): Promise<void>;
}

interface Running {
  readModel: Database.Database;
  evaluation: EvaluationApp;
  api: HttpClient;
}

export const startEvaluationHarness = async (options: { now?: () => Date; rules?: EvaluationRules } = {}): Promise<EvaluationHarness> => {
  const runtime = await openTestRuntime('evaluation');
  const { dataDir, store, bus, idempotency, logger, auth, masterKey } = runtime;
  const readModelPath = join(dataDir, 'evaluation.readmodel.db');
  const keys = openSqliteKeyStore({ path: join(dataDir, 'evaluation.keys.db'), masterKey });
  const audit = openSqliteAuditLog({ path: join(dataDir, 'evaluation.audit.db') });
  const start = async (): Promise<Running> => {
    const readModel = new Database(readModelPath);
    readModel.pragma('journal_mode = WAL');
    const evaluation = await createApp({
      store,
      bus,
      readModel,
      idempotency,
      keys,
      audit,
      rules: options.rules ?? DEFAULT_RULES,
      logger,
      auth,
      ...(options.now ? { now: options.now } : {}),
    });
    return { readModel, evaluation, api: http(evaluation.app) };
  };
  const stop = async (running: Running) => {
    await running.evaluation.stop();
    running.readModel.close();
  };
  const harness: EvaluationHarness = {
    dataDir,
    store,
    bus,
    keys,
    audit,
    ...(await start()),
    as: (role, subject, unit) => runtime.as(harness.api, role, subject, unit),
    restart: async ({ redeliver = false, freshReadModel = false } = {}) => {
      await stop(harness);
      if (freshReadModel) for (const suffix of ['', '-wal', '-shm']) rmSync(`${readModelPath}${suffix}`, { force: true });
      if (redeliver) {
        for (const group of ['evaluation.personnel', 'evaluation.feedback']) await store.checkpoints(`bus:${group}`).save(0);
      }
      Object.assign(harness, await start());
    },
    close: async () => {
      await stop(harness);
      keys.close();
      audit.close();
      await runtime.close();
    },
  };
  return harness;
};
