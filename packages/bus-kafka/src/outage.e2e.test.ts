// A broker outage under load (P7): a broker of its own (infra/kafka/start.sh on another port and run
// directory, so that the shared broker of the other suites stays up) is stopped for 30 s while events keep
// being committed, then started again on the same data. The relay must wait, resume, and skip nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRelay, type Relay } from '@asn/bus';
import { streamId, Topics } from '@asn/contracts';
import { newId } from '@asn/event-store';
import { openSqliteEventStore, type SqliteEventStore } from '@asn/event-store-sqlite';
import { describeWithInfra, requiredInfra, waitUntil } from '@asn/testing';
import { openKafkaBus, type KafkaBus } from './kafkaBus';

const KAFKA = resolve(__dirname, '..', '..', '..', 'infra', 'kafka');
const PORT = process.env.KAFKA_OUTAGE_PORT ?? '19192';
const OUTAGE_MS = 30_000;


// This suite runs a broker of its own with infra/kafka, which needs Java 17+ (and Maven or the resolved
// jars). Where Kafka comes from a container instead and Java is missing, it is skipped with the reason,
// unless REQUIRE_INFRA names kafka.
const java = spawnSync(process.env.JAVA ?? 'java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
const runsHere = java.status === 0;
if (!runsHere && !requiredInfra().has('kafka')) console.warn('skipping the broker outage test: no java to run infra/kafka/start.sh');
const suite = runsHere || requiredInfra().has('kafka') ? describeWithInfra : (_kind: 'kafka', body: () => void) => describe.skip('broker outage', body);

suite('kafka', () => {
  let runDir: string;
  let dir: string;
  let store: SqliteEventStore;
  let bus: KafkaBus;
  let relay: Relay | undefined;
  const broker = (action: 'start' | 'stop', ...args: string[]): string => {
    const result = spawnSync(join(KAFKA, `${action}.sh`), args, {
      env: { ...process.env, KAFKA_PORT: PORT, KAFKA_RUN_DIR: runDir },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`${action}.sh failed: ${result.stderr}`);
    return result.stdout.trim();
  };

  beforeAll(() => {
    runDir = mkdtempSync(join(tmpdir(), 'asn-kafka-outage-'));
    dir = mkdtempSync(join(tmpdir(), 'asn-outage-store-'));
    expect(broker('start')).toBe(`KAFKA_BROKERS=127.0.0.1:${PORT}`);
    store = openSqliteEventStore({ path: join(dir, 'asn.db'), pollMs: 20 });
    bus = openKafkaBus({ brokers: [`127.0.0.1:${PORT}`], clientId: 'outage', connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
  }, 180_000);
  afterAll(async () => {
    await relay?.stop();
    await bus?.close();
    await store?.close();
    broker('stop', '--clean');
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('keeps committing while the broker is down for 30 s; once it is back the relay catches up and nothing is skipped', async () => {
    const streams = Array.from({ length: 40 }, () => streamId('employee', newId()));
    const appended = new Set<string>();
    const revisions = new Map<string, number>();
    let loading = true;
    const load = (async () => {
      // Bounded: at most 20,000 appends or until told to stop.
      for (let n = 0; loading && n < 20_000; n += 1) {
        const stream = streams[n % streams.length]!;
        const revision = revisions.get(stream) ?? 0;
        await store.appendToStream(stream, [{ id: newId(), type: 'Noted', data: { n } }]);
        revisions.set(stream, revision + 1);
        appended.add(`${stream}#${revision}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    relay = startRelay({ store, checkpoint: store.checkpoints('relay'), context: 'personnel', publisher: bus, batchSize: 500, retryDelayMs: 200, maxRetryDelayMs: 2_000 });
    const r = relay;
    try {
      await waitUntil('the relay published under load', async () => (await r.status()).published > 100, 30_000);
      broker('stop');
      const stoppedAt = Date.now();
      await waitUntil('the relay noticed the outage', async () => (await r.status()).state === 'retrying', OUTAGE_MS);
      const during = await r.status();
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
      const beforeRestart = await r.status();
      expect(beforeRestart.state).toBe('retrying');
      expect(beforeRestart.lag).toBeGreaterThan(during.lag); // commits went on while the broker was away
      broker('start');
      const restartedAt = Date.now();
      loading = false;
      await load;
      await waitUntil('the relay caught up', async () => (await r.status()).lag === 0, 120_000);
      const after = await r.status();
      console.info(
        `outage: ${appended.size} events committed, ${beforeRestart.lag} waiting at restart, ${after.failedAttempts} failed publishes, caught up ${Date.now() - restartedAt} ms after the restart`,
      );
      expect(after).toMatchObject({ state: 'publishing', position: await store.headPosition() });

      // Every committed event is on the topic (compare positions: the set of stream revisions).
      const onTopic = new Set<string>();
      const consumer = await bus.subscribe({ group: 'auditor', topics: [Topics.personnel], handle: (e) => void onTopic.add(`${e.subject}#${e.streamrevision}`) });
      await consumer.caughtUp;
      await consumer.stop();
      expect(onTopic.size).toBe(appended.size);
      expect([...appended].filter((key) => !onTopic.has(key))).toEqual([]);
    } finally {
      loading = false;
      await load;
    }
  }, 300_000);
});
