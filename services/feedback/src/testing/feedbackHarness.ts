import { join } from 'node:path';
import { appointEmployee, establishUnit, managerial } from '@asn/org-chart/testing';
import { openSqliteAuditLog, openSqliteKeyStore, type AuditLog, type SubjectKeyStore } from '@asn/privacy';
import { openTestRuntime, type ServiceHarness } from '@asn/runtime/testing';
import { http, waitUntil, type HttpClient } from '@asn/testing';
import { createApp, type FeedbackApp } from '../app';
import { DEFAULT_RULES, type FeedbackRules } from '../rules/rules';

export { idempotencyKey as key } from '@asn/runtime/testing';

/** The feedback app on real files in a temp dir: the SQLite store (also the local bus), read model, keys, audit log, local issuer. */
export interface FeedbackHarness extends ServiceHarness {
  keys: SubjectKeyStore;
  audit: AuditLog;
  feedback: FeedbackApp;
  /** Sets the service clock (every deadline and sweep reads it). */
  setNow(at: Date | string): void;
  /** Records a unit (and its head, a managerial employee, when asked) on the personnel topic and waits until the org chart has it. */
  establishUnit(name: string, options?: { parentUnitId?: string; withHead?: boolean }): Promise<{ unitId: string; headId?: string }>;
}

export const startFeedbackHarness = async (
  options: { now?: Date | string; rules?: FeedbackRules; rateLimit?: { limit: number; windowSeconds: number }; retentionDays?: number; intakeUnitId?: string; trustProxyHops?: number } = {},
): Promise<FeedbackHarness> => {
  const runtime = await openTestRuntime('feedback');
  const { dataDir, store, bus, idempotency, logger, auth, masterKey } = runtime;
  let clock = new Date(options.now ?? '2026-11-27T03:00:00Z');
  const keys = openSqliteKeyStore({ path: join(dataDir, 'feedback.keys.db'), masterKey });
  const audit = openSqliteAuditLog({ path: join(dataDir, 'feedback.audit.db') });
  const feedback = await createApp({
    store,
    bus,
    logger,
    auth,
    idempotency,
    rules: options.rules ?? DEFAULT_RULES,
    keys,
    audit,
    masterKey,
    readModelPath: join(dataDir, 'feedback.readmodel.db'),
    ...(options.intakeUnitId ? { intakeUnitId: options.intakeUnitId } : {}),
    contactRetentionDays: options.retentionDays ?? 30,
    publicRateLimit: options.rateLimit ?? { limit: 1000, windowSeconds: 60 },
    // Tests sweep by hand (feedback.watch.sweep()).
    sweepIntervalMs: 3_600_000,
    ...(options.trustProxyHops === undefined ? {} : { trustProxyHops: options.trustProxyHops }),
    now: () => clock,
  });
  const api = http(feedback.app);
  const harness: FeedbackHarness = {
    dataDir,
    store,
    bus,
    keys,
    audit,
    feedback,
    api,
    as: (role, subject, unit) => runtime.as(api, role, subject, unit),
    setNow: (at) => {
      clock = new Date(at);
    },
    establishUnit: async (name, { parentUnitId, withHead = false } = {}) => {
      const unitId = await establishUnit(store, undefined, name, parentUnitId);
      const headId = withHead ? await appointEmployee(store, unitId, { position: managerial('jpt-pratama') }) : undefined;
      await waitUntil('the org chart has the unit', () => feedback.readModel.orgChart.unit(unitId) !== undefined && (!headId || feedback.readModel.orgChart.employeeOn(headId, '2026-01-01') !== undefined));
      return { unitId, ...(headId ? { headId } : {}) };
    },
    close: async () => {
      await feedback.stop();
      keys.close();
      audit.close();
      await runtime.close();
    },
  };
  await feedback.caughtUp;
  return harness;
};

export type { HttpClient };
