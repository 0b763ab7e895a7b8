/**
 * The auditor's answers from an event store file or an EventStoreDB server, read-only, without the services (what
 * `./ledger audit` runs, through audit.cli.ts):
 *   node --import tsx services/reporting/src/audit.cli.ts <command> <store file | --esdb <connection string> --audit-log F> [...]
 *     timeline <employeeId> [--format text|json|jsonl|csv] [--digest F --public-key K]
 *     record <employeeId> --as-of YYYY-MM-DD [--recorded-by ISO] [--format text|json|jsonl|csv] [--digest F --public-key K]
 *     roster --as-of YYYY-MM-DD [--recorded-by ISO] [--unit ID] [--format csv|json|jsonl]
 * It reads the personnel topic's streams (employee, unit) in global order into an in-memory database with the
 * reporting service's own projections (the org chart and careers), so the service and this command cannot
 * disagree. With a kept digest and its public key it first checks the store against them. Exit 0 answered
 * (and proven, when a digest was given), 1 not found or not proven, 2 bad arguments. No personal data: the
 * sealed personal fields are dropped on the way in, as in the service.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CalendarDate, publishedCategories, streamId } from '@asn/contracts';
import { checkAgainstDigest, publicKeyFromPem, type DigestCheck, type EventStore, type SignedDigest, type VerifiableStore } from '@asn/event-store';
import { checkSqliteFileAgainstDigest, SqliteEventStore } from '@asn/event-store-sqlite';
import { openSqliteAuditLog } from '@asn/privacy';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Careers, DecidedBy, RecordAsOf, TimelineEntry } from './careers/careers';
import { openReadModels } from './readModels';
import { replayInto, type SkippedEvent } from './rebuild/replay';

const USAGE = `usage: ./ledger audit <command> [store file] [options]    (store file: default DATA_DIR/asn.db, else ./data/asn.db)
       ./ledger audit <command> --esdb <connection string> --audit-log F [options]    (the ledger on an EventStoreDB server)
  timeline <employeeId> [--format text|json|jsonl|csv] [--digest F --public-key K]
      every proposal, rejection, decision, correction and erasure of the employee, with its SK, who proposed,
      who decided, TMT, when it was recorded and whether it is in force
  record <employeeId> --as-of YYYY-MM-DD [--recorded-by ISO] [--format text|json|jsonl|csv] [--digest F --public-key K]
      rank, unit and position on a date (by TMT), as recorded by a time, each with the decision that set it
  roster --as-of YYYY-MM-DD [--recorded-by ISO] [--unit ID] [--format csv|json|jsonl]
      everyone in service on the date, by unit (default CSV)
  --digest F --public-key K   first check the store against a digest you kept, with the public key you kept
                              (exit 1 when it is not proven unchanged since the digest)
  --audit-log F               where this read is recorded (who, what, which employees) before anything is printed;
                              default reporting.audit.db beside the store file (the service's own trail); required
                              with --esdb
`;

const OPTIONS = {
  format: { type: 'string' },
  'as-of': { type: 'string' },
  'recorded-by': { type: 'string' },
  unit: { type: 'string' },
  digest: { type: 'string' },
  'public-key': { type: 'string' },
  'audit-log': { type: 'string' },
  esdb: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

const Id = z.uuid().toLowerCase();
const Instant = z.iso.datetime({ offset: true });
const COMMANDS = {
  timeline: { formats: ['text', 'json', 'jsonl', 'csv'], options: ['format', 'digest', 'public-key', 'audit-log', 'esdb'], employee: true },
  record: {
    formats: ['text', 'json', 'jsonl', 'csv'],
    options: ['format', 'as-of', 'recorded-by', 'digest', 'public-key', 'audit-log', 'esdb'],
    employee: true,
  },
  roster: { formats: ['csv', 'json', 'jsonl'], options: ['format', 'as-of', 'recorded-by', 'unit', 'audit-log', 'esdb'], employee: false },
} as const;
type Command = keyof typeof COMMANDS;
type Format = 'text' | 'json' | 'jsonl' | 'csv';

/** Where the events are read: a store file (or a backup of it), or an EventStoreDB server. */
type Source = { file: string } | { esdb: string };

interface Request {
  command: Command;
  source: Source;
  employeeId?: string;
  asOf?: string;
  recordedBy?: Date;
  unitId?: string;
  format: Format;
  digest?: { file: string; publicKey: string };
  /** Where the read is recorded: --audit-log, else reporting.audit.db beside the store file. */
  auditLog: string;
}

const parseRequest = (argv: readonly string[]): Request | 'help' => {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, ...others] = positionals;
  if (command === undefined || !Object.hasOwn(COMMANDS, command))
    throw new UsageError(command === undefined ? 'no command given' : `unknown command: ${command}`);
  const spec = COMMANDS[command as Command];
  const storePath = values.esdb === undefined ? others.shift() : undefined;
  const rest = others;
  if (values.esdb === undefined && storePath === undefined) throw new UsageError('no store file given');
  if (values.esdb !== undefined && values['audit-log'] === undefined)
    throw new UsageError('--esdb needs --audit-log F: where this read is recorded');
  const allowed: readonly string[] = spec.options;
  const given = (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] !== undefined && k !== 'help');
  const stray = given.find((k) => !allowed.includes(k));
  if (stray) throw new UsageError(`--${stray} does not apply to ${command}`);
  if (rest.length !== (spec.employee ? 1 : 0))
    throw new UsageError(spec.employee ? `${command} takes one employee id` : `${command} takes no employee id`);
  const request: Request = {
    command: command as Command,
    source: storePath === undefined ? { esdb: values.esdb ?? '' } : { file: storePath },
    format: (values.format ?? spec.formats[0]) as Format,
    auditLog: values['audit-log'] ?? join(dirname(storePath ?? '.'), 'reporting.audit.db'),
  };
  if (!(spec.formats as readonly string[]).includes(request.format))
    throw new UsageError(`--format of ${command}: one of ${spec.formats.join(', ')}`);
  if (spec.employee) {
    const id = Id.safeParse(rest[0]);
    if (!id.success) throw new UsageError('the employee id must be a UUID');
    request.employeeId = id.data;
  }
  if (command !== 'timeline') {
    const asOf = CalendarDate.safeParse(values['as-of']);
    if (!asOf.success) throw new UsageError(`${command} needs --as-of YYYY-MM-DD (a real date)`);
    request.asOf = asOf.data;
  }
  if (values['recorded-by'] !== undefined) {
    if (!Instant.safeParse(values['recorded-by']).success)
      throw new UsageError('--recorded-by must be an ISO 8601 time with its offset, e.g. 2021-03-01T00:00:00+07:00');
    request.recordedBy = new Date(values['recorded-by']);
  }
  if (values.unit !== undefined) {
    const unit = Id.safeParse(values.unit);
    if (!unit.success) throw new UsageError('--unit must be a unit id (UUID)');
    request.unitId = unit.data;
  }
  if ((values.digest === undefined) !== (values['public-key'] === undefined))
    throw new UsageError('--digest and --public-key go together');
  if (values.digest !== undefined && values['public-key'] !== undefined)
    request.digest = { file: values.digest, publicKey: values['public-key'] };
  return request;
};

const PROGRESS_EVERY = 10_000;
const number = (n: number): string => n.toLocaleString('en-US');

interface ReadModel {
  careers: Careers;
  /** Personnel-topic events read, up to the store's head position when the command started. */
  events: number;
  head: number;
  /** Events the service would have dead-lettered (an unknown type or version, data breaking its contract). */
  skipped: SkippedEvent[];
  /** Global positions of the asked employee's events. */
  employeePositions: number[];
  close(): void;
}

/**
 * Folds the store's personnel-topic events into the service's read models, in memory, with the service's own
 * replay (`replayInto`: the consumer's decoding and inbox), every event validated against its contract as the
 * live consumer does (a backup may predate the store's check on append, ADR 0010).
 */
const readStore = async (store: EventStore, io: AuditIo, employeeId?: string): Promise<ReadModel> => {
  const db = new Database(':memory:');
  try {
    const head = await store.headPosition();
    const progress = io.errIsTty ? (text: string) => io.err(`\r${text}`) : (text: string) => io.err(`${text}\n`);
    const { careers, ...readModels } = openReadModels(db);
    const replay = await replayInto({
      store,
      db,
      readModels,
      group: 'audit',
      until: head,
      validate: true,
      categories: publishedCategories.personnel,
      progressEvery: PROGRESS_EVERY,
      onProgress: ({ events, position }) => {
        if (position < head) progress(`audit: read ${number(events)} events (position ${number(position)} of ${number(head)})`);
      },
    });
    if (replay.events >= PROGRESS_EVERY)
      progress(`audit: read ${number(replay.events)} events up to position ${number(head)}${io.errIsTty ? '\n' : ''}`);
    for (const s of replay.skipped)
      io.err(`audit: WARNING: not applied (the service would dead-letter it): ${s.type} at ${s.stream} revision ${s.revision}: ${s.reason}\n`);
    // Which of the employee's events the store holds up to the head: what a kept digest has to cover.
    const employeePositions: number[] = [];
    if (employeeId !== undefined)
      for await (const event of store.readStream(streamId('employee', employeeId))) if (event.position <= head) employeePositions.push(event.position);
    return { careers, events: replay.events, head, skipped: replay.skipped, employeePositions, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
};

interface Proof {
  ok: boolean;
  digest?: { createdAt: string; position: number; events: number; keyId: string };
  problem?: DigestCheck['problem'];
  /** Of the employee's events: how many the digest covers (at or before its position), and how many came after it. */
  employeeEvents?: { covered: number; after: number };
}

const checkDigest = async (source: Source, store: EventStore & VerifiableStore, digest: NonNullable<Request['digest']>): Promise<Proof> => {
  let signed: unknown;
  try {
    signed = JSON.parse(readFileSync(digest.file, 'utf8'));
  } catch (error) {
    return {
      ok: false,
      problem: {
        kind: 'malformed-digest',
        message: `cannot read the digest ${digest.file}: ${(error as Error).message}`,
      },
    };
  }
  let publicKey;
  try {
    publicKey = publicKeyFromPem(readFileSync(digest.publicKey, 'utf8'));
  } catch (error) {
    return {
      ok: false,
      problem: {
        kind: 'wrong-key',
        message: `cannot read the public key ${digest.publicKey}: ${(error as Error).message}`,
      },
    };
  }
  // A file is also checked for damage first (SQLite's quick_check); a server is read through its stored form.
  const check = 'file' in source ? await checkSqliteFileAgainstDigest(source.file, signed, publicKey) : await checkAgainstDigest(store.storedForm(), signed, publicKey);
  if (!check.ok) return { ok: false, ...(check.problem ? { problem: check.problem } : {}) };
  const { digest: d, keyId } = signed as SignedDigest;
  return { ok: true, digest: { createdAt: d.createdAt, position: d.position, events: d.events, keyId } };
};

const withCoverage = (proof: Proof, positions: readonly number[]): Proof => {
  if (!proof.ok || !proof.digest) return proof;
  const position = proof.digest.position;
  const covered = positions.filter((p) => p <= position).length;
  return { ...proof, employeeEvents: { covered, after: positions.length - covered } };
};

const proofText = (proof: Proof): string => {
  if (!proof.ok) {
    const p = proof.problem;
    return `NOT PROVEN: ${p?.kind ?? 'unknown'}${p?.stream ? ` at stream ${p.stream}` : ''}: ${p?.message ?? ''}`;
  }
  const d = proof.digest;
  const e = proof.employeeEvents;
  const coverage = !e
    ? ''
    : e.after === 0
      ? `; all ${e.covered} of this employee's events are covered by it`
      : `; ${e.covered} of this employee's events are covered by it, ${e.after} recorded after it are not`;
  return `proven unchanged since the digest of ${d?.createdAt ?? '?'} (${number(d?.events ?? 0)} events up to position ${number(d?.position ?? 0)}, key ${d?.keyId ?? '?'})${coverage}`;
};

// CSV as RFC 4180 quotes it; a cell a spreadsheet would run as a formula (= + - @ first) is prefixed with '.
const csvCell = (value: string | number | null | undefined): string => {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const csv = (header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string =>
  [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return (
    [header, ...rows]
      .map((row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
};

const TIMELINE_CSV = [
  'eventId',
  'recordedAt',
  'eventType',
  'decisionId',
  'kind',
  'tmt',
  'skNumber',
  'skDate',
  'signedBy',
  'legalBasis',
  'proposedBy',
  'approvedBy',
  'rejectedBy',
  'reason',
  'standing',
  'correctsDecisionId',
];

const correctsOf = (entry: TimelineEntry): string | undefined =>
  entry.decision?.kind === 'correction' ? entry.decision.correctsDecisionId : undefined;
/** A rejection's reason, or a correction's. */
const reasonOf = (entry: TimelineEntry): string | undefined =>
  entry.reason ?? (entry.decision?.kind === 'correction' ? entry.decision.reason : undefined);

const timelineOutput = (employeeId: string, entries: TimelineEntry[], format: Format, header: string): string => {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ employeeId, entries }, null, 2)}\n`;
    case 'jsonl':
      return entries.map((e) => `${JSON.stringify({ employeeId, ...e })}\n`).join('');
    case 'csv':
      return csv(
        TIMELINE_CSV,
        entries.map((e) => [
          e.eventId,
          e.recordedAt,
          e.eventType,
          e.decisionId,
          e.kind,
          e.tmt,
          e.decree?.skNumber,
          e.decree?.skDate,
          e.decree?.signedBy,
          e.decree?.legalBasis,
          e.proposedBy,
          e.approvedBy,
          e.rejectedBy,
          reasonOf(e),
          e.standing,
          correctsOf(e),
        ]),
      );
    case 'text': {
      const rows = entries.map((e) => {
        const corrects = correctsOf(e);
        const note = [corrects ? `corrects ${corrects}` : '', reasonOf(e) ?? ''].filter(Boolean).join(': ');
        return [
          e.recordedAt,
          e.eventType,
          // Whole: ids are UUIDv7, whose first characters are the time and alike for decisions made together.
          e.decisionId ?? '',
          e.kind ?? '',
          e.tmt ?? '',
          e.decree?.skNumber ?? '',
          e.proposedBy ?? '',
          e.approvedBy ? `approved ${e.approvedBy}` : e.rejectedBy ? `rejected ${e.rejectedBy}` : '',
          e.standing ?? '',
          note,
        ];
      });
      return `${header}\n\n${table(['RECORDED AT', 'EVENT', 'DECISION', 'KIND', 'TMT', 'SK', 'PROPOSED BY', 'DECIDED BY', 'STANDING', 'NOTE'], rows)}`;
    }
  }
};

const decidedText = (by: DecidedBy, indent: string): string => {
  const lines = [
    `${indent}by ${by.eventType} (decision ${by.decisionId}), SK ${by.skNumber} of ${by.skDate}, TMT ${by.tmt}, signed by ${by.signedBy} (${by.legalBasis})`,
    `${indent}   proposed by ${by.proposedBy || '?'}${by.proposedAt ? ` (${by.proposedAt})` : ''}, approved by ${by.approvedBy || '?'}, recorded ${by.recordedAt}`,
  ];
  if (by.correctedBy) {
    const c = by.correctedBy;
    lines.push(
      `${indent}   corrected by ${c.eventType} (decision ${c.decisionId}), SK ${c.skNumber} of ${c.skDate}, proposed by ${c.proposedBy || '?'}, approved by ${c.approvedBy || '?'}, recorded ${c.recordedAt}`,
    );
  }
  return lines.join('\n');
};

const positionText = (r: RecordAsOf): string => {
  const p = r.position.position;
  return `${p.kind}${'level' in p ? ` (${p.level})` : ''}: ${p.title}`;
};

const RECORD_CSV = [
  'employeeId',
  'asOf',
  'recordedBy',
  'status',
  'leftBy',
  'leftOn',
  'employeeType',
  'golongan',
  'pppkGrade',
  'rankDecisionId',
  'rankSkNumber',
  'rankTmt',
  'rankApprovedBy',
  'rankCorrectedByDecisionId',
  'unitId',
  'unitName',
  'unitDecisionId',
  'unitSkNumber',
  'unitTmt',
  'unitApprovedBy',
  'positionKind',
  'positionLevel',
  'positionTitle',
  'positionSince',
  'positionDecisionId',
  'positionSkNumber',
  'appointedOn',
  'contractUntil',
];
const recordRow = (r: RecordAsOf): (string | undefined)[] => {
  const p = r.position.position;
  return [
    r.employeeId,
    r.asOf,
    r.recordedBy,
    r.status,
    r.leftBy,
    r.leftOn,
    r.employeeType,
    r.rank?.golongan,
    r.rank?.pppkGrade,
    r.rank?.decidedBy.decisionId,
    r.rank?.decidedBy.skNumber,
    r.rank?.decidedBy.tmt,
    r.rank?.decidedBy.approvedBy,
    r.rank?.decidedBy.correctedBy?.decisionId,
    r.unit.unitId,
    r.unit.name ?? undefined,
    r.unit.decidedBy.decisionId,
    r.unit.decidedBy.skNumber,
    r.unit.decidedBy.tmt,
    r.unit.decidedBy.approvedBy,
    p.kind,
    'level' in p ? p.level : undefined,
    p.title,
    r.position.since,
    r.position.decidedBy.decisionId,
    r.position.decidedBy.skNumber,
    r.appointedOn,
    r.contractUntil,
  ];
};

const recordOutput = (r: RecordAsOf, format: Format, header: string): string => {
  switch (format) {
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'jsonl':
      return `${JSON.stringify(r)}\n`;
    case 'csv':
      return csv(RECORD_CSV, [recordRow(r)]);
    case 'text': {
      const rank = r.rank
        ? (r.rank.golongan ?? r.rank.pppkGrade ?? '') +
          (r.rank.golongan && r.rank.pppkGrade ? ` / ${r.rank.pppkGrade}` : '')
        : '(none recorded)';
      return [
        header,
        '',
        `  status     ${r.status}${r.status === 'left' ? ` (${r.leftBy ?? '?'} on ${r.leftOn ?? '?'})` : ''}; ${r.employeeType}, appointed ${r.appointedOn}${r.contractUntil ? `, contract until ${r.contractUntil}` : ''}`,
        `  rank       ${rank}`,
        ...(r.rank ? [decidedText(r.rank.decidedBy, '             ')] : []),
        `  unit       ${r.unit.name ?? '(unknown unit)'} (${r.unit.unitId})`,
        decidedText(r.unit.decidedBy, '             '),
        `  position   ${positionText(r)}, since ${r.position.since}`,
        decidedText(r.position.decidedBy, '             '),
        '',
      ].join('\n');
    }
  }
};

const ROSTER_CSV = [
  'employeeId',
  'unitId',
  'unitName',
  'employeeType',
  'golongan',
  'pppkGrade',
  'positionKind',
  'positionLevel',
  'positionTitle',
  'positionSince',
];
const rosterItem = (r: RecordAsOf) => ({
  employeeId: r.employeeId,
  unitId: r.unit.unitId,
  unitName: r.unit.name,
  employeeType: r.employeeType,
  ...(r.rank?.golongan ? { golongan: r.rank.golongan } : {}),
  ...(r.rank?.pppkGrade ? { pppkGrade: r.rank.pppkGrade } : {}),
  position: r.position.position,
  since: r.position.since,
});

const run = async (request: Request, io: AuditIo, open: StoreOpeners): Promise<number> => {
  // Every read is on the trail before it is shown; a trail that cannot be written stops the command.
  const auditLog = openSqliteAuditLog({ path: request.auditLog });
  const actor = { subject: userInfo().username, role: 'auditor', correlationId: randomUUID() };
  const where = 'file' in request.source ? `offline, ${request.source.file}` : 'EventStoreDB';
  const audited = (action: string, subjects: readonly string[]) => auditLog.record({ actor, action, subjects, allowed: true, purpose: `./ledger audit ${request.command} (${where})` });
  try {
    const store = 'file' in request.source ? new SqliteEventStore({ path: request.source.file, readonly: true }) : open.esdb(request.source.esdb);
    try {
      return await answer(request, store, io, audited);
    } finally {
      await store.close();
    }
  } finally {
    auditLog.close();
  }
};

const answer = async (request: Request, store: EventStore & VerifiableStore, io: AuditIo, audited: (action: string, subjects: readonly string[]) => void): Promise<number> => {
  const { out } = io;
  const proof = request.digest ? await checkDigest(request.source, store, request.digest) : undefined;
  const model = await readStore(store, io, request.employeeId);
  const notFound = (message: string): number => {
    io.err(`audit: ${message}\n`);
    return 1;
  };
  try {
    const asRecorded = request.recordedBy ? `as recorded by ${request.recordedBy.toISOString()}` : 'as recorded now';
    const source = `${'file' in request.source ? `store ${request.source.file}` : 'EventStoreDB'}: ${number(model.events)} events read up to position ${number(model.head)}`;
    const proven = proof && withCoverage(proof, model.employeePositions);
    const finish = (): number => {
      if (!proven) return 0;
      // Text and JSON carry the proof in the answer; CSV and JSON lines keep stdout to the data.
      if (request.format === 'text') out(`\nProof: ${proofText(proven)}\n`);
      else if (request.format !== 'json') io.err(`audit: proof: ${proofText(proven)}\n`);
      return proven.ok ? 0 : 1;
    };
    switch (request.command) {
      case 'timeline': {
        const employeeId = request.employeeId ?? '';
        const entries = model.careers.timeline(employeeId);
        if (entries.length === 0) return notFound(`no employee ${employeeId} in the ${source}`);
        const header = `Timeline of employee ${employeeId}: ${entries.length} entries (${source})`;
        audited('cli-read-timeline', [employeeId]);
        out(
          request.format === 'json' && proven
            ? `${JSON.stringify({ employeeId, entries, proof: proven }, null, 2)}\n`
            : timelineOutput(employeeId, entries, request.format, header),
        );
        return finish();
      }
      case 'record': {
        const employeeId = request.employeeId ?? '';
        const asOf = request.asOf ?? '';
        if (model.careers.timeline(employeeId).length === 0)
          return notFound(`no employee ${employeeId} in the ${source}`);
        const record = model.careers.recordOf(employeeId, asOf, request.recordedBy);
        if (!record) return notFound(`employee ${employeeId} was not in service on ${asOf}, ${asRecorded} (${source})`);
        const header = `Employee ${employeeId} on ${asOf}, ${asRecorded} (${source})`;
        audited('cli-read-record-as-of', [employeeId]);
        out(
          request.format === 'json' && proven
            ? `${JSON.stringify({ ...record, proof: proven }, null, 2)}\n`
            : recordOutput(record, request.format, header),
        );
        return finish();
      }
      case 'roster': {
        const asOf = request.asOf ?? '';
        const records = model.careers
          .roster(asOf, request.recordedBy)
          .filter((r) => request.unitId === undefined || r.unit.unitId === request.unitId);
        audited('cli-export-roster', records.map((r) => r.employeeId));
        io.err(
          `audit: ${records.length} in service on ${asOf}${request.unitId ? ` in unit ${request.unitId}` : ''}, ${asRecorded} (${source})\n`,
        );
        switch (request.format) {
          case 'json':
            out(
              `${JSON.stringify({ asOf, ...(request.recordedBy ? { recordedBy: request.recordedBy.toISOString() } : {}), total: records.length, items: records.map(rosterItem) }, null, 2)}\n`,
            );
            break;
          case 'jsonl':
            for (const r of records) out(`${JSON.stringify(rosterItem(r))}\n`);
            break;
          default:
            out(
              csv(
                ROSTER_CSV,
                records.map((r) => {
                  const p = r.position.position;
                  return [
                    r.employeeId,
                    r.unit.unitId,
                    r.unit.name,
                    r.employeeType,
                    r.rank?.golongan,
                    r.rank?.pppkGrade,
                    p.kind,
                    'level' in p ? p.level : undefined,
                    p.title,
                    r.position.since,
                  ];
                }),
              ),
            );
        }
        return 0;
      }
    }
  } finally {
    model.close();
  }
};

/** Where the command writes: its answer (`out`) and its messages (`err`, progress on one line when a terminal). */
export interface AuditIo {
  out: (text: string) => void;
  err: (text: string) => void;
  errIsTty: boolean;
}

/** How the command reaches an EventStoreDB server (given by audit.cli.ts; tests give an in-memory one). */
export interface StoreOpeners {
  esdb: (connectionString: string) => EventStore & VerifiableStore;
}

/** `./ledger audit`: exit 0 answered (and proven, when a digest was given), 1 not found or not proven, 2 bad arguments. */
export const auditCommand = async (argv: readonly string[], io: AuditIo, open: StoreOpeners): Promise<number> => {
  let request: Request | 'help';
  try {
    // `pnpm run audit -- …` passes the `--` on.
    request = parseRequest(argv.filter((arg, i) => !(i === 0 && arg === '--')));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`audit: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (request === 'help') {
    io.out(USAGE);
    return 0;
  }
  return run(request, io, open);
};
