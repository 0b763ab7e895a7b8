import { decodeWith, openSqliteInbox, type Bus, type Consumer } from '@asn/bus';
import { feedbackEventRegistry, FeedbackCategory, parseStreamId, Topics } from '@asn/contracts';
import { derivedId } from '@asn/event-store';
import { personnelTopicRegistry, type OrgChart } from '@asn/org-chart';
import { inSpan, type Logger } from '@asn/service-kit';
import type { Database } from 'better-sqlite3';
import { handleAppraisalCommand, type AppraisalHandlerDeps } from '../appraisals/appraisal.handlers';
import type { AppraisalIndex } from '../appraisals/appraisals.projection';

/** The reactions' actor: the service itself, acting on another context's event. */
const reactionActor = (triggerId: string, appraisalId: string) => ({
  subject: 'evaluation',
  role: 'system',
  correlationId: triggerId,
  causationId: triggerId,
  // Derived from the trigger: a redelivered event or a re-run after a crash writes the same ids (nothing new).
  idSeed: derivedId(triggerId, appraisalId),
});

const SCHEMA = `
CREATE TABLE IF NOT EXISTS eval_pending_closings (
  trigger_id TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL,
  tmt TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS eval_complaints (
  ticket_id TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL,
  category TEXT NOT NULL,
  substantiated_on TEXT NOT NULL,
  event_id TEXT NOT NULL,
  noted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS eval_complaints_by_employee ON eval_complaints (employee_id, noted);
`;

interface ComplaintRow {
  ticket_id: string;
  category: string;
  substantiated_on: string;
  event_id: string;
}

export interface ComplaintBook {
  /**
   * Notes the employee's substantiated complaints not yet noted anywhere on the appraisal (after it opened),
   * then marks them noted. Idempotent: each note's event ids derive from the complaint's event and the appraisal.
   */
  noteOn(appraisalId: string, employeeId: string): Promise<void>;
}

export interface EvaluationConsumers {
  personnel: Consumer;
  feedback: Consumer;
  complaints: ComplaintBook;
  /** Resolves once both consumers have handled what was on their topics at start. */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export interface ConsumerDeps {
  bus: Bus;
  /** The read model's database (evaluation.readmodel.db): org chart, inboxes, complaints, pending closings. */
  db: Database;
  orgChart: OrgChart;
  index: AppraisalIndex;
  handlers: AppraisalHandlerDeps;
  logger: Logger;
}

/**
 * Follows the personnel topic (the org chart; an employee who left gets their open appraisals closed) and
 * the feedback topic (a substantiated complaint about an employee is noted on their open appraisals, or
 * remembered for the next one). Each event is applied once and in per-stream order through an inbox in
 * the read model's database, in one transaction with the org chart or complaint tables.
 */
export const startConsumers = async (deps: ConsumerDeps): Promise<EvaluationConsumers> => {
  const { db, orgChart, index, handlers, logger } = deps;
  db.exec(SCHEMA);
  const personnelInbox = openSqliteInbox(db, 'evaluation.personnel');
  const feedbackInbox = openSqliteInbox(db, 'evaluation.feedback');
  const addPending = db.prepare<[string, string, string]>('INSERT OR IGNORE INTO eval_pending_closings (trigger_id, employee_id, tmt) VALUES (?, ?, ?)');
  const pending = db.prepare<[], { trigger_id: string; employee_id: string; tmt: string }>('SELECT trigger_id, employee_id, tmt FROM eval_pending_closings ORDER BY rowid');
  const donePending = db.prepare<[string]>('DELETE FROM eval_pending_closings WHERE trigger_id = ?');
  const addComplaint = db.prepare<[string, string, string, string, string]>(
    'INSERT OR IGNORE INTO eval_complaints (ticket_id, employee_id, category, substantiated_on, event_id) VALUES (?, ?, ?, ?, ?)',
  );
  const unnoted = db.prepare<[string], ComplaintRow>('SELECT ticket_id, category, substantiated_on, event_id FROM eval_complaints WHERE employee_id = ? AND noted = 0 ORDER BY rowid');
  const markNoted = db.prepare<[string]>('UPDATE eval_complaints SET noted = 1 WHERE ticket_id = ?');

  // A leaving recorded in the same transaction as the org chart and the inbox, closed afterwards: a crash in
  // between leaves the row, and the next event (or the next start) closes the appraisals.
  let draining: Promise<void> = Promise.resolve();
  const closeAll = async (): Promise<void> => {
    for (const row of pending.all()) {
      await index.catchUp();
      for (const open of index.openOf(row.employee_id)) {
        await handleAppraisalCommand(handlers, open.appraisalId, { type: 'CloseAppraisal', tmt: row.tmt }, reactionActor(row.trigger_id, open.appraisalId));
        logger.info({ appraisalId: open.appraisalId }, 'appraisal closed: the employee left');
      }
      donePending.run(row.trigger_id);
    }
  };
  const drainClosings = (): Promise<void> => {
    draining = draining.then(closeAll, closeAll);
    return draining;
  };

  const noteOn = async (appraisalId: string, employeeId: string): Promise<void> => {
    const pendingNotes = unnoted.all(employeeId);
    if (pendingNotes.length === 0) return;
    // A rebuilt read model forgets which complaints were noted: the appraisals' own events remember it.
    await index.catchUp();
    const alreadyNoted = index.notedComplaints(employeeId);
    for (const complaint of pendingNotes) {
      if (alreadyNoted.has(complaint.ticket_id)) {
        markNoted.run(complaint.ticket_id);
        continue;
      }
      await handleAppraisalCommand(
        handlers,
        appraisalId,
        {
          type: 'NoteComplaint',
          ticketId: complaint.ticket_id,
          category: FeedbackCategory.parse(complaint.category),
          substantiatedOn: complaint.substantiated_on,
        },
        reactionActor(complaint.event_id, appraisalId),
      );
      markNoted.run(complaint.ticket_id);
    }
  };

  const personnel = await deps.bus.subscribe({
    group: 'evaluation.personnel',
    topics: [Topics.personnel],
    handle: decodeWith(personnelTopicRegistry, async (event) => {
      // A span under the delivery's, as project() makes for the other read models (docs/observability.md).
      inSpan('apply evaluation.personnel', { 'messaging.consumer.group.name': 'evaluation.personnel', 'asn.event.type': event.type }, () =>
        personnelInbox.apply(event, () => {
          const change = orgChart.apply(event);
          if (change?.kind === 'employee-left') addPending.run(event.id, change.employeeId, change.tmt);
        }),
      );
      await drainClosings();
    }),
  });

  const feedback = await deps.bus.subscribe({
    group: 'evaluation.feedback',
    topics: [Topics.feedback],
    handle: decodeWith(feedbackEventRegistry, async (event) => {
      if (event.eventType === 'ComplaintSubstantiated') {
        const data = feedbackEventRegistry.parse('ComplaintSubstantiated', feedbackEventRegistry.latestVersion('ComplaintSubstantiated'), event.data);
        if (data.employeeId !== undefined) {
          const ticketId = parseStreamId(event.subject).id;
          // Remembered first (once per ticket), then noted on every open appraisal: an appraisal opened in
          // between sees it as unnoted and notes it itself.
          addComplaint.run(ticketId, data.employeeId, data.category, data.substantiatedOn, event.id);
          await index.catchUp();
          const open = index.openOf(data.employeeId);
          for (const appraisal of open) {
            await handleAppraisalCommand(
              handlers,
              appraisal.appraisalId,
              { type: 'NoteComplaint', ticketId, category: data.category, substantiatedOn: data.substantiatedOn },
              reactionActor(event.id, appraisal.appraisalId),
            );
          }
          if (open.length > 0) markNoted.run(ticketId);
        }
      }
      feedbackInbox.apply(event, () => undefined);
    }),
  });

  // Leavings recorded before a crash.
  await drainClosings();

  return {
    personnel,
    feedback,
    complaints: { noteOn },
    caughtUp: Promise.all([personnel.caughtUp, feedback.caughtUp]).then(() => draining),
    stop: async () => {
      await personnel.stop();
      await feedback.stop();
      await draining.catch(() => undefined);
    },
  };
};
