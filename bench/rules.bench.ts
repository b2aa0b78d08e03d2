/**
 * Warning engine over the demo city at N payments (default 1e7), as the issue asks.
 *
 * The demo city is generated (1e4 payments) and loaded through the real ETL into PGlite and a
 * DuckDB file. Its ledger is then scaled in DuckDB to N rows by splitting every payment into k
 * parts (same day, department, project, classification and payee; voucher `V-i`; amounts in fen
 * that add up exactly to the original), so every total a rule reads is unchanged while each query
 * scans N rows. The bench checks that claim: the warnings after scaling must be the ones the
 * rules gave before (same rule, subject, period and value). Then two timed full runs: the first
 * creates every warning, the second is the idempotent rerun.
 *
 *   npm run bench:rules [-- --payments 10000000]
 *
 * Writes the figures to bench/RESULTS.md (section "Rules"). Target: whole run ≤ 10 s at 1e7.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/core/config.ts';
import { openPostgres } from '../server/core/pg.ts';
import { openDuck } from '../server/core/duck.ts';
import { migrateDuck, migratePostgres } from '../server/core/migrate.ts';
import { previewRule, runWarnings, type RunSummary } from '../server/warnings/warnings.service.ts';
import { RULES } from '../server/warnings/rules.ts';
import { generateDemo } from '../fixtures/generate.ts';
import { loadPaths } from '../etl/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--payments');
const N = i > 0 ? Number(process.argv[i + 1]) : 10_000_000;
if (!Number.isInteger(N) || N < 10_000) throw new Error('--payments must be a whole number ≥ 10000');

const work = path.join(ROOT, 'bench/out/rules');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const loadBefore = os.loadavg()[0] as number;

const t0 = performance.now();
await generateDemo({ outDir: path.join(work, 'demo'), payments: 10_000 });
const pg = await openPostgres({});
await migratePostgres(pg);
const duck = await openDuck(path.join(work, 'rules.duckdb'));
await migrateDuck(duck);
const ctx = { pg, duck, config: loadConfig(process.env, { dataDir: work }) };
const reports = await loadPaths(ctx, [path.join(work, 'demo')]);
if (reports.some((r) => r.status !== 'loaded')) throw new Error('the demo city did not load cleanly');
console.log(`demo city generated and loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

type Key = string;
async function preview(): Promise<Map<Key, string>> {
  const out = new Map<Key, string>();
  for (const r of RULES)
    for (const w of await previewRule({ duck }, r.id)) out.set(`${r.id} ${w.region_code} ${w.subject_id} ${w.period}`, w.value);
  return out;
}
const before = await preview();

// Scale the ledger: each payment becomes k payments whose fen add up to the original.
const base = Number((await duck.all<{ n: bigint }>('SELECT count(*) AS n FROM payment'))[0]?.n);
const k = Math.ceil(N / base);
const t1 = performance.now();
await duck.run(`
CREATE TEMP TABLE p0 AS SELECT *, CAST(round(amount * 100) AS BIGINT) AS fen FROM payment;
DELETE FROM payment;
INSERT INTO payment
  SELECT region_code, year, paid_on, voucher_no || '-' || CAST(i AS VARCHAR), department_code, project_code, function_code, economic_code,
         budget_type, payee, payee_kind,
         CAST((q + CASE WHEN i < fen - q * ${k} THEN 1 ELSE 0 END) AS DECIMAL(18, 2)) / 100,
         batch_id
  FROM (SELECT *, CAST(floor(fen / ${k}) AS BIGINT) AS q FROM p0) AS x, range(${k}) AS t(i)
  ORDER BY year, department_code;
DROP TABLE p0;
CHECKPOINT;`);
const scaled = Number((await duck.all<{ n: bigint }>('SELECT count(*) AS n FROM payment'))[0]?.n);
console.log(`ledger scaled ${base} → ${scaled} rows (k = ${k}) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

const after = await preview();
const differ = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
if (differ.length) throw new Error(`scaling changed the warnings: ${differ.slice(0, 5).join('; ')}`);

const runs: RunSummary[] = [];
for (let r = 0; r < 2; r++) {
  const s = await runWarnings({ pg, duck }, { trigger: 'cli' });
  runs.push(s);
  console.log(`run ${r + 1}: ${s.fired} warnings (${s.created} new), rules ${s.queryMs} ms, total ${s.ms} ms`);
  console.log(s.rules.map((x) => `${x.id} ${x.fired} ${x.ms} ms`).join('; '));
}
const rss = process.memoryUsage().rss;
await pg.close();
await duck.close();
const loadAfter = os.loadavg()[0] as number;

const [first, second] = runs as [RunSummary, RunSummary];
const nproc = execSync('nproc').toString().trim();
const memGiB = (os.totalmem() / 2 ** 30).toFixed(0);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const row = (label: string, s: RunSummary) =>
  `| ${label} | ${s.fired.toLocaleString('en')} | ${s.created.toLocaleString('en')} | ${sec(s.queryMs)} | ${sec(s.ms - s.queryMs)} | ${sec(s.ms)} |`;
const section = `## Rules

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench:rules -- --payments ${N}\`: the demo city (generated with 1e4 payments, loaded through the ETL) with its ledger scaled in DuckDB to ${scaled.toLocaleString('en')} payments (each payment split into ${k} parts that add up to it to the fen, so the same ${before.size} warnings fire — checked). DuckDB file on disk, PGlite for the warnings. nproc ${nproc}, memory ${memGiB} GiB, Node ${process.version}, peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (above 2 the machine was shared and the figures are pessimistic).

| run | warnings | new | rules on DuckDB | write to Postgres | whole run |
|---|---:|---:|---:|---:|---:|
${row('first (creates)', first)}
${row('rerun (idempotent)', second)}

Per rule, first run (ms): ${first.rules.map((r) => `${r.id} ${r.ms}`).join(', ')}. Target: whole run ≤ 10 s at 1e7 payments.
`;
const file = path.join(ROOT, 'bench/RESULTS.md');
const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
const re = /## Rules\n[\s\S]*?(?=\n## |$)/;
fs.writeFileSync(file, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`);
console.log(section);
