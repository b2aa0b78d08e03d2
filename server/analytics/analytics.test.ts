import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { tableFromIPC } from 'apache-arrow';
import { buildApp } from '../app.ts';
import { loadConfig } from '../core/config.ts';
import type { AppContext } from '../core/context.ts';
import { openTestDuck, pgTargets } from '../../test/db.ts';
import { seedPgRegions, signIn } from '../auth/testing.ts';
import { seedAnalytics } from '../../test/analytics-seed.ts';
import { invalidateRollups } from './rollups.ts';

let app: FastifyInstance;
let ctx: AppContext;
/** A city analyst (临江市 990100 with its districts). */
let headers: Record<string, string>;

beforeAll(async () => {
  const duck = await openTestDuck();
  await seedAnalytics(duck);
  // The analytics and debt routes read DuckDB only; Postgres holds the accounts and the region
  // hierarchy the session's scope comes from.
  const pg = await pgTargets()[0]!.open();
  await seedPgRegions(pg);
  ctx = { config: loadConfig({}), pg, duck, close: async () => (await duck.close(), await pg.close()) };
  app = await buildApp(ctx, { web: false });
  headers = (await signIn(app, { role: 'analyst', regionCode: '990100' })).headers;
});
afterAll(async () => {
  await app.close();
  await ctx.close();
});

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json() };
};

describe('GET /api/analytics/aggregate', () => {
  it('totals the four budgets for the city with its districts', async () => {
    const { status, body } = await get('/api/analytics/aggregate?region=990100&cut=year:2026&drilldown=budget_type');
    expect(status).toBe(200);
    // approved 1000+2000+500+300; adjusted = approved + 500 − 100; executed 0.10+450+1250.25+100.
    expect(body.summary).toEqual({ approved: '3800.00', adjusted: '4200.00', executed: '1800.35', final: '0.00' });
    expect(body.cells).toEqual([
      { budget_type: 'fund', budget_type_name: '政府性基金预算', approved: '500.00', adjusted: '500.00', executed: '0.00', final: '0.00' },
      {
        budget_type: 'general',
        budget_type_name: '一般公共预算',
        approved: '3300.00',
        adjusted: '3700.00',
        executed: '1800.35',
        final: '0.00',
      },
    ]);
    expect(body.as_of).toBe('2026-06-30');
    // 2026-01-01 … 2026-06-30 = 181 days of 365.
    expect(body.time_progress).toBeCloseTo(181 / 365, 10);
  });

  it('scopes to one region without its children', async () => {
    const { body } = await get('/api/analytics/aggregate?region=990102&cut=year:2026&measures=executed');
    expect(body.summary).toEqual({ executed: '100.00' });
  });

  it('computes execution rate and lag per department, ordered by lag', async () => {
    const { body } = await get(
      '/api/analytics/aggregate?region=990100&cut=year:2026|budget_type:general&drilldown=department&measures=adjusted,executed,execution_rate,lag&order=lag:desc',
    );
    expect(body.cells.map((c: { department: string }) => c.department)).toEqual(['205001', '105001', '101001']);
    // 205001: 100 ÷ 300 = 33.3% against 49.6% time progress — the biggest lag.
    const p1 = body.cells[1];
    expect(p1).toMatchObject({ department_name: '市教育局', adjusted: '2500.00', executed: '1250.25', execution_rate: 0.5001 });
    expect(p1.lag).toBeCloseTo(181 / 365 - 0.5001, 5);
  });

  it('drills 类 → 款 → 项 with names, and to payees (budget measures then null)', async () => {
    const l1 = await get('/api/analytics/aggregate?region=990100&cut=year:2026&drilldown=function_1&measures=executed');
    expect(l1.body.cells).toEqual([
      { function_1: '201', function_1_name: '一般公共服务支出', executed: '450.10' },
      { function_1: '205', function_1_name: '教育支出', executed: '1350.25' },
    ]);
    const payees = await get(
      '/api/analytics/aggregate?region=990100&cut=year:2026|function_2:20101&drilldown=payee&measures=approved,executed,count',
    );
    expect(payees.body.cells).toEqual([{ payee: '某文具公司', approved: null, executed: '450.10', count: 2 }]);
  });

  it('cuts on a missing code with _none (basic expenditure has no project)', async () => {
    const { body } = await get(
      '/api/analytics/aggregate?region=990100&cut=year:2026|project:_none&drilldown=department&measures=approved,executed',
    );
    expect(body.cells).toEqual([
      { department: '101001', department_name: '市人大办公室', approved: '1000.00', executed: '450.10' },
      { department: '105001', department_name: '市教育局', approved: '500.00', executed: '0.00' },
      { department: '205001', department_name: '江北区教育局', approved: '300.00', executed: '100.00' },
    ]);
    expect(body.total_cell_count).toBe(3);
  });

  it('pages and counts cells', async () => {
    const { body } = await get('/api/analytics/aggregate?region=990100&cut=year:2026&drilldown=month&cube=payments&pagesize=2&page=2');
    expect(body.total_cell_count).toBe(4);
    expect(body.cells).toEqual([
      { month: 3, executed: '450.00', count: 1 },
      { month: 6, executed: '1250.25', count: 1 },
    ]);
  });

  it('answers Arrow IPC when asked, money as exact strings', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/analytics/aggregate?region=990100&cut=year:2026&drilldown=department&measures=executed,count,execution_rate',
      headers: { ...headers, accept: 'application/vnd.apache.arrow.stream' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/vnd.apache.arrow.stream');
    const t = tableFromIPC(res.rawPayload);
    expect(t.numRows).toBe(3);
    expect(t.getChild('executed')?.toArray()).toEqual(['450.10', '1250.25', '100.00']);
    expect(Array.from(t.getChild('count')?.toArray() ?? [])).toEqual([2, 1, 1]);
  });

  it.each([
    ['unknown dimension', 'drilldown=salary', /unknown dimension "salary"/],
    ['unknown measure', 'measures=bonus', /unknown measure "bonus"/],
    ['SQL in a cut', "cut=department:1' OR 1=1", /not a valid code/],
    ['order by a non-requested key', 'order=payee:desc', /cannot order by "payee"/],
    ['unknown parameter', 'foo=1', /must NOT have additional properties/],
    ['bad region', 'region=abc', /region/],
  ])('400 on %s', async (_name, qs, msg) => {
    const url = qs.startsWith('region=') ? `/api/analytics/aggregate?${qs}` : `/api/analytics/aggregate?region=990100&${qs}`;
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.message).toMatch(msg);
  });
});

describe('GET /api/analytics/facts', () => {
  it('pages payment rows with names and the total of the whole cut', async () => {
    const { status, body } = await get('/api/analytics/facts?region=990100&cut=year:2026|department:101001&pagesize=1');
    expect(status).toBe(200);
    expect(body.total_fact_count).toBe(2);
    expect(body.total_amount).toBe('450.10');
    expect(body.facts).toEqual([
      expect.objectContaining({
        paid_on: '2026-03-10',
        voucher_no: 'V2',
        department_name: '市人大办公室',
        function_3_name: '行政运行',
        amount: '450.00',
      }),
    ]);
  });
});

describe('GET /api/analytics/meta', () => {
  it('lists regions, years and the as-of date', async () => {
    const { body } = await get('/api/analytics/meta');
    expect(body.regions.map((r: { code: string }) => r.code)).toEqual(['990100', '990102']);
    expect(body.years).toEqual([2025, 2026]);
    expect(body.as_of).toBe('2026-06-30');
  });
});

describe('GET /api/debt/*', () => {
  it('positions with debt ratio and band', async () => {
    const { body } = await get('/api/debt/positions?region=990100&year=2026');
    expect(body.rows[0]).toMatchObject({
      region: '990100',
      limit_total: '3000.00',
      balance_total: '2700.00',
      capacity: '1500.00',
      debt_ratio: 1.8,
      band: 'yellow',
    });
    expect(body.rows[1]).toMatchObject({ region: '990102', debt_ratio: 3, band: 'red' });
  });
  it('maturity profile from a date and bonds', async () => {
    const m = await get('/api/debt/maturity?region=990100&from=2026-10-31');
    expect(m.body.rows).toEqual([
      { year: 2027, debt_type: 'special', principal: '0.00', interest: '47.50' },
      { year: 2036, debt_type: 'special', principal: '1900.00', interest: '47.50' },
    ]);
    const b = await get('/api/debt/bonds?region=990100');
    expect(b.body.total).toBe(1);
    expect(b.body.rows[0]).toMatchObject({ code: 'B1', amount: '1900.00', coupon_rate: '2.5000' });
    // A page past any real one is a 400 at validation, not an OFFSET DuckDB cannot hold (a 500).
    expect((await get(`/api/debt/bonds?region=990100&page=${'9'.repeat(30)}`)).status).toBe(400);
  });
});

describe('payment_rollup', () => {
  it('is rebuilt when the payments changed', async () => {
    const url = '/api/analytics/aggregate?region=990102&cut=year:2026&cube=payments&measures=executed,count';
    expect((await get(url)).body.summary).toEqual({ executed: '100.00', count: 1 });
    await ctx.duck.run(
      `INSERT INTO payment VALUES ('990102', 2026, '2026-07-01', 'V9', '205001', NULL, '2050201', '30201', 'general', '李四', 'individual', 0.01, 2)`,
    );
    invalidateRollups(ctx.duck);
    expect((await get(url)).body.summary).toEqual({ executed: '100.01', count: 2 });
    await ctx.duck.run(`DELETE FROM payment WHERE voucher_no = 'V9'`);
    invalidateRollups(ctx.duck);
    expect((await get(url)).body.summary).toEqual({ executed: '100.00', count: 1 });
  });
});

describe('region scope and roles', () => {
  it('keeps a district user to the district and masks persons among payees for a deputy', async () => {
    const district = (await signIn(app, { role: 'analyst', regionCode: '990102' })).headers;
    const deputy = (await signIn(app, { role: 'deputy', regionCode: '990102' })).headers;
    const as = async (h: Record<string, string>, url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: h });
      return { status: res.statusCode, body: res.json() };
    };
    // The city's figures are outside the district's scope: 403, not the city's totals.
    expect((await as(district, '/api/analytics/aggregate?region=990100&cut=year:2026')).status).toBe(403);
    expect((await as(district, '/api/debt/bonds?region=990100')).status).toBe(403);
    const own = await as(district, '/api/analytics/aggregate?region=990102&cut=year:2026&cube=payments&measures=executed');
    expect(own.body.summary).toEqual({ executed: '100.00' });
    expect((await as(district, '/api/analytics/meta')).body.regions.map((r: { code: string }) => r.code)).toEqual(['990102']);
    // Without a session: 401.
    expect((await app.inject({ method: 'GET', url: '/api/analytics/meta' })).statusCode).toBe(401);

    const f = await as(deputy, '/api/analytics/facts?region=990102&cut=year:2026');
    expect(f.body.facts.map((x: { payee: string }) => x.payee)).toEqual(['张*']);
    expect((await as(district, '/api/analytics/facts?region=990102&cut=year:2026')).body.facts[0].payee).toBe('张三');
    const agg = await as(deputy, '/api/analytics/aggregate?region=990100&cut=year:2026&cube=payments&drilldown=payee');
    expect(agg.status).toBe(403);
    const byPayee = await as(deputy, '/api/analytics/aggregate?region=990102&cut=year:2026&cube=payments&drilldown=payee');
    expect(byPayee.body.cells.map((c: { payee: string }) => c.payee)).toEqual(['张*']);
    expect((await as(deputy, '/api/analytics/facts?region=990102&cut=payee:张三')).status).toBe(403);
  });
});
