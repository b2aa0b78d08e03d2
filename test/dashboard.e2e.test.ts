/**
 * End to end: the built dashboard served by buildApp on an ephemeral port, driven by Debian
 * Chromium. Opens the overview, drills from the top to single payments checking every figure on
 * screen against SQL run here, exports a table, switches language, and saves a screenshot of each
 * page at 1440×900 into test-results/screenshots/.
 *
 * Data: the synthetic city of bench/api-data.ts (临江市 990100 + districts, 1e4 payments), written
 * straight into DuckDB. TODO: switch to the ETL's `caijian demo` loader once it exists in etl/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/core/config.ts';
import { openContext, type AppContext } from '../server/core/context.ts';
import { generateApiData } from '../bench/api-data.ts';
import { formatMoney } from '../web/src/lib/format/money.ts';
import { zh, type MessageKey } from '../web/src/lib/i18n/zh.ts';
import { DRILL_LEVELS } from '../web/src/lib/features/budget/drill.ts';
import { ensureDemoUsers } from '../server/auth/demo-users.ts';
import { SHOTS, hasChromium, launchChromium } from './browser.ts';
import { login, syncRegionsToPg } from './e2e-login.ts';

describe.skipIf(!hasChromium('dashboard e2e'))('dashboard in a browser', () => {
  let dir: string;
  let ctx: AppContext;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caijian-e2e-'));
    ctx = await openContext(loadConfig({}, { dataDir: dir }), 'e2e');
    await generateApiData(ctx.duck, { payments: 10_000 });
    await syncRegionsToPg(ctx);
    await ensureDemoUsers(ctx);
    app = await buildApp(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    // The pages must work under the server's Content Security Policy: every refusal is collected.
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    // Every /api route needs a session: without one the dashboard sends the browser to /login.
    await page.goto(`${base}/budget`);
    await page.waitForURL(/\/login\?next=%2Fbudget/);
    await shot('login');
    await login(page, base, 'analyst');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const sql = async (q: string, params: (string | number)[] = []) => (await ctx.duck.all<Record<string, string>>(q, params))[0]!;
  const text = async (selector: string) => (await page.locator(selector).first().innerText()).trim();

  it('overview shows the four budgets as SQL computes them', async () => {
    await page.goto(`${base}/`);
    await page.locator('[data-unit=yuan]').click();
    await page.waitForSelector('[data-testid=four-budgets]');
    await page.waitForSelector('[data-testid=lags]');
    const want = await sql(
      `SELECT (SELECT sum(amount) FROM budget_line WHERE year = 2026 AND phase = 'approved') AS approved,
              (SELECT sum(amount) FROM payment WHERE year = 2026) AS executed,
              (SELECT sum(amount) FROM budget_line WHERE year = 2026 AND phase = 'approved') + (SELECT sum(amount) FROM budget_adjustment WHERE year = 2026) AS adjusted`,
    );
    expect(await text('[data-kpi=approved] .value')).toBe(formatMoney(want.approved!, 'yuan'));
    expect(await text('[data-kpi=adjusted] .value')).toBe(formatMoney(want.adjusted!, 'yuan'));
    expect(await text('[data-kpi=executed] .value')).toBe(formatMoney(want.executed!, 'yuan'));
    await page.locator('[data-unit=wan]').click();
    expect(await text('[data-kpi=executed] .value')).toBe(formatMoney(want.executed!, 'wan'));
    // 决算: none for the year in progress (shown as not yet, not as 0.00); a closed year's as SQL sums it.
    expect((await sql(`SELECT CAST(count(*) AS VARCHAR) AS n FROM budget_line WHERE year = 2026 AND phase = 'final'`)).n).toBe('0');
    expect(await text('[data-kpi=final] .value')).toBe('—');
    expect(await text('[data-kpi=final] .unit')).toBe('尚无决算（年度终了后编制）');
    // The table agrees: four budget types and the total, each final cell "—".
    expect(await page.locator('[data-testid=four-budgets] td[data-key=final]').allInnerTexts()).toEqual(Array(5).fill('—'));
    await page.waitForTimeout(300);
    await shot('overview');
    await page.locator('[data-testid=year-select]').selectOption('2025');
    const final2025 = await sql(
      `SELECT CAST(sum(amount) AS VARCHAR) AS a, CAST(count(*) AS VARCHAR) AS n FROM budget_line WHERE year = 2025 AND phase = 'final'`,
    );
    expect(Number(final2025.n)).toBeGreaterThan(0);
    await expect.poll(() => text('[data-kpi=final] .value')).toBe(formatMoney(final2025.a!, 'wan'));
    expect(await text('[data-testid=four-budgets] tfoot td[data-key=final]')).toBe(formatMoney(final2025.a!, 'wan'));
    await page.locator('[data-testid=year-select]').selectOption('2026');
  });

  it('drills from the top to single payments, every figure equal to SQL', async () => {
    await page.goto(`${base}/budget?region=990100&year=2026`);
    await page.locator('[data-unit=yuan]').click();
    const where: string[] = ['year = 2026'];
    const params: (string | number)[] = [];
    const column: Record<string, string> = {
      region: 'region_code',
      budget_type: 'budget_type',
      function_1: 'left(function_code, 3)',
      function_2: 'left(function_code, 5)',
      function_3: 'function_code',
      department: 'department_code',
      project: 'project_code',
      economic: 'economic_code',
      payee: 'payee',
    };
    for (const [i, level] of DRILL_LEVELS.entries()) {
      const header = page.locator('[data-testid=level-table] thead th').first();
      await expect.poll(() => header.innerText(), { timeout: 15_000 }).toBe(zh[`dim.${level}` as MessageKey]);
      if (i === 0) await shot('budget-explorer');
      if (level === 'department') await shot('budget-explorer-department');
      const first = page.locator('[data-testid=level-table] tbody tr').first();
      const shown = (await first.locator('td[data-key=executed]').innerText()).trim();
      // The row's code is the value the URL gets after the click.
      await first.locator('button.rowlink').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('drill')?.split('|').length ?? 0).toBe(i + 1);
      const step = new URL(page.url()).searchParams.get('drill')!.split('|')[i]!;
      const value = decodeURIComponent(step.slice(step.indexOf(':') + 1));
      if (value === '_none') where.push(`${column[level]} IS NULL`);
      else {
        where.push(`${column[level]} = ?`);
        params.push(value);
      }
      const got = await sql(`SELECT coalesce(sum(amount), 0) AS s FROM payment WHERE ${where.join(' AND ')}`, params);
      expect(shown, `executed at level ${level}`).toBe(formatMoney(got.s!, 'yuan'));
    }
    await page.waitForSelector('[data-testid=facts]');
    const leaf = await sql(
      `SELECT CAST(count(*) AS VARCHAR) AS n, sum(amount) AS s, max(amount) AS top FROM payment WHERE ${where.join(' AND ')}`,
      params,
    );
    const title = await text('.panel h2');
    expect(title).toContain(`共 ${Number(leaf.n).toLocaleString()} 笔`);
    expect(title).toContain(formatMoney(leaf.s!, 'yuan'));
    expect(await text('[data-testid=facts] tbody tr td[data-key=amount]')).toBe(formatMoney(leaf.top!, 'yuan'));
    await shot('budget-payments');

    // Export exactly what the table shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export=csv]').first().click()]);
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    const shownRows = await page.locator('[data-testid=facts] tbody tr').count();
    expect(lines).toHaveLength(shownRows + 1);
    expect(lines[0]).toContain('金额（元）');
    expect(lines[1]!.endsWith(`,${leaf.top}`)).toBe(true);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export=xlsx]').first().click()]);
    const bytes = fs.readFileSync(await xlsx.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('debt, department, about and warnings pages render', async () => {
    await page.goto(`${base}/debt`);
    await page.waitForSelector('[data-testid=debt-positions]');
    await page.waitForSelector('[data-testid=bonds]');
    await page.waitForTimeout(300);
    await shot('debt');
    await page.goto(`${base}/department`);
    await page.waitForSelector('[data-testid=department-projects]');
    await page.waitForTimeout(300);
    await shot('department');
    await page.goto(`${base}/about`);
    await page.waitForSelector('h1');
    await page.waitForTimeout(800);
    await shot('about');
    await page.goto(`${base}/warnings`);
    await page.waitForSelector('h1');
    await page.waitForTimeout(1500);
    if ((await page.locator('[data-testid=warnings] tbody tr').count()) > 0) {
      await page.locator('[data-testid=warnings] tbody tr button.rowlink').first().click();
      await page.waitForSelector('.msg');
    }
    await shot('warnings');
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid=lags]');
    await page.waitForTimeout(500);
    await shot('overview-with-warnings');
  });

  it('switches language and remembers it', async () => {
    await page.goto(`${base}/budget?region=990100&year=2026`);
    await page.locator('[data-testid=lang-toggle]').click();
    await expect.poll(() => text('h1')).toBe('Budget explorer');
    await page.waitForSelector('[data-testid=level-table]');
    await page.goto(`${base}/`);
    await expect.poll(() => text('h1')).toBe('Budget execution overview');
    await page.waitForSelector('[data-testid=lags]');
    await page.waitForTimeout(300);
    await shot('overview-en');
    await page.locator('[data-testid=lang-toggle]').click();
    await expect.poll(() => text('h1')).toBe('预算执行总览');
  });

  it('a bad query shows a friendly message', async () => {
    await page.goto(`${base}/budget?region=990100&year=2026&drill=${encodeURIComponent('function_1:bad code')}`);
    await expect.poll(() => text('[role=alert]'), { timeout: 15_000 }).toContain('查询条件有误');
  });

  it('shows who is signed in, runs under the CSP, and signs out to the login page', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid=user-menu]');
    expect(await text('[data-testid=user-menu]')).toContain('分析人员');
    expect(cspViolations).toEqual([]);
    await page.locator('[data-testid=logout]').click();
    await page.waitForSelector('[data-testid=login-form]');
    const after = await page.request.get(`${base}/api/analytics/meta`);
    expect(after.status()).toBe(401);
    // Back in for any test that follows.
    await login(page, base, 'analyst');
  });
});
