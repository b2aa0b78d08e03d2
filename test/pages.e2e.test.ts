/**
 * End to end: the project, state-assets, audit and economy pages in Debian Chromium over the demo
 * city loaded through the real ETL (test/demo-context.ts). Each page is opened signed in as the
 * city analyst, one figure on screen is checked against SQL run here, and a 1440×900 screenshot
 * is saved to test-results/screenshots/ (plus a full-page one, for review).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import type { AppContext } from '../server/core/context.ts';
import { ensureDemoUsers } from '../server/auth/demo-users.ts';
import { openDemoContext } from './demo-context.ts';
import { SHOTS, hasChromium, launchChromium } from './browser.ts';
import { formatMoney } from '../web/src/lib/format/money.ts';
import { login } from './e2e-login.ts';
import { formatDecimal } from '../web/src/lib/features/values.ts';

describe.skipIf(!hasChromium('pages e2e'))('project, assets, audit and economy pages in a browser', () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    ctx = await openDemoContext();
    app = await buildApp(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    // Every /api route needs a session: sign in as the city analyst through the login page.
    await ensureDemoUsers(ctx);
    await login(page, base, 'analyst');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
  });

  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
    await page.screenshot({ path: path.join(SHOTS, `${name}-full.png`), fullPage: true });
  };
  const sql = async (q: string, params: (string | number)[] = []) => (await ctx.duck.all<Record<string, string | number>>(q, params))[0]!;
  const text = async (selector: string) => (await page.locator(selector).first().innerText()).trim();
  const CITY = `region_code IN (SELECT code FROM region WHERE code = '990100' OR parent_code = '990100')`;

  async function open(url: string, ready: string) {
    await page.goto(`${base}${url}`);
    await page.locator('[data-unit=yuan]').click();
    await page.waitForSelector(ready, { timeout: 20_000 });
  }

  it('project page: the life thread, monthly payments and payment list of one project', async () => {
    const p =
      await sql(`SELECT project_code AS code, sum(amount) AS paid FROM payment WHERE year = 2026 AND region_code = '990100' AND project_code IS NOT NULL
      GROUP BY ALL ORDER BY paid DESC, code LIMIT 1`);
    await open(`/project?code=${p.code}`, '[data-testid=project-kpis]');
    expect(await text('[data-kpi=executed] .value')).toBe(formatMoney(String(p.paid), 'yuan'));
    await page.waitForSelector('[data-testid=project-payments]');
    await page.waitForSelector('[data-testid=project-monthly]');
    // The list is newest first (then by voucher): its first row is this payment.
    const latest = await sql(
      `SELECT voucher_no, amount FROM payment WHERE year = 2026 AND project_code = ? ORDER BY paid_on DESC, voucher_no LIMIT 1`,
      [String(p.code)],
    );
    expect(await text('[data-testid=project-payments] tbody tr td[data-key=voucher_no]')).toBe(String(latest.voucher_no));
    expect(await text('[data-testid=project-payments] tbody tr td[data-key=amount]')).toBe(formatMoney(String(latest.amount), 'yuan'));
    await shot('project');
  });

  it('state assets: the four kinds, enterprise league table, administrative assets by status', async () => {
    await open('/assets', '[data-testid=asset-kinds]');
    const e = await sql(`SELECT sum(total_assets) AS a FROM enterprise_financials WHERE kind = 'enterprise' AND ${CITY}
      AND year = (SELECT max(year) FROM enterprise_financials WHERE year <= 2026)`);
    expect(await text('[data-kpi=enterprise] .value')).toBe(formatMoney(String(e.a), 'yuan'));
    await page.waitForSelector('[data-testid=enterprises]');
    await page.waitForSelector('[data-testid=asset-departments]');
    const biggest = await sql(
      `SELECT name, total_assets FROM enterprise_financials WHERE ${CITY} AND year = 2025 ORDER BY total_assets DESC LIMIT 1`,
    );
    expect(await text('[data-testid=enterprises] tbody tr td[data-key=name]')).toBe(String(biggest.name));
    expect(await text('[data-testid=enterprises] tbody tr td[data-key=total_assets]')).toBe(
      formatMoney(String(biggest.total_assets), 'yuan'),
    );
    await page.locator('[data-unit=wan]').click();
    // The export is what the table shows, in the unit shown.
    const panel = page.locator('section.panel', { has: page.locator('[data-testid=enterprises]') });
    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('[data-export=csv]').click()]);
    const csv = fs
      .readFileSync(await download.path(), 'utf8')
      .slice(1)
      .trimEnd()
      .split('\r\n');
    expect(csv).toHaveLength((await page.locator('[data-testid=enterprises] tbody tr').count()) + 1);
    expect(csv[0]).toContain('资产总额（万元）');
    await shot('assets');
  });

  it('audit: findings by year × category, progress, recurring chains, overdue items', async () => {
    await open('/audit', '[data-testid=audit-kpis]');
    const f = await sql(`SELECT CAST(count(*) AS INTEGER) AS n, sum(amount) AS a FROM audit_finding WHERE ${CITY}`);
    expect(await text('[data-kpi=findings] .value')).toBe(Number(f.n).toLocaleString());
    expect(await text('[data-kpi=amount] .value')).toBe(formatMoney(String(f.a), 'yuan'));
    await page.waitForSelector('[data-testid=audit-matrix]');
    await page.waitForSelector('[data-testid=audit-findings]');
    // Codes repeat across regions: each finding row names its region (by name), and that pair exists.
    const first = page.locator('[data-testid=audit-findings] tbody tr').first();
    const [code, regionShown] = [
      await first.locator('td[data-key=finding_code]').innerText(),
      await first.locator('td[data-key=region]').innerText(),
    ];
    const pair = await sql(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM audit_finding f JOIN region r ON r.code = f.region_code WHERE f.finding_code = ? AND r.name = ?`,
      [code.trim(), regionShown.trim()],
    );
    expect(Number(pair.n), `${regionShown} ${code}`).toBe(1);
    const r15 = await ctx.pg.withConnection((tx) =>
      tx.query(`SELECT 1 FROM warning WHERE rule_id = 'R15' AND status <> 'resolved_by_data'`),
    );
    if (r15.rows.length) {
      await page.waitForSelector('[data-testid=recurring]');
      expect(await page.locator('[data-testid=recurring] > li').count()).toBe(r15.rows.length);
    }
    await shot('audit');
  });

  it('economy: plan indicators against targets and the regional comparison', async () => {
    await open('/economy', '[data-testid=economy-indicators]');
    const first = await page.locator('[data-testid=economy-indicators] tbody tr').first();
    const name = (await first.locator('td[data-key=name]').innerText()).trim();
    const period = (await first.locator('td[data-key=latest_period]').innerText()).trim();
    const w = await sql(
      `SELECT CAST(actual_value AS VARCHAR) AS a FROM plan_indicator WHERE region_code = '990100' AND name = ? AND period = ?`,
      [name, period],
    );
    expect((await first.locator('td[data-key=actual]').innerText()).trim()).toBe(formatDecimal(String(w.a)));
    await page.waitForSelector('[data-testid=economy-compare]');
    const regions = await sql(
      `SELECT CAST(count(DISTINCT region_code) AS INTEGER) AS n FROM plan_indicator WHERE ${CITY} AND period LIKE '2026%'`,
    );
    expect(await page.locator('[data-testid=economy-compare] tbody tr').count()).toBe(Number(regions.n));
    await shot('economy');
    await page.locator('[data-testid=lang-toggle]').click();
    await expect.poll(() => text('h1')).toBe('Economic work');
    await shot('economy-en');
    await page.locator('[data-testid=lang-toggle]').click();
  });
});
