import { type Bus, type Consumer, type DecodedEvent } from '@asn/bus';
import { sleep } from '@asn/event-store';
import { evaluationEventRegistry, Predicate, Topics, type EvaluationEventData } from '@asn/contracts';
import { project } from '@asn/runtime';
import type { Logger } from '@asn/service-kit';
import Database from 'better-sqlite3';

/** The final predicate of an employee's annual appraisal (SKP) for a calendar year. */
export interface AppraisalFact {
  readonly year: number;
  readonly predicate: Predicate;
}

/** The consumer group on asn.evaluation.v1, also the inbox's name. */
export const APPRAISALS_GROUP = 'personnel';

/**
 * The final annual predicates, read from the evaluation service's events: `AppraisalFinalised` sets an
 * employee's predicate for the year, and an `ObjectionDecided` replaces it with the predicate in force after
 * the decision. Quarterly appraisals and the other evaluation events do not count for promotion and are
 * skipped (acknowledged through the inbox all the same, so that per-stream order holds).
 */
export interface Appraisals {
  /** The employee's recorded annual predicates, oldest year first. */
  of(employeeId: string): AppraisalFact[];
  /** Resolves once the consumer has read what the topic held when it started; rejects after `timeoutMs`. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

type Finalised = Extract<EvaluationEventData, { type: 'AppraisalFinalised' }>['data'];
type ObjectionDecided = Extract<EvaluationEventData, { type: 'ObjectionDecided' }>['data'];

/** Opens (creating it when missing) the read model's table in `db` and returns its synchronous update. */
export const appraisalTable = (db: Database.Database) => {
  db.exec(`CREATE TABLE IF NOT EXISTS appraisals (
    employee_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    predicate TEXT NOT NULL,
    source TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (employee_id, year)
  ) STRICT, WITHOUT ROWID`);
  const upsert = db.prepare<[string, number, string, string, string]>(
    `INSERT INTO appraisals (employee_id, year, predicate, source, event_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (employee_id, year) DO UPDATE SET predicate = excluded.predicate, source = excluded.source, event_id = excluded.event_id`,
  );
  const select = db.prepare<[string], { year: number; predicate: string }>(
    'SELECT year, predicate FROM appraisals WHERE employee_id = ? ORDER BY year',
  );
  const apply = (event: DecodedEvent): void => {
    switch (event.eventType) {
      case 'AppraisalFinalised':
      case 'ObjectionDecided': {
        const data = event.data as Finalised | ObjectionDecided;
        if (data.period.kind !== 'annual') return;
        upsert.run(data.employeeId, data.period.year, data.predicate, event.eventType, event.id);
        return;
      }
      default:
        return;
    }
  };
  const of = (employeeId: string): AppraisalFact[] =>
    select.all(employeeId).map((row) => ({ year: row.year, predicate: Predicate.parse(row.predicate) }));
  return { apply, of };
};

export interface AppraisalOptions {
  readonly bus: Bus;
  /** The read model's SQLite file (rows and inbox), e.g. DATA_DIR/personnel.readmodel.db. */
  readonly path: string;
  readonly logger: Logger;
  /** First delay before retrying a subscription that failed (a broker not up yet); doubles up to 30 s. */
  readonly retryDelayMs?: number;
}

/**
 * Follows asn.evaluation.v1 into the `appraisals` table. Subscribing is retried with backoff (a broker that
 * is down at start), so the service starts and the readiness check reports the consumer until it runs.
 */
/** How long stopping waits for a subscription still being set up. */
const SUBSCRIBING_WAIT_MS = 2_000;

export const startAppraisals = (options: AppraisalOptions): Appraisals => {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const table = appraisalTable(db);
  const abort = new AbortController();
  let lastError: unknown;
  const subscribing = (async (): Promise<Consumer | undefined> => {
    let delay = options.retryDelayMs ?? 500;
    while (!abort.signal.aborted) {
      try {
        return await project({
          bus: options.bus,
          group: APPRAISALS_GROUP,
          topics: [Topics.evaluation],
          registry: evaluationEventRegistry,
          db,
          apply: table.apply,
        });
      } catch (error) {
        lastError = error;
        options.logger.warn({ err: error, retryInMs: delay }, 'appraisal consumer could not subscribe');
        await sleep(delay, abort.signal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
    return undefined;
  })();

  const caughtUp = async (timeoutMs = 1_000): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
        reject(new Error(`the appraisal consumer has not caught up${cause}`));
      }, timeoutMs);
    });
    try {
      await Promise.race([
        subscribing.then(async (consumer) => {
          if (!consumer) throw new Error('the appraisal consumer stopped');
          await consumer.caughtUp;
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    of: table.of,
    caughtUp,
    stop: async () => {
      abort.abort();
      // A subscription still being set up (a new topic, a broker slow to answer: kafkajs may take its time) is
      // not waited for past a bound, so that SIGTERM stops the service promptly; it is stopped when it is ready.
      const settled = await Promise.race([subscribing, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), SUBSCRIBING_WAIT_MS).unref())]);
      if (settled === 'late') {
        void subscribing
          .then(async (consumer) => consumer?.stop())
          .finally(() => db.close())
          .catch(() => undefined);
        return;
      }
      await settled?.stop();
      db.close();
    },
  };
};
