/**
 * API benchmark: the fixed list of requests the dashboard pages make, timed through `app.inject`
 * (routing, validation, SQL, serialisation; no network) against the synthetic city of
 * bench/api-data.ts at a given payments scale. Prints p50/p95 per request and writes them into
 * bench/RESULTS.md, section "API".
 *
 *   npm run bench:api -- 10000000        (default 1000000; the DuckDB file is kept in bench/out)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { signIn } from '../server/auth/testing.ts';
import { syncRegionsToPg } from '../test/e2e-login.ts';
import { loadConfig } from '../server/core/config.ts';
import { openContext } from '../server/core/context.ts';
import { generateApiData } from './api-data.ts';

const payments = Number(process.argv[2] ?? process.env.BENCH_PAYMENTS ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 30);
const dataDir = path.resolve(`bench/out/api-${payments}`);

const Y = 'year:2026';
/**
 * What the pages ask for (web/src/routes): overview, explorer levels, payments, project, debt, meta.
 * The assets, audit and economy pages read small tables that do not grow with the payments.
 */
const QUERIES: [string, string][] = [
  ['meta (top bar)', '/api/analytics/meta'],
  [
    'overview: four budgets',
    `/api/analytics/aggregate?region=990100&cut=${Y}&drilldown=budget_type&measures=approved,adjusted,executed,final,execution_rate,lag`,
  ],
  ['overview: monthly curve', `/api/analytics/aggregate?region=990100&cut=${Y}&cube=payments&drilldown=month&pagesize=12`],
  [
    'overview: biggest lags',
    `/api/analytics/aggregate?region=990100&cut=${Y}&drilldown=department&measures=adjusted,executed,execution_rate,lag&order=lag:desc&pagesize=10`,
  ],
  [
    'explorer: region',
    `/api/analytics/aggregate?region=990100&cut=${Y}&drilldown=region&measures=approved,adjusted,executed,final,execution_rate,lag&order=executed:desc&pagesize=50`,
  ],
  [
    'explorer: 类 in one region',
    `/api/analytics/aggregate?region=990100&cut=${Y}|region:990100|budget_type:general&drilldown=function_1&measures=approved,adjusted,executed,final,execution_rate,lag&order=executed:desc&pagesize=50`,
  ],
  [
    'explorer: department in 类 205',
    `/api/analytics/aggregate?region=990100&cut=${Y}|function_1:205&drilldown=department&measures=approved,adjusted,executed,final,execution_rate,lag&order=executed:desc&pagesize=50`,
  ],
  [
    'explorer: project in a department',
    `/api/analytics/aggregate?region=990100&cut=${Y}|department:104001&drilldown=project&measures=approved,adjusted,executed,final,execution_rate,lag&order=executed:desc&pagesize=50`,
  ],
  [
    'explorer: payees of a department',
    `/api/analytics/aggregate?region=990100&cut=${Y}|department:104001&drilldown=payee&measures=approved,adjusted,executed,final,execution_rate,lag&order=executed:desc&pagesize=50`,
  ],
  [
    'explorer: compare year (2025)',
    `/api/analytics/aggregate?region=990100&cut=year:2025|function_1:205;201;204&drilldown=function_1&measures=adjusted,executed&pagesize=50`,
  ],
  ['explorer: payments page', `/api/analytics/facts?region=990100&cut=${Y}|department:104001&order=amount:desc&pagesize=50`],
  [
    'explorer: payees whole city (all rows)',
    `/api/analytics/aggregate?region=990100&cut=${Y}&drilldown=payee&measures=executed,count&order=executed:desc&pagesize=50`,
  ],
  [
    'project: picker (all projects of the year)',
    `/api/analytics/aggregate?region=990100&cut=${Y}&drilldown=project&measures=adjusted&order=adjusted:desc&pagesize=1000`,
  ],
  ['project: life thread', '/api/project/profile?region=990100&code=P10400101'],
  ['project: monthly payments', '/api/project/monthly?region=990100&code=P10400101&year=2026'],
  ['project: payments page', `/api/analytics/facts?region=990100&cut=project:P10400101|${Y}&order=paid_on:desc&page=1&pagesize=50`],
  ['debt: positions', '/api/debt/positions?region=990100&year=2026'],
  ['debt: maturity', '/api/debt/maturity?region=990100'],
  ['debt: bonds', '/api/debt/bonds?region=990100&pagesize=100'],
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

const fresh = !fs.existsSync(path.join(dataDir, 'caijian.duckdb'));
const ctx = await openContext(loadConfig({}, { dataDir }), 'bench:api');
let genMs = 0;
if (fresh) {
  const t0 = performance.now();
  await generateApiData(ctx.duck, { payments });
  await ctx.duck.run('CHECKPOINT');
  genMs = performance.now() - t0;
  console.log(`generated ${payments.toLocaleString()} payments in ${(genMs / 1000).toFixed(1)} s`);
}
const app = await buildApp(ctx, { web: false });
// Every /api route needs a session: a city analyst, whose scope comes from Postgres's region table.
await syncRegionsToPg(ctx);
const { headers } = await signIn(app, { role: 'analyst', regionCode: '990100', username: 'bench-analyst' });
let client = 0;
// One client address per request: the per-address rate limits would otherwise stop the benchmark.
const get = (url: string) => app.inject({ method: 'GET', url, headers, remoteAddress: `10.0.${(++client >> 8) & 255}.${client & 255}` });
const loadBefore = os.loadavg()[0]!;
// The first request builds payment_rollup when the payments changed (timed separately).
const tRollup = performance.now();
await get('/api/analytics/meta');
const rollupMs = performance.now() - tRollup;
const rows: { name: string; p50: number; p95: number; max: number }[] = [];
for (const [name, url] of QUERIES) {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const res = await get(url);
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (i >= 2) times.push(ms); // two warm-up runs
  }
  rows.push({ name, p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times) });
  console.log(`${name.padEnd(40)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms   p95 ${pct(times, 95).toFixed(1).padStart(7)} ms`);
}
const loadAfter = os.loadavg()[0]!;
await app.close();
await ctx.close();

const mem = `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
const section = [
  '## API',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench:api -- ${payments}\`: ${payments.toLocaleString('en-US')} payments ` +
    `(synthetic city of bench/api-data.ts: 6 regions, 120 departments, 1,200 projects, 2024–2026), ` +
    `nproc ${os.cpus().length}, memory ${mem}, Node ${process.version}. Each request ${runs} times after 2 warm-ups, through ` +
    '`app.inject` (validation + SQL + JSON; no network). ' +
    `1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after on ${os.cpus().length} cores` +
    (Math.max(loadBefore, loadAfter) > os.cpus().length
      ? ' (the machine was shared with other work, so these figures are pessimistic). '
      : '. ') +
    `First request (checks, and if needed rebuilds, payment_rollup): ${(rollupMs / 1000).toFixed(1)} s.` +
    (genMs ? ` Generating the data took ${(genMs / 1000).toFixed(1)} s.` : ''),
  '',
  '| request (page: what) | p50 ms | p95 ms | max ms |',
  '|---|---:|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`),
  '',
].join('\n');
const file = path.resolve('bench/RESULTS.md');
const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n';
const re = /## API\n[\s\S]*?(?=\n## |$)/;
const after = re.test(before) ? before.replace(re, section) : `${before.trimEnd()}\n\n${section}`;
fs.writeFileSync(file, after.endsWith('\n') ? after : `${after}\n`);
console.log(`wrote bench/RESULTS.md (section API)`);
