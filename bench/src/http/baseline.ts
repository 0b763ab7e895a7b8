/**
 * The raw baseline of the HTTP command line, run as a process of its own by http/run.ts: express 5 +
 * express.json + a strict zod schema of the transfer body + one better-sqlite3 INSERT per request at
 * journal_mode=WAL, synchronous=NORMAL (a commit is not fsynced: WAL pages reach the disk at checkpoints),
 * answering 201 with a body like the personnel service's. No auth, no idempotency, no load or decide.
 * Environment: BASELINE_DB (database file), HOST, PORT (0 = any free port). Prints one JSON line
 * `{"event":"listening","port":N}` on stdout once it listens; SIGTERM closes the server and the database.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import express from 'express';
import { z } from 'zod';

// The same refinements as @asn/contracts' vocabulary, so that both sides validate alike.
const Uuid = z.uuid().toLowerCase();
const isCalendarDate = (value: string): boolean => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};
const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a date as YYYY-MM-DD.')
  .refine(isCalendarDate, 'Not a real calendar date.');
const Text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !/\p{Cc}/u.test(value), 'Must not contain control characters.');

/** The same shape and constraints as the personnel service's transfer proposal. */
const TransferBody = z.strictObject({
  decision: z.strictObject({
    kind: z.literal('transfer'),
    transferKind: z.enum(['within-city', 'to-other-region', 'to-central-agency']),
    toUnitId: Uuid.optional(),
    tenureOverrideReason: Text(5, 1000).optional(),
    pertekNumber: Text(1, 100).optional(),
  }),
  decree: z.strictObject({
    skNumber: Text(1, 100),
    skDate: CalendarDate,
    tmt: CalendarDate,
    signedBy: Text(2, 200),
    legalBasis: Text(2, 500),
    documentSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
});
const Params = z.strictObject({ employeeId: Uuid });

const path = process.env.BASELINE_DB;
if (path === undefined || path === '') throw new Error('BASELINE_DB is required');
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS proposals (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  body TEXT NOT NULL,
  recorded_at TEXT NOT NULL
)`);
const insert = db.prepare('INSERT INTO proposals (id, employee_id, body, recorded_at) VALUES (?, ?, ?, ?)');

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '100kb' }));
app.post('/v1/employees/:employeeId/proposals', (req, res) => {
  const params = Params.safeParse(req.params);
  const body = TransferBody.safeParse(req.body);
  if (!params.success || !body.success) {
    res.status(400).type('application/problem+json').json({ status: 400, title: 'Invalid request' });
    return;
  }
  const id = randomUUID();
  const { lastInsertRowid } = insert.run(
    id,
    params.data.employeeId,
    JSON.stringify(body.data),
    new Date().toISOString(),
  );
  const revision = Number(lastInsertRowid);
  res
    .status(201)
    .set({ ETag: `"${String(revision)}"`, Location: `/v1/employees/${params.data.employeeId}` })
    .json({ employeeId: params.data.employeeId, decisionId: id, revision, events: [{ id, type: 'DecisionProposed' }] });
});

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeAllConnections();
});
