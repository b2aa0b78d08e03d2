/**
 * The economy API against the demo city loaded through the real ETL (test/demo-context.ts),
 * compared with SQL written independently and with the R19 warnings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoApp, type DemoApp } from '../../test/demo-context.ts';

let demo: DemoApp;
const sql = async (q: string, params: (string | number)[] = []) => demo.ctx.duck.all<Record<string, string | number | null>>(q, params);

beforeAll(async () => {
  demo = await openDemoApp();
}, 300_000);
afterAll(async () => demo?.close());

describe('GET /api/economy/indicators', () => {
  it('gives each indicator of the year its latest actual and the expected value', async () => {
    const { status, body } = await demo.get('/api/economy/indicators?region=990100&year=2026');
    expect(status).toBe(200);
    const [n] = await sql(
      `SELECT CAST(count(DISTINCT plan || indicator_code) AS INTEGER) AS n FROM plan_indicator WHERE region_code = '990100' AND period LIKE '2026%'`,
    );
    expect(body.rows).toHaveLength(Number(n!.n));
    expect(body.rows.every((r: { region: string }) => r.region === '990100')).toBe(true);
    // A monthly indicator: its latest month and the year target pro rata.
    const monthly = body.rows.find((r: { latest_period: string | null }) => /^2026-\d\d$/.test(r.latest_period ?? ''));
    expect(monthly).toBeDefined();
    const [w] = await sql(
      `SELECT (SELECT CAST(actual_value AS VARCHAR) FROM plan_indicator WHERE region_code = '990100' AND indicator_code = ? AND period = ?) AS actual,
              (SELECT CAST(target_value AS VARCHAR) FROM plan_indicator WHERE region_code = '990100' AND indicator_code = ? AND period = ?) AS period_target,
              (SELECT target_value FROM plan_indicator WHERE region_code = '990100' AND indicator_code = ? AND period = '2026') AS year_target,
              (SELECT max(period) FROM plan_indicator WHERE region_code = '990100' AND indicator_code = ? AND period LIKE '2026-%' AND actual_value IS NOT NULL) AS latest`,
      [
        monthly.indicator_code,
        monthly.latest_period,
        monthly.indicator_code,
        monthly.latest_period,
        monthly.indicator_code,
        monthly.indicator_code,
      ],
    );
    expect(monthly.latest_period).toBe(w!.latest);
    expect(monthly.actual).toBe(w!.actual);
    const months = Number(monthly.latest_period.slice(5));
    const expected = w!.period_target != null ? Number(w!.period_target) : (Number(w!.year_target) * months) / 12;
    expect(Number(monthly.expected)).toBeCloseTo(expected, 3);
    expect(monthly.completion).toBeCloseTo(Number(monthly.actual) / expected, 3);
  });

  it('flags as behind exactly the indicators R19 warns about for their latest period', async () => {
    const { body } = await demo.get('/api/economy/indicators?region=990100&year=2026');
    const r19 = await demo.ctx.pg.withConnection((tx) =>
      tx.query<{ subject_id: string; period: string }>(
        `SELECT subject_id, period FROM warning WHERE rule_id = 'R19' AND region_code = '990100' AND period LIKE '2026%' AND status <> 'resolved_by_data'`,
      ),
    );
    const warned = new Set(r19.rows.map((r) => `${r.subject_id}@${r.period}`));
    for (const r of body.rows) {
      if (r.behind === null) continue;
      expect(r.behind, `${r.indicator_code} ${r.latest_period}`).toBe(warned.has(`${r.indicator_code}@${r.latest_period}`));
    }
  });
});

describe('GET /api/economy/compare and /series', () => {
  it('compares one indicator across the city and its districts', async () => {
    const { body } = await demo.get('/api/economy/compare?region=990100&year=2026&indicator=ND-01');
    const want = await sql(`SELECT DISTINCT region_code FROM plan_indicator WHERE indicator_code = 'ND-01' AND period LIKE '2026%'
      AND region_code IN (SELECT code FROM region WHERE code = '990100' OR parent_code = '990100') ORDER BY 1`);
    expect(body.rows.map((r: { region: string }) => r.region)).toEqual(want.map((w) => w.region_code));
    expect(body.rows.every((r: { indicator_code: string }) => r.indicator_code === 'ND-01')).toBe(true);
  });

  it('lists every period of an indicator in time order', async () => {
    const { body } = await demo.get('/api/economy/series?region=990100&indicator=FY14-01');
    const want = await sql(
      `SELECT period, CAST(actual_value AS VARCHAR) AS a FROM plan_indicator WHERE region_code = '990100' AND indicator_code = 'FY14-01' ORDER BY period`,
    );
    expect(body.rows.map((r: { period: string; actual_value: string }) => [r.period, r.actual_value])).toEqual(
      want.map((w) => [w.period, w.a]),
    );
  });

  it('refuses bad input with 400', async () => {
    for (const url of [
      '/api/economy/indicators?region=990100',
      '/api/economy/indicators?region=990100&year=2026&plan=x',
      '/api/economy/compare?region=990100&year=2026',
      '/api/economy/compare?region=990100&year=2026&indicator=%27%3B%20drop',
      '/api/economy/series?region=9901000&indicator=ND-01',
    ]) {
      const r = await demo.get(url);
      expect(r.status, url).toBe(400);
      expect(Object.keys(r.body).sort(), url).toEqual(['code', 'message', 'requestId']);
    }
  });
});
