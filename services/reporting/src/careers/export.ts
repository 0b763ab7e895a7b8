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
