import { openSqliteInbox, type DecodedEvent, type Inbox } from '@asn/bus';
import { parseStreamId, trainingEventRegistry, type AppraisalPeriod, type CompetencyArea, type EnrollmentBasis, type Predicate } from '@asn/contracts';
import type { CheckpointStore } from '@asn/event-store';
import { openOrgChart, type LeftBy, type OrgChart } from '@asn/org-chart';
import Database from 'better-sqlite3';
import type { EnrollmentStatus } from './programmes/programme.domain';

/**
 * The training read models in one SQLite file (DATA_DIR/training.readmodel.db): programmes for lists and
 * matching, enrolments for the employee's record and the JP tally, training needs (and the closing of those
 * of employees who left), the org chart, the consumer's inbox, and how far the service's own events were
 * read from the store. Disposable: rebuilt from the topics and the store by deleting the file.
 */

/** The consumer's name in the inbox: every stream the read model applies, from the bus or the store. */
export const INBOX = 'training';
const SCHEMA = `
CREATE TABLE IF NOT EXISTS programmes (
  programme_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  competency_area TEXT NOT NULL,
  jp INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  delivery_mode TEXT NOT NULL,
  organiser TEXT NOT NULL,
  status TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS programmes_by_area ON programmes (competency_area, starts_on);
CREATE TABLE IF NOT EXISTS enrollments (
  enrollment_id TEXT PRIMARY KEY,
  programme_id TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  status TEXT NOT NULL,
  basis TEXT NOT NULL,
  need_id TEXT,
  seq INTEGER NOT NULL,
  completed_on TEXT,
  certificate_number TEXT,
  jp INTEGER,
  competency_area TEXT,
  cancel_reason TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS enrollments_by_employee ON enrollments (employee_id);
CREATE INDEX IF NOT EXISTS enrollments_by_programme ON enrollments (programme_id, seq);
CREATE INDEX IF NOT EXISTS enrollments_by_need ON enrollments (need_id);
CREATE TABLE IF NOT EXISTS needs (
  need_id TEXT PRIMARY KEY,
  need_event_id TEXT NOT NULL,
  appraisal_id TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  competency_area TEXT NOT NULL,
  period TEXT NOT NULL,
  source TEXT NOT NULL,
  predicate TEXT,
  identified_on TEXT NOT NULL,
  seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS needs_by_area ON needs (competency_area, seq);
CREATE TABLE IF NOT EXISTS need_closures (
  need_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  left_on TEXT NOT NULL,
  left_by TEXT NOT NULL,
  trigger_event_id TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS own_checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_leavers (
  trigger_event_id TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL,
  tmt TEXT NOT NULL
) STRICT;
`;

export interface ProgrammeRow {
  programmeId: string;
  title: string;
  competencyArea: CompetencyArea;
  jp: number;
  capacity: number;
  startsOn: string;
  endsOn: string;
  deliveryMode: string;
  organiser: string;
  status: 'scheduled' | 'cancelled';
  participants: number;
  waitlisted: number;
  seatsLeft: number;
}

export interface EnrollmentRow {
  enrollmentId: string;
  programmeId: string;
  employeeId: string;
  status: EnrollmentStatus;
  basis: EnrollmentBasis;
  completion?: { completedOn: string; certificateNumber: string; jp: number; competencyArea: CompetencyArea };
  cancellation?: { reason: string };
}

/** Why a need was closed without a programme: its employee left the service (dismissed, retired, contract ended). */
export interface NeedClosure {
  reason: 'employee-left';
  /** The TMT of the leaving. */
  leftOn: string;
  leftBy: LeftBy;
}

export type NeedStatus = 'open' | 'closed' | EnrollmentStatus;

export interface NeedRow {
  needId: string;
  needEventId: string;
  appraisalId: string;
  employeeId: string;
  unitId: string;
  competencyArea: CompetencyArea;
  period: AppraisalPeriod;
  source: 'predicate' | 'competency-gap';
  predicate?: Predicate;
  identifiedOn: string;
  /**
   * open: no enrolment yet, waiting for a programme; closed: the employee left before it was placed (or its
   * enrolment was withdrawn because they left); otherwise the status of the enrolment it led to.
   */
  status: NeedStatus;
  enrollmentId?: string;
  programmeId?: string;
  closure?: NeedClosure;
}

export interface PendingLeaver {
  triggerEventId: string;
  employeeId: string;
  tmt: string;
}

export interface TrainingReadModel {
  readonly db: Database.Database;
  readonly orgChart: OrgChart;
  /** Applies one event of asn.training.v1 (call inside the inbox's transaction). */
  applyTraining(event: DecodedEvent): void;
  /** Records a training need (idempotent by need id). */
  recordNeed(need: Omit<NeedRow, 'status' | 'enrollmentId' | 'programmeId' | 'closure'>): void;
  /**
   * Closes the employee's needs that have no enrolment (idempotent: a closed need stays closed as it was).
   * Returns how many were closed now.
   */
  closeOpenNeedsOf(employeeId: string, closure: NeedClosure & { triggerEventId: string }): number;
  addPendingLeaver(leaver: PendingLeaver): void;
  pendingLeavers(): PendingLeaver[];
  removePendingLeaver(triggerEventId: string): void;
  programme(programmeId: string): ProgrammeRow | undefined;
  programmes(filter: { area?: CompetencyArea; from?: string; limit: number; offset: number }): ProgrammeRow[];
  /** Scheduled programmes of the area starting after `day`, earliest first: candidates for a need. */
  candidateProgrammes(area: CompetencyArea, day: string): string[];
  enrollmentsOf(employeeId: string): EnrollmentRow[];
  /** The employees' completions (for the tally of many at once). */
  completionsOf(employeeIds: readonly string[]): Map<string, NonNullable<EnrollmentRow['completion']>[]>;
  need(needId: string): NeedRow | undefined;
  /** `enrolled`: placed in a programme (any enrolment status) and not closed. */
  needs(filter: { status?: 'open' | 'enrolled' | 'closed'; area?: CompetencyArea; limit: number; offset: number }): NeedRow[];
  /** The consumer's inbox: which revision of each stream the read model has applied. */
  readonly inbox: Inbox;
  /**
   * Resolves true once the read model has applied `stream` up to `revision` (a command's own write), false
   * after `timeoutMs` without.
   */
  waitForApplied(stream: string, revision: number, timeoutMs?: number): Promise<boolean>;
  /** Where the service's own events were read up to in the store, kept with what was applied from them. */
  checkpoint(name: string): CheckpointStore;
  close(): void;
}

interface ProgrammeDbRow {
  programme_id: string;
  title: string;
  competency_area: string;
  jp: number;
  capacity: number;
  starts_on: string;
  ends_on: string;
  delivery_mode: string;
  organiser: string;
  status: string;
  participants: number;
  waitlisted: number;
}

interface EnrollmentDbRow {
  enrollment_id: string;
  programme_id: string;
  employee_id: string;
  status: string;
  basis: string;
  completed_on: string | null;
  certificate_number: string | null;
  jp: number | null;
  competency_area: string | null;
  cancel_reason: string | null;
}

interface NeedDbRow {
  need_status: string;
  closed_reason: string | null;
  closed_left_on: string | null;
  closed_left_by: string | null;
  need_id: string;
  need_event_id: string;
  appraisal_id: string;
  employee_id: string;
  unit_id: string;
  competency_area: string;
  period: string;
  source: string;
  predicate: string | null;
  identified_on: string;
  enrollment_id: string | null;
  programme_id: string | null;
  enrollment_status: string | null;
}

const PROGRAMME_SELECT = `SELECT p.*,
  (SELECT COUNT(*) FROM enrollments e WHERE e.programme_id = p.programme_id AND e.status IN ('enrolled', 'completed')) AS participants,
  (SELECT COUNT(*) FROM enrollments e WHERE e.programme_id = p.programme_id AND e.status = 'waitlisted') AS waitlisted
  FROM programmes p`;

// A need's status: its enrolment's while that runs or was completed; closed once its employee left (also
// when an enrolment made meanwhile was then withdrawn); else its cancelled enrolment's; else open.
const NEED_SELECT = `SELECT * FROM (SELECT n.*, e.enrollment_id, e.programme_id, e.status AS enrollment_status,
  c.reason AS closed_reason, c.left_on AS closed_left_on, c.left_by AS closed_left_by,
  CASE WHEN e.status IN ('enrolled', 'waitlisted', 'completed') THEN e.status
       WHEN c.need_id IS NOT NULL THEN 'closed'
       ELSE COALESCE(e.status, 'open') END AS need_status
  FROM needs n LEFT JOIN enrollments e ON e.need_id = n.need_id LEFT JOIN need_closures c ON c.need_id = n.need_id)`;

const toProgramme = (row: ProgrammeDbRow): ProgrammeRow => ({
  programmeId: row.programme_id,
  title: row.title,
  competencyArea: row.competency_area as CompetencyArea,
  jp: row.jp,
  capacity: row.capacity,
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  deliveryMode: row.delivery_mode,
  organiser: row.organiser,
  status: row.status as ProgrammeRow['status'],
  participants: row.participants,
  waitlisted: row.waitlisted,
  seatsLeft: Math.max(0, row.capacity - row.participants),
});

const toEnrollment = (row: EnrollmentDbRow): EnrollmentRow => ({
  enrollmentId: row.enrollment_id,
  programmeId: row.programme_id,
  employeeId: row.employee_id,
  status: row.status as EnrollmentStatus,
  basis: JSON.parse(row.basis) as EnrollmentBasis,
  ...(row.completed_on !== null && row.certificate_number !== null && row.jp !== null && row.competency_area !== null
    ? { completion: { completedOn: row.completed_on, certificateNumber: row.certificate_number, jp: row.jp, competencyArea: row.competency_area as CompetencyArea } }
    : {}),
  ...(row.cancel_reason === null ? {} : { cancellation: { reason: row.cancel_reason } }),
});

const toNeed = (row: NeedDbRow): NeedRow => ({
  needId: row.need_id,
  needEventId: row.need_event_id,
  appraisalId: row.appraisal_id,
  employeeId: row.employee_id,
  unitId: row.unit_id,
  competencyArea: row.competency_area as CompetencyArea,
  period: JSON.parse(row.period) as AppraisalPeriod,
  source: row.source as NeedRow['source'],
  ...(row.predicate === null ? {} : { predicate: row.predicate as Predicate }),
  identifiedOn: row.identified_on,
  status: row.need_status as NeedStatus,
  ...(row.enrollment_id === null ? {} : { enrollmentId: row.enrollment_id }),
  ...(row.programme_id === null ? {} : { programmeId: row.programme_id }),
  ...(row.closed_reason !== null && row.closed_left_on !== null && row.closed_left_by !== null
    ? { closure: { reason: row.closed_reason as NeedClosure['reason'], leftOn: row.closed_left_on, leftBy: row.closed_left_by as LeftBy } }
    : {}),
});

/** Opens (creating if needed) the read model file; WAL so that reads never wait for the consumer. */
export const openTrainingReadModel = (path: string): TrainingReadModel => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const orgChart = openOrgChart(db);

  const insertProgramme = db.prepare(
    `INSERT INTO programmes (programme_id, title, competency_area, jp, capacity, starts_on, ends_on, delivery_mode, organiser, status)
     VALUES (@programme_id, @title, @competency_area, @jp, @capacity, @starts_on, @ends_on, @delivery_mode, @organiser, 'scheduled')
     ON CONFLICT (programme_id) DO NOTHING`,
  );
  const setProgrammeStatus = db.prepare<[string, string]>('UPDATE programmes SET status = ? WHERE programme_id = ?');
  const insertEnrollment = db.prepare(
    `INSERT INTO enrollments (enrollment_id, programme_id, employee_id, status, basis, need_id, seq)
     VALUES (@enrollment_id, @programme_id, @employee_id, @status, @basis, @need_id, @seq)
     ON CONFLICT (enrollment_id) DO NOTHING`,
  );
  const setEnrollmentStatus = db.prepare<[string, string | null, string]>('UPDATE enrollments SET status = ?, cancel_reason = ? WHERE enrollment_id = ?');
  const completeEnrollment = db.prepare(
    `UPDATE enrollments SET status = 'completed', completed_on = @completed_on, certificate_number = @certificate_number, jp = @jp,
     competency_area = @competency_area WHERE enrollment_id = @enrollment_id`,
  );
  const insertNeed = db.prepare(
    `INSERT INTO needs (need_id, need_event_id, appraisal_id, employee_id, unit_id, competency_area, period, source, predicate, identified_on, seq)
     VALUES (@need_id, @need_event_id, @appraisal_id, @employee_id, @unit_id, @competency_area, @period, @source, @predicate, @identified_on,
       (SELECT COALESCE(MAX(seq), 0) + 1 FROM needs))
     ON CONFLICT (need_id) DO NOTHING`,
  );
  const nextSeq = db.prepare<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM enrollments');
  const programmeById = db.prepare<[string], ProgrammeDbRow>(`${PROGRAMME_SELECT} WHERE p.programme_id = ?`);
  const candidates = db.prepare<[string, string], { programme_id: string }>(
    `SELECT programme_id FROM programmes WHERE competency_area = ? AND status = 'scheduled' AND starts_on > ? ORDER BY starts_on, programme_id`,
  );
  const enrollmentsByEmployee = db.prepare<[string], EnrollmentDbRow>('SELECT * FROM enrollments WHERE employee_id = ? ORDER BY seq');
  const needById = db.prepare<[string], NeedDbRow>(`${NEED_SELECT} WHERE need_id = ?`);
  const closeNeeds = db.prepare<[{ employee_id: string; reason: string; left_on: string; left_by: string; trigger_event_id: string }]>(
    `INSERT OR IGNORE INTO need_closures (need_id, reason, left_on, left_by, trigger_event_id)
     SELECT n.need_id, @reason, @left_on, @left_by, @trigger_event_id FROM needs n
     WHERE n.employee_id = @employee_id AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.need_id = n.need_id)`,
  );
  const inbox = openSqliteInbox(db, INBOX);
  const loadCheckpoint = db.prepare<[string], { position: number }>('SELECT position FROM own_checkpoints WHERE name = ?');
  const saveCheckpoint = db.prepare<[string, number]>(
    'INSERT INTO own_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
  );
  const pending = db.prepare<[], { trigger_event_id: string; employee_id: string; tmt: string }>('SELECT * FROM pending_leavers ORDER BY rowid');
  const addPending = db.prepare('INSERT INTO pending_leavers (trigger_event_id, employee_id, tmt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const removePending = db.prepare<[string]>('DELETE FROM pending_leavers WHERE trigger_event_id = ?');

  const applyTraining = (event: DecodedEvent): void => {
    const parsed = trainingEventRegistry.parseEvent({ type: event.eventType, schemaVersion: trainingEventRegistry.latestVersion(event.eventType as never), data: event.data });
    const { id: programmeId } = parseStreamId(event.subject);
    switch (parsed.type) {
      case 'ProgrammeScheduled': {
        const d = parsed.data;
        insertProgramme.run({
          programme_id: programmeId,
          title: d.title,
          competency_area: d.competencyArea,
          jp: d.jp,
          capacity: d.capacity,
          starts_on: d.startsOn,
          ends_on: d.endsOn,
          delivery_mode: d.deliveryMode,
          organiser: d.organiser,
        });
        return;
      }
      case 'ProgrammeCancelled':
        setProgrammeStatus.run('cancelled', programmeId);
        return;
      case 'ParticipantEnrolled':
      case 'ParticipantWaitlisted': {
        const { enrollmentId, employeeId, basis } = parsed.data;
        insertEnrollment.run({
          enrollment_id: enrollmentId,
          programme_id: programmeId,
          employee_id: employeeId,
          status: parsed.type === 'ParticipantEnrolled' ? 'enrolled' : 'waitlisted',
          basis: JSON.stringify(basis),
          need_id: basis.kind === 'training-need' ? basis.needId : null,
          seq: nextSeq.get()?.seq ?? 1,
        });
        return;
      }
      case 'ParticipantAdmittedFromWaitlist':
        setEnrollmentStatus.run('enrolled', null, parsed.data.enrollmentId);
        return;
      case 'AttendanceRecorded':
        return;
      case 'ParticipantCompleted': {
        const d = parsed.data;
        completeEnrollment.run({ enrollment_id: d.enrollmentId, completed_on: d.completedOn, certificate_number: d.certificateNumber, jp: d.jp, competency_area: d.competencyArea });
        return;
      }
      case 'EnrollmentCancelled':
        setEnrollmentStatus.run('cancelled', parsed.data.reason, parsed.data.enrollmentId);
        return;
      default:
        return parsed satisfies never;
    }
  };

  return {
    db,
    orgChart,
    applyTraining,
    recordNeed: (need) =>
      insertNeed.run({
        need_id: need.needId,
        need_event_id: need.needEventId,
        appraisal_id: need.appraisalId,
        employee_id: need.employeeId,
        unit_id: need.unitId,
        competency_area: need.competencyArea,
        period: JSON.stringify(need.period),
        source: need.source,
        predicate: need.predicate ?? null,
        identified_on: need.identifiedOn,
      }),
    closeOpenNeedsOf: (employeeId, closure) =>
      closeNeeds.run({ employee_id: employeeId, reason: closure.reason, left_on: closure.leftOn, left_by: closure.leftBy, trigger_event_id: closure.triggerEventId }).changes,
    addPendingLeaver: (l) => addPending.run(l.triggerEventId, l.employeeId, l.tmt),
    pendingLeavers: () => pending.all().map((r) => ({ triggerEventId: r.trigger_event_id, employeeId: r.employee_id, tmt: r.tmt })),
    removePendingLeaver: (id) => removePending.run(id),
    programme: (programmeId) => {
      const row = programmeById.get(programmeId);
      return row && toProgramme(row);
    },
    programmes: ({ area, from, limit, offset }) => {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit, offset };
      if (area) {
        where.push('p.competency_area = @area');
        params.area = area;
      }
      if (from) {
        where.push('p.starts_on >= @from');
        params.from = from;
      }
      const sql = `${PROGRAMME_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.starts_on, p.programme_id LIMIT @limit OFFSET @offset`;
      return db.prepare<[Record<string, unknown>], ProgrammeDbRow>(sql).all(params).map(toProgramme);
    },
    candidateProgrammes: (area, day) => candidates.all(area, day).map((r) => r.programme_id),
    enrollmentsOf: (employeeId) => enrollmentsByEmployee.all(employeeId).map(toEnrollment),
    completionsOf: (employeeIds) => {
      const result = new Map<string, NonNullable<EnrollmentRow['completion']>[]>();
      if (employeeIds.length === 0) return result;
      const rows = db
        .prepare<string[], EnrollmentDbRow>(`SELECT * FROM enrollments WHERE status = 'completed' AND employee_id IN (${employeeIds.map(() => '?').join(',')})`)
        .all(...employeeIds);
      for (const row of rows) {
        const { completion } = toEnrollment(row);
        if (completion) result.set(row.employee_id, [...(result.get(row.employee_id) ?? []), completion]);
      }
      return result;
    },
    need: (needId) => {
      const row = needById.get(needId);
      return row && toNeed(row);
    },
    needs: ({ status, area, limit, offset }) => {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit, offset };
      if (status === 'open' || status === 'closed') {
        where.push('need_status = @status');
        params.status = status;
      }
      if (status === 'enrolled') where.push("enrollment_id IS NOT NULL AND need_status <> 'closed'");
      if (area) {
        where.push('competency_area = @area');
        params.area = area;
      }
      const sql = `${NEED_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT @limit OFFSET @offset`;
      return db.prepare<[Record<string, unknown>], NeedDbRow>(sql).all(params).map(toNeed);
    },
    inbox,
    waitForApplied: async (stream, revision, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      // The consumer applies in this process: a short poll of one indexed row (false once the file is closed).
      while (db.open && (inbox.revisionOf(stream) ?? -1) < revision) {
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return db.open;
    },
    checkpoint: (name) => ({
      load: async () => loadCheckpoint.get(name)?.position,
      save: async (position) => void saveCheckpoint.run(name, position),
    }),
    close: () => db.close(),
  };
};
