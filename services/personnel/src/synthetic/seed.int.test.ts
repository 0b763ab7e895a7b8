import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore, verifySqliteFile, type SqliteEventStore } from '@asn/event-store-sqlite';
import {
  createFieldCipher,
  deriveKey,
  loadOrCreateMasterKey,
  openSqliteKeyStore,
  type SubjectKeyStore,
} from '@asn/privacy';
import { createLogger } from '@asn/service-kit';
import { createEmployeeCodec, type EmployeeCodec } from '../employees/employee.codec';
import {
  employeeIdByNip,
  handleEmployeeCommand,
  NipTakenError,
  proposeAppointment,
  proposeDecision,
  type EmployeeHandlerDeps,
} from '../employees/employee.handlers';
import { DEFAULT_RULES } from '../rules/rules';
import { loadUnitDirectory } from '../units/unit.handlers';
import { startRoster } from '../employees/roster.projection';
import { generateCity, type City } from './city';
import { seedCity, type SeedReport } from './seed';

const city: City = generateCity({ seed: 7, employees: 300, units: 30, today: '2026-11-28' });

describe('seedCity, on a SQLite store in a temp dir', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  let keys: SubjectKeyStore;
  let codec: EmployeeCodec;
  let nipIndexKey: Buffer;
  let first: SeedReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'synthetic-city-'));
    path = join(dir, 'asn.db');
    store = openSqliteEventStore({ path });
    const masterKey = loadOrCreateMasterKey(join(dir, 'privacy.master.key'));
    keys = openSqliteKeyStore({ path: join(dir, 'personnel.keys.db'), masterKey });
    codec = createEmployeeCodec(createFieldCipher(keys));
    nipIndexKey = deriveKey(masterKey, 'nip-index');
    first = await seedCity({ store, codec, keys, nipIndexKey }, city, { concurrency: 32 });
  });

  afterAll(async () => {
    keys.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every unit, every employee and one NIP reservation per employee', async () => {
    expect(first).toMatchObject({
      status: 'seeded',
      units: 30,
      unitsPresent: 0,
      employees: 300,
      events: city.events + 300,
    });
    expect(await store.headPosition()).toBe(city.events + 300);
  });

  it('leaves a store whose hash chains, revisions and positions verify', async () => {
    const report = await verifySqliteFile(path);
    expect(report).toMatchObject({ ok: true, events: city.events + 300, streams: 30 + 2 * 300, integrity: 'ok' });
  });

  it('feeds the roster every employee and unit, without a skipped event, each in the state the generator reached', async () => {
    const roster = startRoster({ store, codec, logger: createLogger({ service: 'personnel', level: 'silent' }) });
    try {
      await roster.ready;
      await roster.catchUp();
      expect(roster.skipped()).toBe(0);
      expect(roster.units.size).toBe(30);
      expect(roster.employees.size).toBe(300);
      for (const employee of city.employees) {
        const state = roster.employees.get(employee.employeeId);
        expect(state?.status).toBe(employee.status);
        expect(state?.personal).toEqual(employee.personal);
        expect(state?.decided).toHaveLength(employee.decisions);
      }
    } finally {
      await roster.stop();
    }
  });

  it('indexes every NIP the way the handlers look it up', async () => {
    for (const employee of city.employees.slice(0, 25)) {
      const found = await employeeIdByNip({ store, codec, nipIndexKey }, employee.personal.nip);
      expect(found).toMatchObject({ employeeId: employee.employeeId });
    }
  });

  describe('when the service acts on the seeded city', () => {
    const handlers = (): EmployeeHandlerDeps => ({
      store,
      codec,
      keys,
      nipIndexKey,
      rules: () => DEFAULT_RULES,
      units: (unitIds) => loadUnitDirectory(store, unitIds, new Map()),
      now: () => new Date('2026-11-29T08:00:00Z'),
      today: () => '2026-11-29',
    });
    const staff = { subject: 'staf-uji', role: 'hr-staff', correlationId: 'test' };

    it('accepts a further decision about a seeded employee', async () => {
      const employee = city.employees.find((e) => e.status === 'active')!;
      const decree = {
        skNumber: '862/1/BKPSDM/2026',
        skDate: '2026-11-29',
        tmt: '2026-11-29',
        signedBy: 'Kepala BKPSDM',
        legalBasis: 'PP 94/2021',
      };
      const proposed = await proposeDecision(
        handlers(),
        employee.employeeId,
        { decision: { kind: 'sanction', severity: 'light', sanction: 'oral-warning' }, decree },
        staff,
      );
      const approved = await handleEmployeeCommand(
        handlers(),
        employee.employeeId,
        { type: 'ApproveDecision', decisionId: proposed.decisionId, approvedBy: 'kepala-uji' },
        { ...staff, subject: 'kepala-uji', role: 'hr-approver' },
      );
      expect(approved.revision).toBe(employee.events.length + 1);
    });

    it('refuses to appoint someone else under a seeded NIP', async () => {
      const { personal, events } = city.employees[1]!;
      const appointment = events.find((e) => e.type === 'EmployeeAppointed');
      if (appointment?.type !== 'EmployeeAppointed') throw new Error('no appointment');
      const decree = { ...appointment.data.decree, tmt: '2026-11-01', skDate: '2026-10-20' };
      await expect(
        proposeAppointment(
          handlers(),
          { decision: appointment.data.decision, decree, personal: { ...personal, name: 'Orang Lain' } },
          staff,
        ),
      ).rejects.toBeInstanceOf(NipTakenError);
    });
  });

  describe('when run a second time', () => {
    it('writes nothing and says why', async () => {
      const head = await store.headPosition();
      const again = await seedCity({ store, codec, keys, nipIndexKey }, city);
      expect(again).toMatchObject({ status: 'skipped', reason: expect.stringContaining('already holds employees') });
      expect(await store.headPosition()).toBe(head);
    });
  });

  it('keeps names, NIPs and addresses out of the store file in plaintext', async () => {
    await store.close();
    store = openSqliteEventStore({ path });
    const bytes = Buffer.concat(
      [path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)),
    );
    expect(bytes.includes(Buffer.from('Dinas Pendidikan'))).toBe(true); // the file is readable: units are not personal data
    const secrets = city.employees.flatMap((employee) =>
      employee.events.flatMap((event) => {
        const personal = 'personal' in event.data ? event.data.personal : undefined;
        return personal && personal !== 'erased' ? [personal.name, personal.nip, personal.address ?? ''] : [];
      }),
    );
    expect(secrets.length).toBeGreaterThan(900);
    const leaked = [...new Set(secrets)].filter(
      (secret) => secret !== '' && bytes.includes(Buffer.from(secret, 'utf8')),
    );
    expect(leaked).toEqual([]);
  });
});
