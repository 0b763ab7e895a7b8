// Personnel -> Kafka with real processes and the real broker (issue 4's "done when"): the relay killed
// between the broker's ack and its checkpoint publishes again on restart (duplicates, never a loss, an
// unchanged read model), and an event committed over HTTP reaches a department's `tail` in another process.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { openSqliteInbox, withInbox } from '@asn/bus';
import { openKafkaBus, type KafkaBus } from '@asn/bus-kafka';
import { publishedCategories, Topics, type CloudEvent } from '@asn/contracts';
import { openSqliteEventStore } from '@asn/event-store-sqlite';
import { openLocalIssuer } from '@asn/service-kit';
import { describeWithInfra, ROOT, spawnServiceProcess, spawnTail, startServiceProcess, waitUntil, type ServiceProcess } from '@asn/testing';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';


/** Every event of the personnel topic in the store, as `subject#revision`. */
const publishedInStore = async (dataDir: string): Promise<{ keys: string[]; head: number }> => {
  const store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
  try {
    const keys: string[] = [];
    for await (const e of store.readAll({ categories: publishedCategories.personnel })) keys.push(`${e.stream}#${e.revision}`);
    return { keys, head: await store.headPosition() };
  } finally {
    await store.close();
  }
};

/** Counts the messages on a topic (sum of partition offsets), without consuming it. */
const messagesOn = async (brokers: string[], topic: string): Promise<number> => {
  const admin = new Kafka({ clientId: 'counter', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
};

describeWithInfra('kafka', (getInfra) => {
  const prefix = `e2e-${randomUUID().slice(0, 8)}.`;
  const topic = `${prefix}${Topics.personnel}`;
  let dataDir: string;
  let logs = '';
  let operator = '';
  let approver = '';
  const running: ServiceProcess[] = [];
  let bus: KafkaBus;
  const env = (): Record<string, string> => ({
    DATA_DIR: dataDir,
    BUS: 'kafka',
    KAFKA_BROKERS: getInfra().brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'info',
  });
  const log = (line: string): void => {
    logs += line;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'personnel-relay-'));
    const seeded = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'services/personnel/src/synthetic/seed.cli.ts', '--employees', '60', '--units', '4', '--data-dir', dataDir, '--today', '2026-11-28'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
    const issuer = await openLocalIssuer({ dataDir });
    operator = await issuer.issue({ subject: 'ops-1', roles: ['operator'], audience: 'personnel', ttl: '15m' });
    approver = await issuer.issue({ subject: 'approver-1', roles: ['hr-approver'], audience: 'personnel', ttl: '15m' });
    bus = openKafkaBus({ brokers: getInfra().brokers, clientId: 'relay-e2e', topicPrefix: prefix });
  }, 180_000);

  afterAll(async () => {
    for (const service of running) service.child.kill('SIGKILL');
    await Promise.all(running.map((service) => service.exited));
    await bus?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const relayStatus = async (service: ServiceProcess) =>
    (await (await fetch(`${service.url}/v1/relay`, { headers: { authorization: `Bearer ${operator}` } })).json()) as {
      lag: number;
      state: string;
      position: number;
    };

  it('killed between the ack and the checkpoint, publishes again on restart: duplicates on the topic, no loss, the same read model', async () => {
    const { keys } = await publishedInStore(dataDir);
    expect(keys.length).toBeGreaterThan(1_000); // more than one relay page, so the kill leaves work behind

    const killed = spawnServiceProcess('personnel', { ...env(), FAULT_POINTS: 'relay.afterPublish' }, log);
    running.push({ ...killed, url: '' });
    await killed.exited;
    expect(killed.child.signalCode).toBe('SIGKILL');
    const afterKill = await messagesOn(getInfra().brokers, topic);
    expect(afterKill).toBe(1_000); // the first page was acknowledged ...
    const store = openSqliteEventStore({ path: join(dataDir, 'asn.db') });
    expect(await store.checkpoints('relay:personnel').load()).toBeUndefined(); // ... and never checkpointed
    await store.close();

    const service = await startServiceProcess('personnel', env(), log);
    running.push(service);
    await waitUntil('the relay caught up', async () => (await relayStatus(service)).lag === 0, 60_000);
    expect(await messagesOn(getInfra().brokers, topic)).toBe(keys.length + 1_000);

    // A department's read model with an inbox: every event applied exactly once, in order per stream.
    const model = new Database(join(dataDir, 'department.db'));
    model.exec('CREATE TABLE applied (key TEXT PRIMARY KEY) STRICT');
    const insert = model.prepare('INSERT INTO applied (key) VALUES (?)');
    const consumer = await bus.subscribe({
      group: 'payroll',
      topics: [Topics.personnel],
      handle: withInbox(openSqliteInbox(model, 'payroll'), (event: CloudEvent) => void insert.run(`${event.subject}#${event.streamrevision}`)),
    });
    try {
      await consumer.caughtUp;
      const applied = model.prepare<[], { key: string }>('SELECT key FROM applied').all().map((row) => row.key);
      expect(applied.sort()).toEqual([...keys].sort());
    } finally {
      await consumer.stop();
      model.close();
    }
  }, 240_000);

  it('puts an event committed over HTTP on the topic, where a department tails it from another process', async () => {
    const service = running.at(-1)!;
    const already = await messagesOn(getInfra().brokers, topic);
    const { child: tail, printed, seenAt } = spawnTail(
      [Topics.personnel, '--brokers', getInfra().brokers.join(','), '--prefix', prefix, '--timeout', '120'],
      log,
    );
    try {
      await waitUntil('the tail printed the backlog', () => printed.length >= already, 90_000);
      const committedAt = Date.now();
      const res = await fetch(`${service.url}/v1/units`, {
        method: 'POST',
        headers: { authorization: `Bearer ${approver}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ name: 'Dinas Perpustakaan', code: 'DISPUS', tmt: '2026-12-01', legalBasis: 'Perda 5/2026' }),
      });
      expect(res.status).toBe(201);
      const { unitId } = (await res.json()) as { unitId: string };
      await waitUntil('the tail printed the new unit', () => seenAt.has(`unit-${unitId}`), 30_000);
      const event = printed.find((e) => e.subject === `unit-${unitId}`)!;
      expect(event).toMatchObject({ specversion: '1.0', source: '/asn/personnel', key: unitId, streamrevision: 0 });
      expect(event.type).toMatch(/^asn\.personnel\.[A-Za-z]+\.v1$/);
      // Reported, not asserted (timed assertions do not belong in tests): the issue's goal is under a second.
      console.info(`HTTP 201 -> printed by tail in another process: ${seenAt.get(`unit-${unitId}`)! - committedAt} ms`);
    } finally {
      tail.kill('SIGTERM');
    }
  }, 240_000);
});
