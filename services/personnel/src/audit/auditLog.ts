import Database from 'better-sqlite3';
import type { Actor } from '../employees/employee.handlers';

/** One access to personal data: who, in which role, what, whose (opaque ids only), allowed or not, when. */
export interface AuditEntry {
  actor: Actor;
  action: string;
  /** Employee ids: pseudonymous; never the personal data itself. */
  subjects: readonly string[];
  allowed: boolean;
  purpose?: string;
}

export interface AuditRecord {
  at: string;
  subject: string;
  role: string;
  action: string;
  subjects: string[];
  allowed: boolean;
  purpose: string | null;
  correlationId: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Accesses between two instants (inclusive from, exclusive to), optionally only those touching one employee. */
  query(options: { from: Date; to: Date; employeeId?: string; limit: number; afterId?: number }): { items: (AuditRecord & { id: number })[]; next: number | null };
  close(): void;
}

/**
 * The audit trail of personal-data access in its own SQLite file: appended to synchronously before the
 * response is sent, so an answered read is an audited read. Per-subject rows make "whose records were read
 * between T1 and T2" one indexed range query (UU 27/2022: breach reports within 3×24 h).
 */
export const openSqliteAuditLog = (options: { path: string; now?: () => Date }): AuditLog => {
  const now = options.now ?? (() => new Date());
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS access (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      subject TEXT NOT NULL,
      role TEXT NOT NULL,
      action TEXT NOT NULL,
      allowed INTEGER NOT NULL,
      purpose TEXT,
      correlation_id TEXT NOT NULL,
      subjects TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS access_subject (
      access_id INTEGER NOT NULL REFERENCES access(id),
      employee_id TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS access_at ON access(at);
    CREATE INDEX IF NOT EXISTS access_subject_by_employee ON access_subject(employee_id, at);
  `);
  const insert = db.prepare('INSERT INTO access (at, subject, role, action, allowed, purpose, correlation_id, subjects) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertSubject = db.prepare('INSERT INTO access_subject (access_id, employee_id, at) VALUES (?, ?, ?)');
  const record = db.transaction((entry: AuditEntry) => {
    const at = now().getTime();
    const { lastInsertRowid } = insert.run(
      at,
      entry.actor.subject,
      entry.actor.role,
      entry.action,
      entry.allowed ? 1 : 0,
      entry.purpose ?? null,
      entry.actor.correlationId,
      JSON.stringify(entry.subjects),
    );
    for (const employeeId of entry.subjects) insertSubject.run(lastInsertRowid, employeeId, at);
  });
  const byTime = db.prepare('SELECT * FROM access WHERE at >= ? AND at < ? AND id > ? ORDER BY id LIMIT ?');
  const byEmployee = db.prepare(
    'SELECT a.* FROM access_subject s JOIN access a ON a.id = s.access_id WHERE s.employee_id = ? AND s.at >= ? AND s.at < ? AND a.id > ? ORDER BY a.id LIMIT ?',
  );
  interface Row { id: number; at: number; subject: string; role: string; action: string; allowed: number; purpose: string | null; correlation_id: string; subjects: string }
  return {
    record: (entry) => {
      record(entry);
    },
    query: ({ from, to, employeeId, limit, afterId = 0 }) => {
      const rows = (employeeId === undefined
        ? byTime.all(from.getTime(), to.getTime(), afterId, limit)
        : byEmployee.all(employeeId, from.getTime(), to.getTime(), afterId, limit)) as Row[];
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: new Date(r.at).toISOString(),
          subject: r.subject,
          role: r.role,
          action: r.action,
          subjects: JSON.parse(r.subjects) as string[],
          allowed: r.allowed === 1,
          purpose: r.purpose,
          correlationId: r.correlation_id,
        })),
        next: rows.length === limit ? (rows.at(-1)?.id ?? null) : null,
      };
    },
    close: () => db.close(),
  };
};
