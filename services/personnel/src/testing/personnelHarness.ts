import { join } from 'node:path';
import { deriveKey, openSqliteAuditLog, openSqliteKeyStore, type AuditLog, type SubjectKeyStore } from '@asn/privacy';
import { openTestRuntime, type ServiceHarness } from '@asn/runtime/testing';
import { http } from '@asn/testing';
import { createApp, type PersonnelApp } from '../app';
import { DEFAULT_RULES } from '../rules/rules';

export { idempotencyKey as key } from '@asn/runtime/testing';

/**
 * The personnel app on real files in a temp dir: SQLite store (personnel reads asn.evaluation.v1 from its local
 * bus), key store, audit log, local issuer.
 */
export interface PersonnelHarness extends ServiceHarness {
  keys: SubjectKeyStore;
  audit: AuditLog;
  personnel: PersonnelApp;
}

export const startPersonnelHarness = async (options: { now?: () => Date } = {}): Promise<PersonnelHarness> => {
  const runtime = await openTestRuntime('personnel', { pollMs: 20 });
  const { dataDir, store, bus, idempotency, logger, auth, masterKey } = runtime;
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
    logger,
    auth,
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
    as: (role, subject, unit) => runtime.as(api, role, subject, unit),
    close: async () => {
      await personnel.stop();
      audit.close();
      keys.close();
      await runtime.close();
    },
  };
};
