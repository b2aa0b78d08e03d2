/**
 * The project API against the demo city loaded through the real ETL (test/demo-context.ts):
 * every figure is compared with SQL written independently over the base tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoApp, type DemoApp } from '../../test/demo-context.ts';

let demo: DemoApp;
let code: string;
const sql = async (q: string, params: (string | number)[] = []) => demo.ctx.duck.all<Record<string, string | number | null>>(q, params);

beforeAll(async () => {
  demo = await openDemoApp();
  // The biggest city project of 2026 that has payments and adjustments.
  const [p] = await sql(`SELECT b.project_code AS code FROM budget_line b
    WHERE b.phase = 'approved' AND b.year = 2026 AND b.region_code = '990100' AND b.project_code IS NOT NULL
      AND b.project_code IN (SELECT project_code FROM payment WHERE year = 2026)
    GROUP BY ALL ORDER BY sum(b.amount) DESC, b.project_code LIMIT 1`);
  code = String(p!.code);
}, 300_000);
afterAll(async () => demo?.close());

describe('GET /api/project/profile', () => {
  it('follows the project through approved → adjusted → executed → final, to the fen', async () => {
    const { status, body } = await demo.get(`/api/project/profile?region=990100&code=${code}`);
    expect(status).toBe(200);
    const [info] = await sql(
      `SELECT p.name, p.department_code, d.name AS dname FROM project p
      JOIN department d ON d.region_code = p.region_code AND d.code = p.department_code WHERE p.code = ?`,
      [code],
    );
    expect(body.project).toMatchObject({ code, name: info!.name, department: info!.department_code, department_name: info!.dname });
    const want = await sql(
      `SELECT y AS year,
        (SELECT coalesce(sum(amount), 0) FROM budget_line WHERE phase = 'approved' AND project_code = ? AND year = y) AS approved,
        (SELECT coalesce(sum(amount), 0) FROM budget_adjustment WHERE project_code = ? AND year = y) AS adjustment,
        (SELECT coalesce(sum(amount), 0) FROM payment WHERE project_code = ? AND year = y) AS executed,
        (SELECT coalesce(sum(amount), 0) FROM budget_line WHERE phase = 'final' AND project_code = ? AND year = y) AS final
      FROM (SELECT DISTINCT year AS y FROM (SELECT year FROM budget_line WHERE project_code = ? UNION ALL SELECT year FROM payment WHERE project_code = ?
        UNION ALL SELECT year FROM budget_adjustment WHERE project_code = ?)) ORDER BY y`,
      [code, code, code, code, code, code, code],
    );
    expect(body.thread.map((r: Record<string, unknown>) => [r.year, r.approved, r.adjustment, r.executed, r.final])).toEqual(
      want.map((r) => [r.year, r.approved, r.adjustment, r.executed, r.final]),
    );
    for (const r of body.thread) {
      // adjusted = approved + adjustments, added exactly in fen here.
      const fen = (s: string) => BigInt(s.replace('.', ''));
      expect(fen(r.adjusted)).toBe(fen(r.approved) + fen(r.adjustment));
    }
    const [n] = await sql(`SELECT CAST(count(*) AS INTEGER) AS n FROM budget_adjustment WHERE project_code = ?`, [code]);
    expect(body.adjustments).toHaveLength(Number(n!.n));
  });

  it('is 404 for a project outside the region and for an unknown code', async () => {
    expect((await demo.get(`/api/project/profile?region=990102&code=${code}`)).status).toBe(404);
    const r = await demo.get(`/api/project/profile?region=990100&code=NOPE1`);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 'not_found' });
  });

  it('refuses bad input with 400, never 500', async () => {
    for (const url of [
      `/api/project/profile?region=99&code=${code}`,
      `/api/project/profile?region=990100&code=a%20b`,
      `/api/project/profile?region=990100`,
      `/api/project/profile?region=990100&code=${code}&extra=1`,
      `/api/project/monthly?region=990100&code=${code}&year=20x6`,
      `/api/project/monthly?region=990100&code=${code}`,
      `/api/project/performance?region=990100&code=${'x'.repeat(40)}`,
    ]) {
      const r = await demo.get(url);
      expect(r.status, url).toBe(400);
      expect(Object.keys(r.body).sort(), url).toEqual(['code', 'message', 'requestId']);
    }
  });
});

describe('GET /api/project/monthly and /performance', () => {
  it('sums payments by month and runs the total up to the data as-of month', async () => {
    const { status, body } = await demo.get(`/api/project/monthly?region=990100&code=${code}&year=2026`);
    expect(status).toBe(200);
    expect(body.rows.map((r: { month: number }) => r.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const want = await sql(
      `SELECT CAST(month(paid_on) AS INTEGER) AS m, sum(amount) AS s, CAST(count(*) AS INTEGER) AS n FROM payment WHERE project_code = ? AND year = 2026 GROUP BY m`,
      [code],
    );
    const [asof] = await sql(`SELECT CAST(month(max(paid_on)) AS INTEGER) AS m FROM payment WHERE year = 2026`);
    for (const r of body.rows) {
      const w = want.find((x) => x.m === r.month);
      if (r.month > Number(asof!.m)) expect(r.executed).toBeNull();
      else {
        expect(r.executed).toBe(w ? w.s : '0.00');
        expect(r.count).toBe(w ? w.n : 0);
      }
    }
    const [total] = await sql(`SELECT sum(amount) AS s FROM payment WHERE project_code = ? AND year = 2026`, [code]);
    const last = body.rows.filter((r: { cumulative: string | null }) => r.cumulative !== null).at(-1);
    expect(last.cumulative).toBe(total!.s);
  });

  it('lists the performance targets with their actuals', async () => {
    const { body } = await demo.get(`/api/project/performance?region=990100&code=${code}`);
    const want = await sql(
      `SELECT year, indicator, CAST(target_value AS VARCHAR) AS t, CAST(actual_value AS VARCHAR) AS a FROM performance_target WHERE project_code = ? ORDER BY year DESC, indicator_type, indicator`,
      [code],
    );
    expect(want.length).toBeGreaterThan(0);
    expect(body.rows.map((r: Record<string, unknown>) => [r.year, r.indicator, r.target_value, r.actual_value])).toEqual(
      want.map((r) => [r.year, r.indicator, r.t, r.a]),
    );
  });

  it('the facts endpoint gives the project payment list with the same total', async () => {
    const { body } = await demo.get(`/api/analytics/facts?region=990100&cut=project:${code}|year:2026&pagesize=10`);
    const [w] = await sql(`SELECT sum(amount) AS s, CAST(count(*) AS INTEGER) AS n FROM payment WHERE project_code = ? AND year = 2026`, [
      code,
    ]);
    expect(body.total_amount).toBe(w!.s);
    expect(body.total_fact_count).toBe(w!.n);
  });
});
