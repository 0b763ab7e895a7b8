import Database from 'better-sqlite3';

/** Who accessed personal data: the caller as the service knows it (no personal data of theirs either). */
export interface AuditActor {
  /** The token's subject. */
  readonly subject: string;
  /** The role the caller acted in. */
  readonly role: string;
  /** The request (or triggering event) the access belongs to. */
  readonly correlationId: string;
}

/** One access to personal data: who, in which role, what, whose (opaque ids only), allowed or not, when. */
export interface AuditEntry {
  actor: AuditActor;
  /** What was done, e.g. `read-employee`, `read-appraisal-notes`. */
  action: string;
  /** Data subjects by opaque id (employee ids): pseudonymous; never the personal data itself. */
  subjects: readonly string[];
  allowed: boolean;
  purpose?: string;
}

/** One recorded access, as the audit trail answers it. */
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

/** Options of {@link AuditLog.query}: a time range (from inclusive, to exclusive), a page, optionally one data subject. */
export interface AuditQuery {
  from: Date;
  to: Date;
  /** Only the accesses touching this data subject (an employee id). */
  employeeId?: string;
  limit: number;
  /** Cursor: the `next` of the previous page. */
  afterId?: number;
}

/** The audit trail of personal-data access (QUALITY.md; UU 27/2022). */
export interface AuditLog {
  /** Appends one access; synchronous, so that a response sent after it is an audited read. */
  record(entry: AuditEntry): void;
  /** Accesses between two instants, oldest first, a page at a time; `next` is null on the last page. */
  query(options: AuditQuery): { items: (AuditRecord & { id: number })[]; next: number | null };
  close(): void;
}

interface Row {
  id: number;
  at: number;
  subject: string;
  role: string;
  action: string;
  allowed: number;
  purpose: string | null;
  correlation_id: string;
  subjects: string;
}

/**
 * Opens the audit trail in its own SQLite file (created on first use). Each access is appended
 * synchronously, before the response is sent, so an answered read is an audited read. Per-subject rows make
 * "whose records were read between T1 and T2" one indexed range query (UU 27/2022: breach reports within
 * 3×24 h).
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
  const insert = db.prepare(
    'INSERT INTO access (at, subject, role, action, allowed, purpose, correlation_id, subjects) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
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
  return {
    record: (entry) => {
      record(entry);
    },
    query: ({ from, to, employeeId, limit, afterId = 0 }) => {
      const rows = (
        employeeId === undefined
          ? byTime.all(from.getTime(), to.getTime(), afterId, limit)
          : byEmployee.all(employeeId, from.getTime(), to.getTime(), afterId, limit)
      ) as Row[];
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
