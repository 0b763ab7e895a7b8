/**
 * Text exports of report rows: CSV (RFC 4180: comma separated, CRLF line ends, a field with a comma, quote, CR
 * or LF in double quotes, quotes doubled) and JSON Lines (one JSON value per line, LF ended).
 */

/** A cell a spreadsheet would run as a formula (OWASP CSV injection) gets a leading apostrophe. */
const FORMULA = /^[=+\-@\t\r]/;

export const csvField = (value: string | number | undefined): string => {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A header line then one line per row, each cell taken by `columns` in order. */
export const toCsv = <T>(
  columns: readonly (readonly [string, (row: T) => string | number | undefined])[],
  rows: readonly T[],
): string =>
  [columns.map(([name]) => csvField(name)), ...rows.map((row) => columns.map(([, cell]) => csvField(cell(row))))]
    .map((cells) => `${cells.join(',')}\r\n`)
    .join('');

export const toJsonLines = (rows: readonly unknown[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';
export const JSON_LINES_TYPE = 'application/jsonl; charset=utf-8';

export type ReportFormat = 'json' | 'csv' | 'jsonl';

/**
 * The answer of a report route: with format csv or jsonl every row as a file to download (`<filename>.csv` or
 * `.jsonl`), with json the route's own body.
 */
export const reportAnswer = <T>(
  format: ReportFormat,
  filename: string,
  columns: readonly (readonly [string, (row: T) => string | number | undefined])[],
  rows: readonly T[],
  json: () => unknown,
): { status: 200; body: unknown; headers?: Record<string, string> } => {
  if (format === 'csv') return { status: 200, body: toCsv(columns, rows), headers: { 'Content-Type': CSV_TYPE, 'Content-Disposition': `attachment; filename="${filename}.csv"` } };
  if (format === 'jsonl') return { status: 200, body: toJsonLines(rows), headers: { 'Content-Type': JSON_LINES_TYPE, 'Content-Disposition': `attachment; filename="${filename}.jsonl"` } };
  return { status: 200, body: json() };
};
