import { describe, expect, it } from '@jest/globals';
import { csvField, toCsv, toJsonLines } from './export';

describe('a CSV field', () => {
  it.each([
    ['plain', 'plain'],
    ['800/2021/BKPSDM', '800/2021/BKPSDM'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
  ])('given %j, writes %j (RFC 4180)', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('given nothing, writes an empty field', () => {
    expect(csvField(undefined)).toBe('');
  });

  it.each(['=HYPERLINK("x")', '+1', '-1+2', '@SUM(A1)'])(
    'given %j, a spreadsheet formula, writes it as text with a leading apostrophe',
    (value) => {
      expect(csvField(value)).toMatch(/^"?'/);
    },
  );
});

describe('a CSV export', () => {
  it('given rows, writes a header line then one CRLF-ended line per row', () => {
    const csv = toCsv<{ a: string; b?: string }>(
      [
        ['a', (r) => r.a],
        ['b,c', (r) => r.b],
      ],
      [{ a: 'x', b: 'y "z"' }, { a: '1' }],
    );
    expect(csv).toBe('a,"b,c"\r\nx,"y ""z"""\r\n1,\r\n');
  });

  it('given no rows, writes the header line alone', () => {
    expect(toCsv<{ a: string }>([['a', (r) => r.a]], [])).toBe('a\r\n');
  });
});

describe('a JSON Lines export', () => {
  it('given rows, writes one JSON value per LF-ended line, a newline inside a value escaped', () => {
    const text = toJsonLines([{ a: 'x\ny' }, { b: 2 }]);
    expect(text).toBe('{"a":"x\\ny"}\n{"b":2}\n');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([{ a: 'x\ny' }, { b: 2 }]);
  });
});
