import { describe, expect, it } from '@jest/globals';
import { compareDuk, type DukFacts } from './duk';

// Given two PNS, when they are ordered on the rank seniority list (DUK), then the first criterion that tells
// them apart decides.

const base: DukFacts = {
  employeeId: '0190a000-0000-7000-8000-000000000001',
  golongan: 'III/b',
  rankSince: '2020-04-01',
  position: { kind: 'pelaksana', title: 'Pengadministrasi Umum' },
  positionSince: '2018-01-01',
  appointedOn: '2010-03-01',
  education: 'S1',
  birthDate: '1985-05-05',
};
const other = (overrides: Partial<DukFacts>): DukFacts => ({ ...base, employeeId: '0190a000-0000-7000-8000-000000000002', ...overrides });
const first = (a: DukFacts, b: DukFacts): string => [a, b].sort(compareDuk)[0]!.employeeId;

describe('the DUK order', () => {
  it.each<[string, Partial<DukFacts>, Partial<DukFacts>]>([
    ['the higher rank', { golongan: 'III/c', rankSince: '2024-04-01' }, {}],
    ['in the same rank, the earlier rank TMT', { rankSince: '2019-10-01', position: { kind: 'pelaksana', title: 'x' } }, { position: { kind: 'managerial', level: 'pengawas', title: 'Kasubbag' } }],
    ['a managerial position above a functional one', { position: { kind: 'managerial', level: 'pengawas', title: 'Kasubbag' } }, { position: { kind: 'functional', level: 'ahli-utama', title: 'Analis Utama' } }],
    ['the higher managerial level', { position: { kind: 'managerial', level: 'administrator', title: 'Kabid' } }, { position: { kind: 'managerial', level: 'pengawas', title: 'Kasubbag' } }],
    ['a higher functional level', { position: { kind: 'functional', level: 'ahli-muda', title: 'Analis Muda' } }, { position: { kind: 'functional', level: 'ahli-pertama', title: 'Analis Pertama' } }],
    ['a functional position above pelaksana', { position: { kind: 'functional', level: 'pemula', title: 'Pemula' } }, {}],
    ['in the same position, the earlier position TMT', { positionSince: '2017-01-01' }, {}],
    ['then the longer service', { appointedOn: '2009-03-01' }, {}],
    ['then the higher education', { education: 'S2' }, {}],
    ['a known education before an unknown (erased) one', {}, { education: undefined }],
    ['then the older employee', { birthDate: '1980-01-01' }, {}],
    ['a known age before an unknown (erased) one', {}, { birthDate: undefined }],
  ])('puts %s first', (_, winner, loser) => {
    const a = other({ employeeId: '0190a000-0000-7000-8000-00000000000b', ...winner });
    const b = other({ employeeId: '0190a000-0000-7000-8000-00000000000a', ...loser });
    expect(first(a, b)).toBe(a.employeeId);
    expect(first(b, a)).toBe(a.employeeId);
  });

  it('orders equals by employee id, so that the list is the same every time', () => {
    const a = other({ employeeId: '0190a000-0000-7000-8000-00000000000a' });
    const b = other({ employeeId: '0190a000-0000-7000-8000-00000000000b' });
    expect(first(b, a)).toBe(a.employeeId);
    expect(compareDuk(a, a)).toBe(0);
  });
});
