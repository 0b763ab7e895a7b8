import { join } from 'node:path';
import { loadOrCreateDigestKey, type DigestKey } from '@asn/event-store';
import { openSqliteAuditLog, type AuditLog } from '@asn/privacy';
import { openTestRuntime, type ServiceHarness } from '@asn/runtime/testing';
import { http } from '@asn/testing';
import { createApp, type ReportingApp } from '../app';

export { idempotencyKey as key } from '@asn/runtime/testing';

/** The reporting app on real files in a temp dir: the SQLite store (also the local bus), read model, audit log, digest key, local issuer. */
export interface ReportingHarness extends ServiceHarness {
  storePath: string;
  audit: AuditLog;
  digestKey: DigestKey;
  reporting: ReportingApp;
}

export const startReportingHarness = async (options: { now?: () => Date; digestIntervalMs?: number; publicRateLimit?: { limit: number; windowSeconds: number }; withoutDigests?: boolean } = {}): Promise<ReportingHarness> => {
  const runtime = await openTestRuntime('reporting');
  const { dataDir, storePath, store, bus, idempotency, logger, auth } = runtime;
  const audit = openSqliteAuditLog({ path: join(dataDir, 'reporting.audit.db') });
  const digestKey = loadOrCreateDigestKey(join(dataDir, 'digest-signing.key'));
  const reporting = await createApp({
    store,
    bus,
    logger,
    auth,
    idempotency,
    audit,
    readModelPath: join(dataDir, 'reporting.readmodel.db'),
    ...(options.withoutDigests ? {} : { digests: { key: digestKey, dir: join(dataDir, 'digests'), intervalMs: options.digestIntervalMs ?? 0 } }),
    publicRateLimit: options.publicRateLimit ?? { limit: 10_000, windowSeconds: 60 },
    ...(options.now ? { now: options.now } : {}),
  });
  const api = http(reporting.app);
  const harness: ReportingHarness = {
    dataDir,
    storePath,
    store,
    bus,
    audit,
    digestKey,
    reporting,
    api,
    as: (role, subject, unit) => runtime.as(api, role, subject, unit),
    close: async () => {
      await reporting.stop();
      audit.close();
      await runtime.close();
    },
  };
  await reporting.caughtUp;
  return harness;
};
