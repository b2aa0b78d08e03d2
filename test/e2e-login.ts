/**
 * Signing in a browser test through the real login page. Call `ensureDemoUsers(ctx)` (server/auth/
 * demo-users.ts) in the same process first: `login` uses the demo account of the role (admin,
 * analyst, auditor, observer at the city 990100; deputy at the district 990102).
 */
import type { Page } from 'playwright-core';
import type { AppContext } from '../server/core/context.ts';
import { issuedDemoAccount } from '../server/auth/demo-users.ts';
import type { Role } from '../server/auth/auth.types.ts';
import { seedPgRegions } from '../server/auth/testing.ts';

export async function login(page: Page, baseUrl: string, role: Role | string): Promise<void> {
  const account = issuedDemoAccount(role);
  if (!account) throw new Error(`no demo account for "${role}": call ensureDemoUsers(ctx) first`);
  await page.goto(`${baseUrl}/login`);
  await page.locator('[data-testid=login-username]').fill(account.username);
  await page.locator('[data-testid=login-password]').fill(account.password);
  await page.locator('[data-testid=login-submit]').click();
  await page.waitForSelector('[data-testid=user-menu]', { timeout: 20_000 });
}

/**
 * Copies DuckDB's region table into Postgres, where a session's scope is computed — for tests
 * that write regions straight into DuckDB instead of loading them through the ETL.
 */
export async function syncRegionsToPg(ctx: AppContext): Promise<void> {
  const rows = await ctx.duck.all<{ code: string; name: string; parent_code: string | null; level: string }>(
    `SELECT code, any_value(name) AS name, any_value(parent_code) AS parent_code, any_value(level) AS level FROM region GROUP BY code
      ORDER BY any_value(parent_code) NULLS FIRST, code`,
  );
  await seedPgRegions(
    ctx.pg,
    rows.map((r) => ({ code: r.code, name: r.name, parent: r.parent_code, level: r.level })),
  );
}
