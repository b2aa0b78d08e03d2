/**
 * The state-assets API against the demo city loaded through the real ETL (test/demo-context.ts),
 * compared with SQL written independently over the base tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoApp, type DemoApp } from '../../test/demo-context.ts';

let demo: DemoApp;
const sql = async (q: string, params: (string | number)[] = []) => demo.ctx.duck.all<Record<string, string | number | null>>(q, params);
const CITY = `region_code IN (SELECT code FROM region WHERE code = '990100' OR parent_code = '990100')`;

beforeAll(async () => {
  demo = await openDemoApp();
}, 300_000);
afterAll(async () => demo?.close());

describe('GET /api/assets/kinds', () => {
  it('reports the four kinds at their latest year ≤ the year asked', async () => {
    const { status, body } = await demo.get('/api/assets/kinds?region=990100&year=2026');
    expect(status).toBe(200);
    expect(body.kinds.map((k: { kind: string }) => k.kind)).toEqual(['enterprise', 'financial', 'administrative', 'natural']);
    const [e] = await sql(`SELECT sum(total_assets) AS a, sum(state_capital_end) AS c, CAST(count(*) AS INTEGER) AS n, max(year) AS y
      FROM enterprise_financials WHERE kind = 'enterprise' AND ${CITY} AND year = (SELECT max(year) FROM enterprise_financials WHERE year <= 2026)`);
    expect(body.kinds[0]).toMatchObject({ year: e!.y, assets: e!.a, state_capital: e!.c, items: e!.n });
    const [a] = await sql(`SELECT sum(original_value) AS a, sum(net_value) AS n FROM asset_card
      WHERE status <> 'disposed' AND ${CITY} AND year = (SELECT max(year) FROM asset_card)`);
    expect(body.kinds[2]).toMatchObject({ assets: a!.a, net: a!.n });
    const [n] = await sql(`SELECT sum(value) AS v FROM natural_resource WHERE ${CITY} AND year = (SELECT max(year) FROM natural_resource)`);
    expect(body.kinds[3].assets).toBe(n!.v);
    // An earlier year reads that year's report.
    const y2024 = await demo.get('/api/assets/kinds?region=990100&year=2024');
    expect(y2024.body.kinds.every((k: { year: number }) => k.year === 2024)).toBe(true);
    expect(body.trend.length).toBeGreaterThan(4);
  });
});

describe('GET /api/assets/enterprises', () => {
  it('computes the league-table indicators from the financials', async () => {
    const { status, body } = await demo.get('/api/assets/enterprises?region=990100&year=2026&order=debt_asset_ratio');
    expect(status).toBe(200);
    const want =
      await sql(`SELECT enterprise_code AS code, total_assets, total_liabilities, profit, state_capital_begin, state_capital_end FROM enterprise_financials
      WHERE ${CITY} AND year = 2025`);
    expect(body.year).toBe(2025);
    expect(body.rows).toHaveLength(want.length);
    for (const w of want) {
      const r = body.rows.find((x: { code: string }) => x.code === w.code);
      expect(r.total_assets).toBe(w.total_assets);
      expect(r.profit).toBe(w.profit);
      expect(r.debt_asset_ratio).toBeCloseTo(Number(w.total_liabilities) / Number(w.total_assets), 5);
      expect(r.preservation_ratio).toBeCloseTo(Number(w.state_capital_end) / Number(w.state_capital_begin), 5);
    }
    const ratios = body.rows.map((r: { debt_asset_ratio: number }) => r.debt_asset_ratio);
    expect(ratios).toEqual([...ratios].sort((a, b) => b - a));
    // The planted R17 leverage case: 临江城市建设投资集团 at 74.5%.
    const ct = body.rows.find((r: { name: string }) => r.name === '临江城市建设投资集团有限公司');
    expect(ct).toMatchObject({ high_leverage: true });
    expect(body.rows.filter((r: { kind: string; high_leverage: boolean }) => r.kind === 'financial' && r.high_leverage)).toEqual([]);
    const fin = await demo.get('/api/assets/enterprises?region=990100&year=2026&kind=financial');
    expect(fin.body.rows.every((r: { kind: string }) => r.kind === 'financial')).toBe(true);
  });
});

describe('GET /api/assets/administrative and /resources', () => {
  it('splits the cards by department and status, with the idle share of R18', async () => {
    const { status, body } = await demo.get('/api/assets/administrative?region=990100&year=2026');
    expect(status).toBe(200);
    expect(body.year).toBe(2025);
    const want =
      await sql(`SELECT region_code AS r, department_code AS d, coalesce(sum(original_value) FILTER (WHERE status = 'idle'), 0) AS idle,
        coalesce(sum(original_value) FILTER (WHERE status = 'disposed'), 0) AS disposed, sum(original_value) FILTER (WHERE status <> 'disposed') AS total
      FROM asset_card WHERE ${CITY} AND year = 2025 GROUP BY ALL`);
    expect(body.departments).toHaveLength(want.length);
    for (const w of want) {
      const r = body.departments.find((x: { region: string; department: string }) => x.region === w.r && x.department === w.d);
      expect([r.idle, r.disposed, r.total]).toEqual([w.idle, w.disposed, w.total]);
    }
    // The departments above the R18 line are the ones the R18 warnings name.
    const above = body.departments.filter((d: { idle_share: number | null }) => (d.idle_share ?? 0) * 100 > body.max_idle_pct);
    const r18 = await demo.ctx.pg.withConnection((tx) =>
      tx.query<{ subject_id: string }>(
        `SELECT region_code || '|' || subject_id AS subject_id FROM warning WHERE rule_id = 'R18' AND period = '2025' AND region_code IN ('990100', '990102', '990103', '990104', '990105', '990106')`,
      ),
    );
    expect(above.map((d: { region: string; department: string }) => `${d.region}|${d.department}`).sort()).toEqual(
      r18.rows.map((r) => r.subject_id).sort(),
    );
    const top = body.departments[0];
    expect(top.idle_share).toBeGreaterThan(body.max_idle_pct / 100);
    const [cat] = await sql(
      `SELECT sum(original_value) AS v FROM asset_card WHERE ${CITY} AND year = 2025 AND category = 'vehicle' AND status = 'idle'`,
    );
    expect(
      body.categories.find((c: { category: string; status: string }) => c.category === 'vehicle' && c.status === 'idle')?.original_value,
    ).toBe(cat!.v);
  });

  it('lists the natural resources', async () => {
    const { body } = await demo.get('/api/assets/resources?region=990100&year=2026');
    const [n] = await sql(`SELECT CAST(count(*) AS INTEGER) AS n FROM natural_resource WHERE ${CITY} AND year = 2025`);
    expect(body.rows).toHaveLength(Number(n!.n));
  });

  it('refuses bad input with 400 and other regions with 403', async () => {
    for (const url of [
      '/api/assets/kinds?region=990100',
      '/api/assets/kinds?region=abc&year=2026',
      '/api/assets/enterprises?region=990100&year=2026&order=name',
      '/api/assets/enterprises?region=990100&year=2026&kind=bank',
      '/api/assets/administrative?region=990100&year=2026&x=1',
      '/api/assets/resources?region=990100&year=1800',
    ]) {
      const r = await demo.get(url);
      expect(r.status, url).toBe(400);
      expect(Object.keys(r.body).sort(), url).toEqual(['code', 'message', 'requestId']);
    }
    // A district analyst sees the district, not the city.
    expect((await demo.get('/api/assets/kinds?region=990100&year=2026', 'analyst-district')).status).toBe(403);
    expect((await demo.get('/api/assets/kinds?region=990102&year=2026', 'analyst-district')).status).toBe(200);
  });
});
