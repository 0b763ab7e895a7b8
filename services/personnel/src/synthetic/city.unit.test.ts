import { describe, expect, it } from '@jest/globals';
import type { EmployeeEvent } from '../employees/employee.domain';
import { evolve, initialState } from '../employees/employee.domain';
import { PersonName, type PersonalData } from '../employees/personal';
import { validateNip } from '../nip/nip';
import { generateCity, MAX_DECISIONS, MIN_DECISIONS, type City, type CityOptions } from './city';

const TODAY = '2026-11-28';
const options: CityOptions = { seed: 20_240_601, employees: 600, units: 30, today: TODAY };
const city: City = generateCity(options);

const decided = (events: readonly EmployeeEvent[]) => events.filter((e) => e.type !== 'DecisionProposed');
const personalOf = (events: readonly EmployeeEvent[]): PersonalData[] =>
  events.flatMap((e) =>
    'personal' in e.data && e.data.personal && e.data.personal !== 'erased' ? [e.data.personal] : [],
  );
const appointmentOf = (events: readonly EmployeeEvent[]) => {
  const event = events.find((e) => e.type === 'EmployeeAppointed');
  if (event?.type !== 'EmployeeAppointed') throw new Error('no appointment');
  return event.data;
};

describe('generateCity', () => {
  describe('when called twice with the same options', () => {
    it('returns the same city, event for event', () => {
      expect(generateCity(options)).toEqual(city);
    });
  });

  describe('when the seed differs', () => {
    it('returns another city', () => {
      const other = generateCity({ ...options, seed: options.seed + 1 });
      expect(other.employees.map((e) => e.personal.nip)).not.toEqual(city.employees.map((e) => e.personal.nip));
      expect(other.employees.map((e) => e.employeeId)).not.toEqual(city.employees.map((e) => e.employeeId));
    });
  });

  it('has the units asked for, each established with its position map', () => {
    expect(city.units).toHaveLength(30);
    expect(new Set(city.units.map((u) => u.unitId)).size).toBe(30);
    for (const unit of city.units) {
      expect(unit.events[0]?.type).toBe('UnitEstablished');
      expect(unit.events.filter((e) => e.type === 'PositionCreated').length).toBeGreaterThanOrEqual(3);
    }
    expect(city.units.map((u) => u.name)).toEqual(
      expect.arrayContaining([
        'Dinas Pendidikan',
        'Dinas Kesehatan',
        'RSUD Dr. Tengku Mansyur',
        'Kecamatan Datuk Bandar',
        'Satuan Polisi Pamong Praja',
        'Kelurahan Pahang',
      ]),
    );
    expect(generateCity({ ...options, employees: 20, units: 7 }).units).toHaveLength(7);
  });

  it('gives every employee a unique NIP or NI PPPK that is valid for the type, birth date and gender', () => {
    const nips = city.employees.map((e) => e.personal.nip);
    expect(new Set(nips).size).toBe(city.employees.length);
    for (const employee of city.employees) {
      const { employeeType } = appointmentOf(employee.events).decision;
      const { nip, birthDate, gender } = employee.personal;
      expect(validateNip(nip, { employeeType, birthDate, gender }, TODAY)).toMatchObject({ ok: true });
      expect(nip.slice(0, 8)).toBe(birthDate.replace(/-/g, ''));
      expect(birthDate >= '1965-01-01' && birthDate <= '2002-12-31').toBe(true);
    }
  });

  it(`gives every employee a career of ${MIN_DECISIONS} to ${MAX_DECISIONS} decisions, each proposed and approved by someone else`, () => {
    for (const employee of city.employees) {
      const decisions = decided(employee.events);
      expect(decisions).toHaveLength(employee.decisions);
      expect(employee.decisions).toBeGreaterThanOrEqual(MIN_DECISIONS);
      expect(employee.decisions).toBeLessThanOrEqual(MAX_DECISIONS);
      expect(employee.events).toHaveLength(2 * employee.decisions);
      for (const event of decisions) {
        const data = event.data as { proposedBy: string; approvedBy: string; decree: { tmt: string; skDate: string } };
        expect(data.approvedBy).not.toBe(data.proposedBy);
        expect(data.decree.tmt <= TODAY && data.decree.skDate <= TODAY).toBe(true);
      }
    }
  });

  it('names every employee as PersonName allows, also after a correction', () => {
    const names = city.employees.flatMap((e) => personalOf(e.events).map((p) => p.name));
    for (const name of names) expect(PersonName.safeParse(name).success).toBe(true);
    // The shapes the registry writes: single names, Batak "Br.", Balinese "Ni …", apostrophes, "Muh.".
    expect(names.some((n) => !n.includes(' '))).toBe(true);
    expect(names.some((n) => / Br\. /.test(n))).toBe(true);
    expect(names.some((n) => /^Ni /.test(n))).toBe(true);
    expect(names.some((n) => /['’]/.test(n))).toBe(true);
    expect(names.some((n) => /^(Muh|M)\. /.test(n))).toBe(true);
  });

  it('folds every stream to the status it reports', () => {
    for (const employee of city.employees) {
      expect(employee.events.reduce(evolve, initialState()).status).toBe(employee.status);
    }
  });

  it('mixes PNS and PPPK, and careers with every kind of decision', () => {
    const types = city.employees.map((e) => appointmentOf(e.events).decision.employeeType);
    const pppk = types.filter((t) => t === 'PPPK').length;
    expect(types.filter((t) => t === 'CPNS').length).toBeGreaterThan(pppk);
    expect(pppk).toBeGreaterThan(0);
    const kinds = new Set(city.employees.flatMap((e) => decided(e.events).map((ev) => ev.type)));
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        'ContractRenewed',
        'DecisionCorrected',
        'DisciplinarySanctionImposed',
        'EmployeeAppointed',
        'EmployeeAssignedToPosition',
        'EmployeeConfirmedAsPns',
        'EmployeeDismissed',
        'EmployeePromoted',
        'EmployeeRetired',
        'EmployeeTransferred',
        'PersonalDataCorrected',
      ]),
    );
    const statuses = new Set(city.employees.map((e) => e.status));
    for (const status of ['active', 'retired', 'dismissed'] as const) expect(statuses.has(status)).toBe(true);
    // Retirement is reached by the oldest only.
    for (const employee of city.employees.filter((e) => e.status === 'retired'))
      expect(employee.personal.birthDate < '1969-01-01').toBe(true);
  });

  it('refuses options it cannot honour', () => {
    expect(() => generateCity({ ...options, units: 0 })).toThrow(RangeError);
    expect(() => generateCity({ ...options, units: 1_000 })).toThrow(RangeError);
    expect(() => generateCity({ ...options, employees: 0 })).toThrow(RangeError);
    expect(() => generateCity({ ...options, today: '2026-02-30' })).toThrow(RangeError);
    expect(() => generateCity({ ...options, seed: 1.5 })).toThrow(RangeError);
  });
});
