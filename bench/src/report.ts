import { type EngineName, evPerSec, type Measurement, percentile, type Storage } from './common';
import { HTTP_OP, isHttpMeasurement } from './http/measurement';
import { RELAY_LAG_OP, RELAY_OP, RELAY_THREAD_LAG_OP } from './kafka';
import { REBUILD_FLOOR_OP, REBUILD_OP } from './rebuild';

/** The raw / Emmett row each operation is compared with (ratios are always of ev/s: higher is better). */
const RAW_COUNTERPART: Record<string, string> = {
  'append.single': 'append.single',
  'append.concurrent': 'append.single',
  'append.batch100': 'append.batch100',
  load: 'load',
  replay: 'replay',
  'replay.subscribe': 'replay',
  'stream.load': 'stream.load',
  [HTTP_OP]: HTTP_OP,
  [RELAY_OP]: RELAY_OP,
  [REBUILD_OP]: REBUILD_OP,
  [REBUILD_FLOOR_OP]: REBUILD_OP,
};
const EMMETT_COUNTERPART: Record<string, string> = {
  'append.single': 'append.single',
  'append.concurrent': 'append.single',
  'append.batch100': 'append.batch100',
  load: 'load',
  replay: 'replay.subscribe',
  'replay.subscribe': 'replay.subscribe',
  'stream.load': 'stream.load',
};
const OP_ORDER = ['append.single', 'append.concurrent', 'append.batch100', 'load', 'replay', 'replay.subscribe', 'stream.load', HTTP_OP, REBUILD_OP, REBUILD_FLOOR_OP, RELAY_OP, RELAY_LAG_OP, RELAY_THREAD_LAG_OP];
const ENGINE_ORDER: EngineName[] = ['raw', 'ours', 'emmett'];
const ENGINE_LABEL: Record<EngineName, string> = { raw: 'raw better-sqlite3', ours: 'ours (event-store-sqlite)', emmett: 'Emmett 0.38.5' };
/** The HTTP line compares two servers, not two engines: its rows name them. */
const HTTP_ENGINE_LABEL: Partial<Record<EngineName, string>> = {
  raw: 'baseline: express+zod+SQLite (NORMAL)',
  ours: 'personnel service (FULL)',
};
/** The relay line compares the relay with a bare producer on the same broker. */
const RELAY_ENGINE_LABEL: Partial<Record<EngineName, string>> = { raw: 'raw kafkajs producer', ours: 'relay (store → Kafka)' };
/** The rebuild line compares the reporting service's rebuild with a raw replay of the same store file. */
const REBUILD_ENGINE_LABEL: Partial<Record<EngineName, string>> = { raw: 'raw better-sqlite3 (same file)', ours: 'reporting service' };
const engineLabel = (m: Measurement): string =>
  (m.op === HTTP_OP
    ? HTTP_ENGINE_LABEL[m.engine]
    : m.op === REBUILD_OP || m.op === REBUILD_FLOOR_OP
      ? REBUILD_ENGINE_LABEL[m.engine]
      : m.op.startsWith(RELAY_OP)
        ? RELAY_ENGINE_LABEL[m.engine]
        : undefined) ?? ENGINE_LABEL[m.engine];
const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

const fmtRate = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const fmtMs = (v: number | undefined): string => (v === undefined ? '' : v < 1 ? v.toFixed(3) : v.toFixed(2));
const fmtRatio = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '' : `${v.toFixed(2)}×`);

export interface Goal {
  name: string;
  measured: string;
  target: string;
  /** INVALID: the measurement had failed requests, so it says nothing about the goal. */
  status: 'PASS' | 'GAP' | 'n/a' | 'INVALID';
}

export interface Report {
  text: string;
  markdown: string;
  goals: Goal[];
}

const table = (header: string[], rows: string[][], align: ('l' | 'r')[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
};

/** The HTTP command goals: ≥ 80 % of the baseline's requests/s, p99 ≤ 1.5× its p99; INVALID on any failed request. */
const httpGoals = (ours: Measurement | undefined, base: Measurement | undefined): Goal[] => {
  const rpsTarget = '≥ 80% of the baseline req/s';
  const p99Target = '≤ 1.5× the baseline p99';
  if (ours === undefined || base === undefined || ours.events === 0 || base.events === 0) {
    return [
      { name: 'HTTP transfer command req/s', measured: 'not measured', target: rpsTarget, status: 'n/a' },
      { name: 'HTTP transfer command p99', measured: 'not measured', target: p99Target, status: 'n/a' },
    ];
  }
  const invalid = [ours, base].some((m) => isHttpMeasurement(m) && m.http.failures > 0);
  const rps = evPerSec(ours) / evPerSec(base);
  const oursP99 = percentile(ours.latencies ?? [], 99) ?? Number.NaN;
  const baseP99 = percentile(base.latencies ?? [], 99) ?? Number.NaN;
  const p99 = oursP99 / baseP99;
  return [
    {
      name: 'HTTP transfer command req/s',
      measured: `${fmtRate(evPerSec(ours))} vs ${fmtRate(evPerSec(base))} req/s = ${(rps * 100).toFixed(0)}%`,
      target: rpsTarget,
      status: invalid ? 'INVALID' : rps >= 0.8 ? 'PASS' : 'GAP',
    },
    {
      name: 'HTTP transfer command p99',
      measured: `${fmtMs(oursP99)} vs ${fmtMs(baseP99)} ms = ${p99.toFixed(2)}×`,
      target: p99Target,
      status: invalid ? 'INVALID' : p99 <= 1.5 ? 'PASS' : 'GAP',
    },
  ];
};

export const buildReport = (
  header: string[],
  measurements: Measurement[],
  storage: Storage[],
  notes: string[],
  options: { hideUnmeasured?: boolean } = {},
): Report => {
  const find = (engine: EngineName, op: string | undefined): Measurement | undefined =>
    op === undefined ? undefined : measurements.find((m) => m.engine === engine && m.op === op);
  const sorted = [...measurements].sort(
    (a, b) => OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op) || ENGINE_ORDER.indexOf(a.engine) - ENGINE_ORDER.indexOf(b.engine),
  );

  const rows = sorted.map((m) => {
    const rate = evPerSec(m);
    const raw = find('raw', RAW_COUNTERPART[m.op]);
    const emmett = find('emmett', EMMETT_COUNTERPART[m.op]);
    const lat = m.latencies ?? [];
    return [
      m.label,
      engineLabel(m),
      m.events.toLocaleString('en-US'),
      fmtRate(rate),
      fmtMs(percentile(lat, 50)),
      fmtMs(percentile(lat, 99)),
      fmtRatio(raw === undefined ? undefined : rate / evPerSec(raw)),
      fmtRatio(emmett === undefined ? undefined : rate / evPerSec(emmett)),
    ];
  });
  const main = table(
    ['operation', 'engine', 'events', 'ev/s', 'p50 (ms)', 'p99 (ms)', 'ratio to raw', 'ratio to Emmett'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
  );

  const storageRows = ENGINE_ORDER.flatMap((engine) => {
    const s = storage.find((x) => x.engine === engine);
    if (s === undefined) return [];
    return [
      [
        ENGINE_LABEL[engine],
        s.events.toLocaleString('en-US'),
        (s.bytes / 1024 / 1024).toFixed(1),
        s.events > 0 ? (s.bytes / s.events).toFixed(0) : '',
        s.journalMode,
        `${SYNCHRONOUS[s.synchronous] ?? '?'} (${String(s.synchronous)})`,
      ],
    ];
  });
  const storageTable = table(
    ['engine', 'events', 'MiB', 'bytes/event', 'journal_mode', 'synchronous'],
    storageRows,
    ['l', 'r', 'r', 'r', 'l', 'l'],
  );

  // goals
  const rate = (engine: EngineName, op: string): number | undefined => {
    const m = find(engine, op);
    return m === undefined || m.events === 0 ? undefined : evPerSec(m);
  };
  const ratioGoal = (name: string, ours: number | undefined, base: number | undefined, min: number, baseName: string): Goal => {
    if (ours === undefined || base === undefined) return { name, measured: 'not measured', target: `≥ ${String(min * 100)}% of ${baseName}`, status: 'n/a' };
    const r = ours / base;
    return {
      name,
      measured: `${fmtRate(ours)} vs ${fmtRate(base)} ev/s = ${(r * 100).toFixed(0)}%`,
      target: `≥ ${String(min * 100)}% of ${baseName}`,
      status: r >= min ? 'PASS' : 'GAP',
    };
  };
  const streamLoad = find('ours', 'stream.load');
  const p99 = streamLoad === undefined ? undefined : percentile(streamLoad.latencies ?? [], 99);
  const ourStorage = storage.find((s) => s.engine === 'ours');
  const perEvent = ourStorage === undefined || ourStorage.events === 0 ? undefined : ourStorage.bytes / ourStorage.events;
  const goals: Goal[] = [
    ratioGoal('durable single appends', rate('ours', 'append.single'), rate('raw', 'append.single'), 0.8, 'raw 1 event/txn'),
    ratioGoal('batched appends (100 events)', rate('ours', 'append.batch100'), rate('raw', 'append.batch100'), 0.8, 'raw 100 events/txn'),
    ratioGoal('50 concurrent appenders', rate('ours', 'append.concurrent'), rate('ours', 'append.single'), 1, 'our sequential appends'),
    ratioGoal('full replay (readAll)', rate('ours', 'replay'), rate('raw', 'replay'), 0.7, 'raw iterate+parse+fold'),
    ratioGoal('subscription catch-up', rate('ours', 'replay.subscribe'), rate('raw', 'replay'), 0.6, 'raw iterate+parse+fold'),
    p99 === undefined
      ? { name: '25-event stream load p99', measured: 'not measured', target: '≤ 0.5 ms', status: 'n/a' }
      : { name: '25-event stream load p99', measured: `${fmtMs(p99)} ms`, target: '≤ 0.5 ms', status: p99 <= 0.5 ? 'PASS' : 'GAP' },
    perEvent === undefined
      ? { name: 'storage per event', measured: 'not measured', target: '≤ 700 bytes', status: 'n/a' }
      : { name: 'storage per event', measured: `${perEvent.toFixed(0)} bytes`, target: '≤ 700 bytes', status: perEvent <= 700 ? 'PASS' : 'GAP' },
    ...httpGoals(find('ours', HTTP_OP), find('raw', HTTP_OP)),
    ((rebuild) =>
      rebuild === undefined
        ? { name: 'read-model rebuild throughput', measured: 'not measured', target: '≥ 100,000 ev/s', status: 'n/a' as const }
        : {
            name: 'read-model rebuild throughput',
            measured: `${fmtRate(rebuild)} ev/s (${(find('ours', REBUILD_OP)?.events ?? 0).toLocaleString('en-US')} events in ${((find('ours', REBUILD_OP)?.ms ?? 0) / 1000).toFixed(1)} s)`,
            target: '≥ 100,000 ev/s',
            status: rebuild >= 100_000 ? ('PASS' as const) : ('GAP' as const),
          })(rate('ours', REBUILD_OP)),
    ratioGoal('read-model rebuild vs raw replay', rate('ours', REBUILD_OP), rate('raw', REBUILD_OP), 0.5, 'raw replay of the same file'),
    ratioGoal('relay to Kafka', rate('ours', RELAY_OP), rate('raw', RELAY_OP), 0.8, 'raw kafkajs producer'),
    ((relay) =>
      relay === undefined
        ? { name: 'relay throughput', measured: 'not measured', target: '≥ 10,000 ev/s', status: 'n/a' as const }
        : { name: 'relay throughput', measured: `${fmtRate(relay)} ev/s`, target: '≥ 10,000 ev/s', status: relay >= 10_000 ? ('PASS' as const) : ('GAP' as const) })(
      rate('ours', RELAY_OP),
    ),
    ...(
      [
        ['relay commit-to-ack p99 at 80% of peak (main thread)', RELAY_LAG_OP],
        ['relay commit-to-ack p99 at 80% of peak (worker thread)', RELAY_THREAD_LAG_OP],
      ] as const
    ).map(([name, op]): Goal => {
      const lag = percentile(find('ours', op)?.latencies ?? [], 99);
      return lag === undefined
        ? { name, measured: 'not measured', target: '≤ 500 ms', status: 'n/a' }
        : { name, measured: `${fmtMs(lag)} ms`, target: '≤ 500 ms', status: lag <= 500 ? 'PASS' : 'GAP' };
    }),
  ];
  const shownGoals = options.hideUnmeasured ? goals.filter((g) => g.status !== 'n/a') : goals;
  const goalTable = table(
    ['goal', 'measured', 'target', 'status'],
    shownGoals.map((g) => [g.name, g.measured, g.target, g.status]),
    ['l', 'l', 'l', 'l'],
  );

  const measurementNotes = sorted.flatMap((m) => (m.note === undefined ? [] : [`${engineLabel(m)}, ${m.label}: ${m.note}`]));
  const noteLines = [...measurementNotes, ...notes].map((n) => `- ${n}`);
  // An HTTP-only run has no replay data set to show.
  const storageText = storageRows.length === 0 ? [] : ['Storage after a WAL checkpoint (replay data set), and the PRAGMAs read back:', '', storageTable, ''];
  const storageMarkdown =
    storageRows.length === 0
      ? []
      : ['**Storage** after a WAL checkpoint (replay data set: page_count × page_size / events), and the PRAGMAs read back:', '', storageTable, ''];
  const text = [...header, '', main, '', ...storageText, 'Goals:', '', goalTable, '', ...noteLines].join('\n');
  const markdown = [
    ...header.map((h) => `${h}  `),
    '',
    main,
    '',
    ...storageMarkdown,
    '**Goals**',
    '',
    goalTable,
    '',
    ...noteLines,
    '',
  ].join('\n');
  return { text, markdown, goals };
};
