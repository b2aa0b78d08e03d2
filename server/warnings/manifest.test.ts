/**
 * The demo city against its manifest: generate it (1e4 payments) in a temp dir, load it with the
 * ETL (PGlite + in-memory DuckDB), run every rule, and compare per rule with the planted
 * anomalies (recall: each fires with the expected rule, subject and value) and the subjects the
 * manifest declares clean (precision: none of them fires). Subjects in neither list are counted
 * and shown, not judged. Skipped while the generator or the loader is missing from the tree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDuck, pgTargets } from '../../test/db.ts';
import { loadConfig } from '../core/config.ts';
import type { Postgres } from '../core/pg.ts';
import type { Duck } from '../core/duck.ts';
import { RULES } from './rules.ts';
import { previewRule } from './warnings.service.ts';
import type { WarningDraft } from './warnings.repository.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ready = fs.existsSync(path.join(ROOT, 'fixtures/generate.ts')) && fs.existsSync(path.join(ROOT, 'etl/load.ts'));

// The manifest's subject types and ours (same ids).
const TYPE: Record<string, string> = { finding: 'audit_finding', department_table: 'disclosure_table' };

/** Manifest ratios have 4 places (0.1432); our percent values 2 (14.32): compare as percent. */
function expectedAs(unit: string, v: string): string {
  if (unit !== 'percent' && unit !== 'pp') return v;
  const neg = v.startsWith('-');
  const [i = '0', f = ''] = (neg ? v.slice(1) : v).split('.');
  const digits = `${i}${f.padEnd(4, '0')}`.replace(/^0+(?=\d{3})/, '');
  const whole = digits.slice(0, -2) || '0';
  return `${neg ? '-' : ''}${String(Number(whole))}.${digits.slice(-2)}`;
}

interface Row {
  rule: string;
  anomalies: number;
  found: number;
  valueOk: number;
  cleanFired: number;
  unlisted: number;
  recall: number;
  precision: number;
  misses: string[];
}

describe.skipIf(!ready)('rules against the demo manifest (1e4 payments)', () => {
  let pg: Postgres;
  let duck: Duck;
  let dir: string;
  let manifest: import('../../fixtures/manifest.ts').DemoManifest;
  const byRule = new Map<string, WarningDraft[]>();
  const table: Row[] = [];

  beforeAll(async () => {
    const { generateDemo } = await import('../../fixtures/generate.ts');
    const { loadPaths } = await import('../../etl/load.ts');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warnings-manifest-'));
    manifest = await generateDemo({ outDir: path.join(dir, 'demo'), payments: 10_000 });
    pg = await (pgTargets()[0] as typeof pgTargets extends () => (infer T)[] ? T : never).open();
    duck = await openTestDuck();
    console.log(`generated in ${dir}`);
    const reports = await loadPaths({ pg, duck, config: loadConfig(process.env, { dataDir: dir }) }, [path.join(dir, 'demo')]);
    const bad = reports.filter((r) => r.status !== 'loaded');
    if (bad.length) console.log('files not loaded:', bad.map((r) => `${r.file}: ${r.status}`).join('; '));
    for (const r of RULES) byRule.set(r.id, await previewRule({ duck }, r.id));

    for (const rule of RULES) {
      const fired = byRule.get(rule.id) ?? [];
      const key = (region: string, type: string, id: string) => `${region}|${type}|${id}`;
      const firedBy = new Map<string, WarningDraft[]>();
      for (const w of fired)
        firedBy.set(key(w.region_code, w.subject_type, w.subject_id), [
          ...(firedBy.get(key(w.region_code, w.subject_type, w.subject_id)) ?? []),
          w,
        ]);
      const anomalies = manifest.anomalies.filter((a) => a.rule === rule.id);
      const misses: string[] = [];
      let found = 0;
      let valueOk = 0;
      const explained = new Set<WarningDraft>();
      for (const a of anomalies) {
        // The manifest names in-year cases by the as-of month ("2026-10"); our period is the year,
        // the years covered (R3) or the year of the finding or bond: those match on the subject.
        const asOfMonth = a.period === manifest.asOf.slice(0, 7);
        const ws = (firedBy.get(key(a.subject.regionCode, TYPE[a.subject.type] ?? a.subject.type, a.subject.id)) ?? []).filter(
          (w) => asOfMonth || w.period === a.period || a.period.startsWith(w.period) || w.period.startsWith(a.period),
        );
        if (ws.length === 0) {
          misses.push(`missed ${a.subject.type}:${a.subject.id} ${a.period} (${a.expected.measure} = ${a.expected.value})`);
          continue;
        }
        found++;
        ws.forEach((w) => explained.add(w));
        const want = ws.map((w) => expectedAs(w.unit, a.expected.value));
        if (ws.some((w, i) => w.value === want[i])) valueOk++;
        else
          misses.push(
            `value ${a.subject.type}:${a.subject.id} ${a.period}: manifest ${a.expected.value} (${a.expected.measure}) → want ${want[0]}, got ${ws.map((w) => w.value).join('/')}`,
          );
      }
      const clean = manifest.clean[rule.id as keyof typeof manifest.clean] ?? [];
      let cleanFired = 0;
      for (const c of clean) {
        const ws = (firedBy.get(key(c.subject.regionCode, TYPE[c.subject.type] ?? c.subject.type, c.subject.id)) ?? []).filter(
          (w) => w.period === c.period || c.period.startsWith(w.period) || w.period.startsWith(c.period),
        );
        if (ws.length) {
          cleanFired++;
          ws.forEach((w) => explained.add(w));
          misses.push(`fired on clean ${c.subject.type}:${c.subject.id} ${c.period}: ${ws.map((w) => w.value).join('/')}`);
        }
      }
      table.push({
        rule: rule.id,
        anomalies: anomalies.length,
        found,
        valueOk,
        cleanFired,
        unlisted: fired.filter((w) => !explained.has(w)).length,
        recall: anomalies.length ? valueOk / anomalies.length : 1,
        precision: found + cleanFired ? found / (found + cleanFired) : 1,
        misses,
      });
    }
    console.log(
      [
        'rule  planted found value-ok clean-fired unlisted  recall precision',
        ...table.map(
          (r) =>
            `${r.rule.padEnd(5)} ${String(r.anomalies).padStart(7)} ${String(r.found).padStart(5)} ${String(r.valueOk).padStart(8)} ${String(r.cleanFired).padStart(11)} ${String(r.unlisted).padStart(8)}  ${r.recall.toFixed(2).padStart(6)} ${r.precision.toFixed(2).padStart(9)}`,
        ),
      ].join('\n'),
    );
    for (const r of table) for (const m of r.misses.slice(0, 8)) console.log(`${r.rule}: ${m}`);
    // The in-year rules are evaluated at the end of the latest month the ledger reaches, which
    // must be the manifest's as-of date for the planted values to match.
    const asOf = await duck.all<{ d: string }>('SELECT DISTINCT CAST(data_as_of AS VARCHAR) AS d FROM v_payment_latest');
    expect(asOf).toEqual([{ d: manifest.asOf }]);
  }, 900_000);
  afterAll(async () => {
    await duck?.close();
    await pg?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const check = (id: string) => {
    const r = table.find((x) => x.rule === id);
    expect(r?.misses ?? ['not evaluated']).toEqual([]);
  };
  for (const { id } of RULES) {
    it(`${id}: precision and recall 1.0`, () => check(id));
  }
});
