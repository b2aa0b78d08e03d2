/**
 * HTTP hardening of the whole app (server/auth/hardening.ts): security headers and a CSP that
 * allows exactly the built page's inline bootstrap script, 413 on oversized bodies, 400 on
 * unknown properties, 429 past the rate limits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, WEB_BUILD_DIR } from '../server/app.ts';
import { loadConfig } from '../server/core/config.ts';
import type { AppContext } from '../server/core/context.ts';
import { inlineScriptHashes } from '../server/auth/hardening.ts';
import { seedPgRegions, signIn } from '../server/auth/testing.ts';
import { openTestDuck, pgTargets } from './db.ts';

describe('HTTP hardening', () => {
  let app: FastifyInstance;
  let ctx: AppContext;
  beforeAll(async () => {
    const pg = await pgTargets()[0]!.open();
    const duck = await openTestDuck();
    await seedPgRegions(pg);
    ctx = { config: loadConfig({}), pg, duck, close: async () => (await duck.close(), await pg.close()) };
    app = await buildApp(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('sends a CSP whose script-src allows only self and the hashes of the built inline scripts', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const index = path.join(WEB_BUILD_DIR, 'index.html');
    if (fs.existsSync(index)) {
      const hashes = inlineScriptHashes(fs.readFileSync(index, 'utf8'));
      expect(hashes.length).toBeGreaterThan(0);
      for (const h of hashes) expect(scriptSrc).toContain(h);
      const page = await app.inject({ method: 'GET', url: '/budget' });
      expect(page.headers['content-security-policy']).toBe(csp);
    }
  });

  it('answers 413 to a body over the limit and 400 to unknown properties', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(Object.keys(big.json()).sort()).toEqual(['code', 'message', 'requestId']);
    const extra = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'abc', password: 'x', role: 'admin' } });
    expect(extra.statusCode).toBe(400);
    const { headers } = await signIn(app, { role: 'analyst', regionCode: '990100' });
    const w = await app.inject({ method: 'POST', url: '/api/warnings/1/comments', headers, payload: { text: 'x', admin: true } });
    expect(w.statusCode).toBe(400);
  });

  it("answers a URL the router refuses (bad percent-encoding, an over-long path parameter) in the error handler's shape", async () => {
    // Over maxParamLength the router answers 414 — or 404 where the dashboard's catch-all route
    // (served when web/build exists) takes the URL instead; both apps are checked.
    const apiOnly = await buildApp(ctx, { web: false });
    try {
      for (const [a, url, status] of [
        [app, '/api/warnings/%E0%A4%A', 400],
        [apiOnly, '/api/warnings/%E0%A4%A', 400],
        [apiOnly, `/api/warnings/${'9'.repeat(500)}`, 414],
        [app, `/api/warnings/${'9'.repeat(500)}`, fs.existsSync(path.join(WEB_BUILD_DIR, 'index.html')) ? 404 : 414],
      ] as const) {
        const res = await a.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(status);
        expect(Object.keys(res.json()).sort(), url).toEqual(['code', 'message', 'requestId']);
        // Fastify's own refusals quoted the URL; the 404 names the route asked for, as every 404 does.
        if (status !== 404) expect(res.body, url).not.toContain(url);
      }
    } finally {
      await apiOnly.close();
    }
  });

  it('refuses a number that is not finite in a query (Ajv coerces "Infinity" past minimum and maximum) with 400', async () => {
    const { headers } = await signIn(app, { role: 'analyst', regionCode: '990100' });
    for (const url of [
      '/api/warnings?page=Infinity',
      '/api/warnings?pageSize=-Infinity',
      `/api/economy/indicators?region=990100&year=${'9'.repeat(400)}`,
    ]) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation' });
    }
  });

  it('rate-limits the warning run per client address', async () => {
    const { headers } = await signIn(app, { role: 'analyst', regionCode: '990102' });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      // An empty DuckDB: each run is quick and fires nothing.
      codes.push((await app.inject({ method: 'POST', url: '/api/warnings/run', headers, payload: { region: '990102' } })).statusCode);
    }
    expect(codes.slice(0, 6).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });

  it("scales the expensive routes' limits by CAIJIAN_RATE_LIMIT_PERCENT", async () => {
    const half = await buildApp({ ...ctx, config: loadConfig({ CAIJIAN_RATE_LIMIT_PERCENT: '50' }) }, { web: false });
    try {
      const { headers } = await signIn(half, { role: 'analyst', regionCode: '990102', username: 'half-rate' });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          (
            await half.inject({
              method: 'POST',
              url: '/api/warnings/run',
              headers,
              payload: { region: '990102' },
              remoteAddress: '10.9.9.9',
            })
          ).statusCode,
        );
      // 6 a minute listed, 50 %: the fourth is refused.
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await half.close();
    }
    expect(() => loadConfig({ CAIJIAN_RATE_LIMIT_PERCENT: '5' })).toThrow(/CAIJIAN_RATE_LIMIT_PERCENT must be an integer 10–10000/);
  });
});
