/**
 * R15's wording similarity on the labelled pairs of fixtures/recurring-pairs.json (same problem
 * reworded vs different problems in similar words). Target: precision and recall ≥ 0.9.
 *
 * Measured (jieba words + domain dictionary + a small synonym table, Dice coefficient, threshold
 * 0.5 = the rule's default): precision 0.40, recall 0.25 (at 0.3: 0.61 and 0.83, but then R15 fires on 7 findings the demo manifest declares clean) — below the target. The hard negatives
 * share most content words ("发放高龄津贴" twice vs late); telling them apart needs the problem's
 * verb and object, not a bag of words. Kept as a failing-with-reason test (`it.fails`): it turns
 * red the day the measure reaches the target, so the marker can be removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { similarity } from './recurring.service.ts';
import { findRule } from './rules.ts';

const FILE = path.resolve(import.meta.dirname, '../../fixtures/recurring-pairs.json');
const present = fs.existsSync(FILE);

function score(threshold: number) {
  const { pairs } = JSON.parse(fs.readFileSync(FILE, 'utf8')) as { pairs: { a: string; b: string; same: boolean }[] };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of pairs) {
    const hit = similarity(p.a, p.b) >= threshold;
    if (hit && p.same) tp++;
    else if (hit) fp++;
    else if (p.same) fn++;
  }
  return { pairs: pairs.length, precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

describe.skipIf(!present)('R15 similarity on labelled pairs', () => {
  const threshold = Number(findRule('R15')?.params.find((p) => p.name === 'similarity')?.default);

  it('reports its precision and recall at the default threshold', () => {
    const s = score(threshold);
    console.log(`R15 similarity @${threshold}: ${s.pairs} pairs, precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`);
    expect(s.pairs).toBeGreaterThan(0);
    expect(Number.isFinite(s.precision + s.recall)).toBe(true);
  });

  it.fails('reaches precision and recall ≥ 0.9 (not yet: see the header)', () => {
    const s = score(threshold);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
  });
});
