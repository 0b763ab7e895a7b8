import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_RULES, InvalidRulesError, loadRules, loadRulesFile, type FeedbackRules } from './rules';

const dir = mkdtempSync(join(tmpdir(), 'feedback-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const caught = (run: () => unknown): InvalidRulesError => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRulesError) return error;
    throw error;
  }
  throw new Error('the rules were accepted');
};

describe('the shipped feedback rules', () => {
  it('load, with the SP4N-LAPOR! deadlines in working days and WIB as the city clock', () => {
    expect(DEFAULT_RULES.utcOffsetMinutes).toBe(420);
    expect(DEFAULT_RULES.deadlines.firstResponse.workingDays).toBe(3);
    expect(Object.fromEntries(Object.entries(DEFAULT_RULES.deadlines.resolution).map(([kind, rule]) => [kind, rule.workingDays]))).toEqual({
      complaint: 5,
      'information-request': 5,
      dispute: 14,
      'dispute-field-check': 60,
    });
    for (const rule of [DEFAULT_RULES.deadlines.firstResponse, ...Object.values(DEFAULT_RULES.deadlines.resolution)]) expect(rule.regulation).toMatch(/PermenPANRB 62\/2018/);
  });

  it('list the fixed national holidays, Independence Day among them', () => {
    expect(DEFAULT_RULES.holidays.dates).toContain('2026-08-17');
    expect(DEFAULT_RULES.holidays.source).toMatch(/add each year/);
  });
});

describe('a replacement rules file', () => {
  it('is loaded from a file, with the year’s moving holidays added', () => {
    const rules: FeedbackRules = { ...DEFAULT_RULES, version: '2027-01', holidays: { ...DEFAULT_RULES.holidays, dates: [...DEFAULT_RULES.holidays.dates, '2027-03-20', '2027-03-21'] } };
    const loaded = loadRulesFile(write('rules.json', JSON.stringify(rules)));
    expect(loaded.version).toBe('2027-01');
    expect(loaded.holidays.dates).toContain('2027-03-20');
    expect(loaded).toEqual(rules);
  });

  it('is refused when it breaks the schema, naming the file and every bad path', () => {
    const bad = structuredClone(DEFAULT_RULES) as unknown as { deadlines: { resolution: { complaint: { workingDays: number } } }; holidays: { dates: string[] } };
    bad.deadlines.resolution.complaint.workingDays = 0;
    bad.holidays.dates.push('17-08-2027');
    const path = write('bad.json', JSON.stringify(bad));
    const error = caught(() => loadRulesFile(path));
    expect(error.message).toContain(path);
    expect([...new Set(error.issues.map((issue) => issue.path))].sort()).toEqual(['deadlines.resolution.complaint.workingDays', 'holidays.dates.10']);
  });

  it('is refused with an unknown key or a deadline missing', () => {
    expect(caught(() => loadRules({ ...DEFAULT_RULES, graceDays: 2 })).issues).toEqual([{ path: 'graceDays', message: 'Unknown key.' }]);
    const { complaint: _dropped, ...resolution } = DEFAULT_RULES.deadlines.resolution;
    expect(caught(() => loadRules({ ...DEFAULT_RULES, deadlines: { ...DEFAULT_RULES.deadlines, resolution } })).issues).toEqual([expect.objectContaining({ path: 'deadlines.resolution.complaint' })]);
  });

  it('is refused when it is not JSON, naming the file', () => {
    const path = write('broken.json', '{ "version": ');
    const error = caught(() => loadRulesFile(path));
    expect(error.message).toMatch(new RegExp(`^Cannot read the feedback rules from ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('is refused when missing, naming the file', () => {
    const path = join(dir, 'missing.json');
    const error = caught(() => loadRulesFile(path));
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/ENOENT/);
  });
});
