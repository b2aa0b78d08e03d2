/**
 * End to end: the administration pages in Debian Chromium over the demo city (test/demo-context.ts).
 * The demo admin (city 临江市) signs in, finds their own sign-in in the audit trail, filters it,
 * exports it (one data.export row, the file only after the row), sees an export refused when it
 * cannot be recorded, and adds a user who then signs in with the one-time password. An analyst
 * sees no administration. Screenshots at 1440×900 go to test-results/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import type { AppContext } from '../server/core/context.ts';
import { ensureDemoUsers, issuedDemoAccount } from '../server/auth/demo-users.ts';
import { authDb } from '../server/auth/auth.db.ts';
import { base32Decode, hotp, totpStep } from '../server/auth/totp.ts';
import { login } from './e2e-login.ts';
import { openDemoContext } from './demo-context.ts';
import { SHOTS, hasChromium, launchChromium } from './browser.ts';

describe.skipIf(!hasChromium('admin e2e'))('administration pages in a browser', () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    ctx = await openDemoContext();
    app = await buildApp(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    await ensureDemoUsers(ctx);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, timezoneId: 'Asia/Shanghai' });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await login(page, base, 'admin');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
  });

  const shot = async (p: Page, name: string) => {
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.waitForTimeout(300);
    await p.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  const trail = () =>
    ctx.pg.transaction((tx) =>
      authDb(tx)
        .selectFrom('auth.audit_trail')
        .select(['seq', 'action', 'username', 'outcome', 'object_id', 'detail', 'occurred_at'])
        .orderBy('seq', 'desc')
        .execute(),
    );
  const rowsShown = () => page.locator('[data-testid=audit-rows] tbody tr');
  const cells = (key: string) => page.locator(`[data-testid=audit-rows] tbody td[data-key=${key}]`);

  it('shows the admin their own sign-in, newest first, in local time with UTC behind it', async () => {
    await page.locator('[data-nav="/admin/audit"]').click();
    await page.waitForSelector('[data-testid=audit-rows]');
    await page.waitForSelector('[data-testid=audit-chain] [data-ok=true]');
    const rows = await trail();
    // The demo admin covers the whole demo deployment: every row is theirs to see.
    await expect
      .poll(async () => (await page.locator('[data-testid=audit-range]').innerText()).trim())
      .toBe(`第 1–${Math.min(50, rows.length)} 条，共 ${rows.length.toLocaleString()} 条`);
    const mine = rows.find((r) => r.action === 'auth.login' && r.outcome === 'success' && r.username === 'admin')!;
    const utc = mine.occurred_at.toISOString();
    const cell = page.locator(`[data-testid=audit-rows] td[data-key=local][title="UTC ${utc}"]`);
    await expect.poll(() => cell.count()).toBeGreaterThan(0);
    // Shanghai is UTC+8 (the browser's zone here), and the header says so.
    const local = new Date(mine.occurred_at.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    expect((await cell.first().innerText()).trim()).toBe(local);
    expect(await page.locator('[data-testid=audit-rows] th').first().innerText()).toContain('UTC+08:00');
    await shot(page, 'admin-audit');
  });

  it('filters by action and user', async () => {
    await page.locator('[data-filter=action]').selectOption('auth.login');
    await page.locator('[data-filter=username]').fill('admin');
    await page.locator('[data-testid=audit-search]').click();
    await page.waitForURL(/action=auth.login/);
    const want = (await trail()).filter((r) => r.action === 'auth.login' && r.username === 'admin');
    await expect.poll(() => rowsShown().count()).toBe(want.length);
    expect(new Set(await cells('username').allInnerTexts())).toEqual(new Set(['admin']));
    const actions = await cells('action').evaluateAll((tds) => tds.map((td) => td.getAttribute('title')));
    expect(new Set(actions)).toEqual(new Set(['auth.login']));
    await shot(page, 'admin-audit-filtered');
  });

  it('records the export of the table before the file is made, one row per export', async () => {
    const before = (await trail()).filter((r) => r.action === 'data.export').length;
    const shown = await rowsShown().count();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('section.panel [data-export=csv]').click()]);
    const csv = fs
      .readFileSync(await download.path(), 'utf8')
      .slice(1)
      .trimEnd()
      .split('\r\n');
    expect(csv).toHaveLength(shown + 1);
    const exports = (await trail()).filter((r) => r.action === 'data.export');
    expect(exports.length - before).toBe(1);
    expect(exports[0]).toMatchObject({
      username: 'admin',
      object_id: '/admin/audit#audit-trail',
      detail: { format: 'csv', rows: shown, filters: { action: 'auth.login', username: 'admin', region: '990100' } },
    });

    // The admins see it on the page.
    await page.goto(`${base}/admin/audit?action=data.export`);
    await page.waitForSelector('[data-testid=audit-rows]');
    await expect.poll(() => rowsShown().count()).toBe(exports.length);
    expect((await cells('object').first().innerText()).trim()).toBe('table: /admin/audit#audit-trail');
  });

  it('refuses the export when it cannot be recorded, saying why when the server said why', async () => {
    const before = (await trail()).filter((r) => r.action === 'data.export').length;
    let downloads = 0;
    page.on('download', () => downloads++);
    const failed = page.locator('[data-testid=export-failed]');
    await page.route('**/api/auth/audit-trail/exports', (route) => route.fulfill({ status: 503, body: '{}' }));
    await page.locator('section.panel [data-export=xlsx]').click();
    await expect.poll(async () => (await failed.innerText()).trim()).toBe('导出未能记入审计日志，已取消，请稍后重试。');
    await page.unroute('**/api/auth/audit-trail/exports');
    const limited = 'Too many requests; wait a minute. / 请求过于频繁，请稍后再试。';
    await page.route('**/api/auth/audit-trail/exports', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'rate_limited', message: limited, requestId: 'req-429' }),
      }),
    );
    await page.locator('section.panel [data-export=csv]').click();
    await expect.poll(() => failed.locator('.rid').innerText()).toBe('#req-429');
    expect((await failed.innerText()).replace('#req-429', '').trim()).toBe(`导出未能记入审计日志，已取消：${limited}`);
    await page.unroute('**/api/auth/audit-trail/exports');
    expect(downloads).toBe(0);
    expect((await trail()).filter((r) => r.action === 'data.export').length).toBe(before);
    await shot(page, 'admin-audit-export-refused');
  });

  it('adds a user with a generated password shown once; the user must change it at first sign-in', async () => {
    await page.locator('[data-nav="/admin/users"]').click();
    await page.waitForSelector('[data-testid=users] tr[data-username=admin]');
    await page.locator('[data-field=username]').fill('e2e-clerk');
    await page.locator('[data-field=displayName]').fill('王五');
    await page.locator('[data-field=role]').selectOption('analyst');
    await page.locator('[data-field=region]').selectOption('990102');
    // A typed password does not outlive its use: not after a refused create, not after a switch to "generate".
    const typed = page.locator('[data-field=password]');
    await page.locator('[data-field=typed]').check();
    await typed.fill('xx-e2e-clerk-2026X');
    await page.locator('[data-testid=add-user-submit]').click();
    await page.locator('[data-testid=add-user] [role=alert]').waitFor();
    expect(await typed.inputValue()).toBe('');
    await typed.fill('Kx9#mT2v!qLp7w');
    await page.locator('[data-field=generate]').check();
    await page.locator('[data-field=typed]').check();
    expect(await typed.inputValue()).toBe('');
    await page.locator('[data-field=generate]').check();
    await page.locator('[data-testid=add-user-submit]').click();
    const password = (await page.locator('[data-testid=one-time-value]').innerText()).trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    const row = page.locator('[data-testid=users] tr[data-username=e2e-clerk]');
    await row.waitFor();
    expect(await row.locator('[data-status]').evaluateAll((b) => b.map((x) => x.getAttribute('data-status')))).toEqual([
      'active',
      'pending',
    ]);
    const created = (await trail()).find((r) => r.action === 'user.create')!;
    expect(created).toMatchObject({ username: 'admin', detail: { username: 'e2e-clerk', role: 'analyst', regionCode: '990102' } });
    await shot(page, 'admin-users');

    // The new user signs in with it and is asked for a new password first.
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p2 = await other.newPage();
    await p2.goto(`${base}/login`);
    await p2.locator('[data-testid=login-username]').fill('e2e-clerk');
    await p2.locator('[data-testid=login-password]').fill(password);
    await p2.locator('[data-testid=login-submit]').click();
    await p2.waitForSelector('[data-testid=password-change]');
    await other.close();
  });

  it('resets a password (shown once) and disables an account', async () => {
    page.once('dialog', (d) => void d.accept());
    const row = page.locator('[data-testid=users] tr[data-username=e2e-clerk]');
    await page.locator('[data-testid=one-time-password] button').last().click();
    await row.locator('[data-act=reset]').click();
    await page.waitForSelector('[data-testid=one-time-password]');
    expect((await trail())[0]).toMatchObject({ action: 'user.reset_password', username: 'admin' });
    page.once('dialog', (d) => void d.accept());
    await row.locator('[data-act=disable]').click();
    await row.locator('[data-status=disabled]').waitFor();
    expect((await trail())[0]).toMatchObject({ action: 'user.disable', username: 'admin' });
  });

  it('shows no administration to an analyst, who enrols an authenticator from the user menu', async () => {
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p2 = await other.newPage();
    await login(p2, base, 'analyst');
    expect(await p2.locator('[data-nav="/admin/audit"]').count()).toBe(0);
    await p2.goto(`${base}/admin/audit`);
    await p2.waitForSelector('.denied');
    expect(await p2.locator('[data-testid=audit-rows]').count()).toBe(0);

    await p2.locator('[data-testid=totp-open]').click();
    await p2.locator('[data-testid=totp-start]').click();
    const secret = (await p2.locator('[data-testid=totp-secret]').getAttribute('data-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await shot(p2, 'totp-enrol');
    // The code of the current step; the server takes the previous, current and next step and
    // remembers the one used, so no later sign-in can replay it.
    const key = base32Decode(secret);
    const enrolStep = totpStep(new Date());
    await p2.locator('[data-testid=totp-code]').fill(hotp(key, enrolStep));
    await p2.locator('[data-testid=totp-confirm]').click();
    await p2.waitForSelector('[data-testid=totp-done]');
    expect((await trail()).find((r) => r.action === 'auth.totp_enrol')).toMatchObject({ username: 'analyst', outcome: 'success' });
    await other.close();

    // Signing in now asks for the code. It must be of a step after the one used to confirm, and
    // within one step of the server's clock when it arrives: the step after the enrolment's if we are
    // still in that step (the server takes it as "next"), else the current one (taken as "current",
    // or as "previous" should a step boundary pass before the request lands). Computed just before
    // it is submitted, on the clock the server reads too, so a boundary passing meanwhile does not
    // get it refused.
    const third = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p3 = await third.newPage();
    const account = issuedDemoAccount('analyst')!;
    await p3.goto(`${base}/login`);
    await p3.locator('[data-testid=login-username]').fill(account.username);
    await p3.locator('[data-testid=login-password]').fill(account.password);
    await p3.locator('[data-testid=login-submit]').click();
    const totpField = p3.locator('[data-testid=login-totp]');
    await totpField.waitFor();
    const signInStep = [enrolStep + 1n, totpStep(new Date())].reduce((a, b) => (a > b ? a : b));
    await totpField.fill(hotp(key, signInStep));
    await p3.locator('[data-testid=login-submit]').click();
    await p3.waitForSelector('[data-testid=user-menu]');
    expect(await p3.locator('[data-testid=totp-open]').innerText()).toContain('✓');
    await third.close();
  });
});
