import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteAuditLog, type AuditLog } from './auditLog';

const ALICE = '0b9f6a52-0d55-4a4e-9a3f-4f7d1c2b3a01';
const BUDI = '0b9f6a52-0d55-4a4e-9a3f-4f7d1c2b3a02';
const staff = { subject: 'staff-1', role: 'hr-staff', correlationId: 'req-1' };
const at = (iso: string) => new Date(iso);

let dir: string;
let clock: Date;
let audit: AuditLog;
const open = () => openSqliteAuditLog({ path: join(dir, 'audit.db'), now: () => clock });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asn-audit-'));
  clock = at('2026-03-01T08:00:00Z');
  audit = open();
});

afterEach(() => {
  audit.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an audit log with accesses to two employees', () => {
  beforeEach(() => {
    audit.record({ actor: staff, action: 'read-employee', subjects: [ALICE], allowed: true });
    clock = at('2026-03-01T09:00:00Z');
    audit.record({ actor: { subject: 'evaluator-1', role: 'evaluator', correlationId: 'req-2' }, action: 'read-appraisal-notes', subjects: [BUDI], allowed: false, purpose: 'appraisal' });
    clock = at('2026-03-01T10:00:00Z');
    audit.record({ actor: staff, action: 'list-employees', subjects: [ALICE, BUDI], allowed: true });
  });

  it('answers every access in a range, oldest first, with who, role, what, whose, allowed, when and the correlation id', () => {
    const { items, next } = audit.query({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T00:00:00Z'), limit: 10 });
    expect(next).toBeNull();
    expect(items.map(({ id: _id, ...rest }) => rest)).toEqual([
      { at: '2026-03-01T08:00:00.000Z', subject: 'staff-1', role: 'hr-staff', action: 'read-employee', subjects: [ALICE], allowed: true, purpose: null, correlationId: 'req-1' },
      { at: '2026-03-01T09:00:00.000Z', subject: 'evaluator-1', role: 'evaluator', action: 'read-appraisal-notes', subjects: [BUDI], allowed: false, purpose: 'appraisal', correlationId: 'req-2' },
      { at: '2026-03-01T10:00:00.000Z', subject: 'staff-1', role: 'hr-staff', action: 'list-employees', subjects: [ALICE, BUDI], allowed: true, purpose: null, correlationId: 'req-1' },
    ]);
  });

  it("answers whose records were read: only the accesses touching one employee, from inclusive, to exclusive", () => {
    const { items } = audit.query({ from: at('2026-03-01T09:00:00Z'), to: at('2026-03-01T10:00:00Z'), employeeId: BUDI, limit: 10 });
    expect(items.map((i) => i.action)).toEqual(['read-appraisal-notes']);
    const all = audit.query({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T00:00:00Z'), employeeId: ALICE, limit: 10 });
    expect(all.items.map((i) => i.action)).toEqual(['read-employee', 'list-employees']);
  });

  it('pages with a cursor', () => {
    const range = { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T00:00:00Z'), limit: 2 };
    const first = audit.query(range);
    expect(first.items).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = audit.query({ ...range, afterId: first.next ?? 0 });
    expect(second.items.map((i) => i.action)).toEqual(['list-employees']);
    expect(second.next).toBeNull();
  });

  it('keeps the accesses across a restart', () => {
    audit.close();
    audit = open();
    expect(audit.query({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T00:00:00Z'), limit: 10 }).items).toHaveLength(3);
  });
});
