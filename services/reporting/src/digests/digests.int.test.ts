import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { SignedDigest } from '@asn/event-store';
import { checkSqliteFileAgainstDigest } from '@asn/event-store-sqlite';
import { appointEmployee, establishUnit } from '@asn/org-chart/testing';
import { waitUntil } from '@asn/testing';
import Database from 'better-sqlite3';
import { key, startReportingHarness, type ReportingHarness } from '../testing/reportingHarness';

// Signed digests of the event store: on a schedule and on demand, kept in DATA_DIR/digests, exported as kept,
// never made of a store that does not verify.

const digestsDir = (h: ReportingHarness) => join(h.dataDir, 'digests');
const keptFiles = (h: ReportingHarness) => readdirSync(digestsDir(h)).filter((f) => f.endsWith('.json'));
const kept = (h: ReportingHarness, file: string) =>
  JSON.parse(readFileSync(join(digestsDir(h), file), 'utf8')) as SignedDigest;
const exportsIn = (h: ReportingHarness) =>
  h.audit
    .query({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000), limit: 1000 })
    .items.filter((i) => i.action === 'export-digest');

const populate = async (h: ReportingHarness): Promise<void> => {
  const unitId = await establishUnit(h.store, undefined, 'Dinas Kesehatan');
  await appointEmployee(h.store, unitId, { tmt: '2015-03-01' });
  await appointEmployee(h.store, unitId, { tmt: '2018-07-01' });
};

describe('when digests are scheduled', () => {
  let h: ReportingHarness;
  beforeAll(async () => {
    h = await startReportingHarness({ digestIntervalMs: 200 });
    await populate(h);
  });
  afterAll(async () => h.close());

  it('keeps signed digests in DATA_DIR/digests, each checking against the store with the public key', async () => {
    const head = await h.store.headPosition();
    await waitUntil(
      'a scheduled digest covers the whole store',
      () => keptFiles(h).some((f) => kept(h, f).digest.position === head),
      20_000,
    );
    await waitUntil(
      'a second one',
      () => keptFiles(h).filter((f) => kept(h, f).digest.position === head).length >= 2,
      20_000,
    );
    const files = keptFiles(h);
    for (const file of files) {
      const signed = kept(h, file);
      expect(file).toBe(`${signed.digest.createdAt.replace(/[-:.]/g, '')}-${signed.digest.position}.json`);
      expect(signed.keyId).toMatch(/^[0-9a-f]{16}$/);
      expect(await checkSqliteFileAgainstDigest(h.storePath, signed, h.digestKey.publicKey)).toMatchObject({
        ok: true,
        integrity: 'ok',
      });
    }
    const latest = files.map((f) => kept(h, f)).filter((s) => s.digest.position === head);
    expect(latest[0]?.digest).toMatchObject({
      format: 'asn-heads-digest/v1',
      events: head,
      heads: expect.arrayContaining([expect.objectContaining({ revision: 0 })]),
    });
    expect(latest[0]?.digest.heads).toHaveLength(3);
  });

  it('lists them newest first', async () => {
    const res = await (await h.as('auditor')).get('/v1/digests').expect(200);
    const items = (res.body as { items: { digestId: string; createdAt: string }[] }).items;
    expect(items.length).toBeGreaterThanOrEqual(2);
    const times = items.map((i) => i.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });
});

describe('when an auditor asks for a digest', () => {
  let h: ReportingHarness;
  beforeAll(async () => {
    h = await startReportingHarness();
    await populate(h);
  });
  afterAll(async () => h.close());

  const make = async () => {
    const res = await (await h.as('auditor')).post('/v1/digests').set('Idempotency-Key', key()).expect(201);
    return res;
  };

  it('signs one now, keeps it, and answers where it is', async () => {
    const exportsBefore = exportsIn(h).length;
    const res = await make();
    const body = res.body as SignedDigest & { digestId: string };
    expect(res.headers.location).toBe(`/v1/digests/${body.digestId}`);
    expect(body.digest.position).toBe(await h.store.headPosition());
    const file = join(digestsDir(h), `${body.digestId}.json`);
    expect(existsSync(file)).toBe(true);
    const { digestId: _id, ...signed } = body;
    expect(kept(h, `${body.digestId}.json`)).toEqual(signed);
    expect(await checkSqliteFileAgainstDigest(h.storePath, signed, h.digestKey.publicKey)).toMatchObject({ ok: true });
    expect(exportsIn(h)).toHaveLength(exportsBefore + 1);
  });

  it('lists every kept digest newest first, two made within the same second included', async () => {
    const first = (await make()).body as { digestId: string };
    await appointEmployee(h.store, await establishUnit(h.store, undefined, 'Bappeda'), { tmt: '2020-01-01' });
    const second = (await make()).body as { digestId: string };
    const third = (await make()).body as { digestId: string };
    expect(new Set([first.digestId, second.digestId, third.digestId]).size).toBe(3);
    const res = await (await h.as('auditor')).get('/v1/digests').expect(200);
    const ids = (res.body as { items: { digestId: string }[] }).items.map((i) => i.digestId);
    expect(ids.slice(0, 3)).toEqual([third.digestId, second.digestId, first.digestId]);
    expect(ids).toHaveLength(keptFiles(h).length);
  });

  it('exports a kept digest byte for byte as an attachment, and records the export', async () => {
    const { digestId } = (await make()).body as { digestId: string };
    const exportsBefore = exportsIn(h).length;
    const res = await (await h.as('auditor', 'auditor-7')).get(`/v1/digests/${digestId}`).expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="digest-${digestId}.json"`);
    expect(res.text).toBe(readFileSync(join(digestsDir(h), `${digestId}.json`), 'utf8'));
    const exported = exportsIn(h);
    expect(exported).toHaveLength(exportsBefore + 1);
    expect(exported.at(-1)).toMatchObject({ subject: 'auditor-7', role: 'auditor', allowed: true });
  });

  it('serves the public key, to anyone, as the .pub file beside the key', async () => {
    const res = await h.api.get('/v1/digests/public-key').expect(200);
    expect((res.body as { publicKey: string }).publicKey).toBe(readFileSync(h.digestKey.publicKeyPath, 'utf8'));
  });

  it('answers 400 for a malformed digest id and 404 for an unknown one', async () => {
    const auditor = await h.as('auditor');
    await auditor.get('/v1/digests/latest').expect(400);
    await auditor.get('/v1/digests/..%2F..%2Fasn.db').expect(400);
    await auditor.get('/v1/digests/20200101T000000000Z-1').expect(404);
  });

  it('is for auditors only', async () => {
    await (await h.as('hr-staff')).post('/v1/digests').set('Idempotency-Key', key()).expect(403);
    await (await h.as('hr-staff')).get('/v1/digests').expect(403);
    await h.api.get('/v1/digests').expect(401);
  });
});

describe('when the store does not verify', () => {
  let h: ReportingHarness;
  beforeEach(async () => {
    h = await startReportingHarness();
    await populate(h);
    // An event edited in place, its hash left as it was: the chain check fails at it.
    const db = new Database(h.storePath);
    db.prepare(`UPDATE events SET data = json_set(data, '$.name', 'Dinas Palsu') WHERE position = 1`).run();
    db.close();
  });
  afterEach(async () => h.close());

  it('refuses a digest with 409 store-does-not-verify and keeps no file', async () => {
    const res = await (await h.as('auditor')).post('/v1/digests').set('Idempotency-Key', key()).expect(409);
    expect(res.body).toMatchObject({ type: 'urn:asn:problem:store-does-not-verify', status: 409 });
    expect(keptFiles(h)).toEqual([]);
    expect(exportsIn(h)).toEqual([]);
    const list = await (await h.as('auditor')).get('/v1/digests').expect(200);
    expect(list.body).toEqual({ items: [] });
  });
});

describe('on an engine without the SQLite file (EventStoreDB)', () => {
  it('serves everything else and no digest routes', async () => {
    const other = await startReportingHarness({ withoutDigests: true });
    try {
      const auditor = await other.as('auditor');
      expect(other.reporting.digests).toBeUndefined();
      await auditor.post('/v1/digests').set('Idempotency-Key', key()).expect(404);
      await other.api.get('/v1/digests/public-key').expect(404);
      await auditor.get('/v1/read-models/rebuild').expect(200);
      await other.api.get('/v1/public/figures').expect(200);
    } finally {
      await other.close();
    }
  });
});
