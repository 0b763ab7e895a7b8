import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, createMemoryIdempotencyStore, createTokenVerifier, openLocalIssuer } from '@asn/service-kit';
import { http, type HttpClient } from '@asn/testing';
import { join } from 'node:path';
import { createApp, type PersonnelApp } from '../app';
import { DEFAULT_RULES } from '../rules/rules';
import { deriveKey, loadOrCreateMasterKey } from '@asn/privacy';
import { startPersonnelHarness, type PersonnelHarness } from '../testing/personnelHarness';

// A process can die after its append committed and before it stored the response for the Idempotency-Key.
// The client retries with the same key; the new process has no stored response and runs the command again.
// Ids derived from the key make that second run find its own events and answer what the first one wrote.

let h: PersonnelHarness;
let second: PersonnelApp;
let first: (role: 'hr-staff' | 'hr-approver') => Promise<HttpClient>;
let again: (role: 'hr-staff' | 'hr-approver') => Promise<HttpClient>;

beforeAll(async () => {
  h = await startPersonnelHarness();
  const issuer = await openLocalIssuer({ dataDir: h.dataDir });
  const masterKey = loadOrCreateMasterKey(join(h.dataDir, 'privacy.master.key'));
  // The restarted process: same store, key store and audit log; its idempotency records were lost.
  second = createApp({
    store: h.store,
    keys: h.keys,
    audit: h.audit,
    idempotency: createMemoryIdempotencyStore(),
    nipIndexKey: deriveKey(masterKey, 'nip-index'),
    rules: DEFAULT_RULES,
    logger: createLogger({ service: 'personnel', level: 'silent' }),
    auth: createTokenVerifier({ issuer: issuer.issuer, audience: 'personnel', jwks: issuer.jwks }),
  });
  const token = (role: 'hr-staff' | 'hr-approver') => issuer.issue({ subject: `${role}-1`, roles: [role], audience: 'personnel', ttl: '10m' });
  first = async (role) => http(h.personnel.app).withToken(await token(role));
  again = async (role) => http(second.app).withToken(await token(role));
});

afterAll(async () => {
  await second.stop();
  await h.close();
});

const decree = (tmt: string) => ({ skNumber: `800/${tmt}`, skDate: tmt, tmt, signedBy: 'Wali Kota Tanjungbalai', legalBasis: 'UU 20/2023' });

describe('when a command is retried after its response was lost', () => {
  it('answers what the first run wrote and writes nothing new, for a unit, an appointment and an approval', async () => {
    const unitBody = { name: 'Dinas Sosial', code: 'DINSOS', tmt: '2001-01-01', legalBasis: 'Perda 2/2001' };
    const unit = await (await first('hr-approver')).post('/v1/units').set('Idempotency-Key', 'unit-1').send(unitBody).expect(201);
    const unitHead = await h.store.headPosition();
    const unitAgain = await (await again('hr-approver')).post('/v1/units').set('Idempotency-Key', 'unit-1').send(unitBody).expect(201);
    expect(unitAgain.body).toEqual(unit.body);
    expect(await h.store.headPosition()).toBe(unitHead);

    const body = {
      decision: { kind: 'appointment', employeeType: 'PNS', golongan: 'III/c', unitId: unit.body.unitId as string, position: { kind: 'pelaksana', title: 'Penyuluh Sosial' } },
      decree: decree('2010-01-01'),
      personal: { name: 'Hotma Br. Sitorus', nip: '198001012010012001', birthDate: '1980-01-01', gender: 'female', education: 'S1' },
    };
    const proposed = await (await first('hr-staff')).post('/v1/employees').set('Idempotency-Key', 'appoint-1').send(body).expect(201);
    const head = await h.store.headPosition();
    const retried = await (await again('hr-staff')).post('/v1/employees').set('Idempotency-Key', 'appoint-1').send(body).expect(201);
    expect(retried.body).toEqual(proposed.body);
    expect(await h.store.headPosition()).toBe(head);

    const path = `/v1/employees/${proposed.body.employeeId as string}/proposals/${proposed.body.decisionId as string}/approval`;
    const approved = await (await first('hr-approver')).post(path).set('Idempotency-Key', 'approve-1').expect(200);
    const approvedHead = await h.store.headPosition();
    const approvedAgain = await (await again('hr-approver')).post(path).set('Idempotency-Key', 'approve-1').expect(200);
    expect(approvedAgain.body).toEqual(approved.body);
    expect(await h.store.headPosition()).toBe(approvedHead);
  });

  it('runs a new command under a new key', async () => {
    const before = await h.store.headPosition();
    const unitBody = { name: 'Dinas Perhubungan', code: 'DISHUB', tmt: '2001-01-01', legalBasis: 'Perda 2/2001' };
    const a = await (await first('hr-approver')).post('/v1/units').set('Idempotency-Key', 'unit-a').send(unitBody).expect(201);
    const b = await (await again('hr-approver')).post('/v1/units').set('Idempotency-Key', 'unit-b').send(unitBody).expect(201);
    expect(a.body.unitId).not.toBe(b.body.unitId);
    expect(await h.store.headPosition()).toBe(before + 2);
  });
});
