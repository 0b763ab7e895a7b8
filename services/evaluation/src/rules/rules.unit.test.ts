import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_RULES, InvalidRulesError, loadRules, loadRulesFile } from './rules';

const dir = mkdtempSync(join(tmpdir(), 'evaluation-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the evaluation rules', () => {
  it('ship with the grid, the caps, a 14-day objection window and the areas of below ratings', () => {
    expect(DEFAULT_RULES.objection.windowDays).toBe(14);
    expect(DEFAULT_RULES.distributionCaps.byUnitRating.baik?.baik).toBe(0.7);
    expect(DEFAULT_RULES.trainingNeeds.areaForBelow).toEqual({ results: 'technical', behaviour: 'socio-cultural' });
  });
  it('load a replacement file', () => {
    const path = join(dir, 'rules.json');
    writeFileSync(path, JSON.stringify({ ...DEFAULT_RULES, version: 'test', objection: { ...DEFAULT_RULES.objection, windowDays: 30 } }));
    expect(loadRulesFile(path).objection.windowDays).toBe(30);
  });
  it('refuse a grid cell that is not a predicate, naming its path', () => {
    const bad = structuredClone(DEFAULT_RULES) as unknown as { predicateGrid: { byResults: { above: { above: string } } } };
    bad.predicateGrid.byResults.above.above = 'excellent';
    expect(() => loadRules(bad)).toThrow(/predicateGrid\.byResults\.above\.above/);
  });
  it('refuse unknown keys, a share above 1, and a file that is not JSON', () => {
    expect(() => loadRules({ ...DEFAULT_RULES, extra: 1 })).toThrow(InvalidRulesError);
    expect(() => loadRules({ ...DEFAULT_RULES, distributionCaps: { ...DEFAULT_RULES.distributionCaps, byUnitRating: { baik: { baik: 1.5 } } } })).toThrow(InvalidRulesError);
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ not json');
    expect(() => loadRulesFile(path)).toThrow(/Cannot read the evaluation rules from .*broken.json/);
    expect(() => loadRulesFile(join(dir, 'missing.json'))).toThrow(InvalidRulesError);
  });
});
