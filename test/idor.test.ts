/**
 * Cross-region access (IDOR), property-based: users of a district, of a city and of another city
 * ask for warnings by id, lists and aggregates with arbitrary ids and region filters; no response
 * may carry a row of a region outside the asker's scope (fast-check, 10 000 runs).
 *
 * Pool leak: requests of two district users alternate over a small pool; since the region scope
 * and the role are SET LOCAL in each transaction, no response may carry the other district's rows
 * — checked through the HTTP routes and through row-level security alone (queries without any
 * WHERE on the region, so only the transaction's setting filters them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/core/config.ts';
import type { AppContext } from '../server/core/context.ts';
import type { Postgres } from '../server/core/pg.ts';
import { APP_ROLE, SCOPE_SETTING } from '../server/auth/region-scope.ts';
import { TEST_REGIONS, seedPgRegions, signIn } from '../server/auth/testing.ts';
import { seedAnalytics } from './analytics-seed.ts';
import { openTestDuck, pgTargets } from './db.ts';
import { insertTestWarning, startTestRun } from './warning-seed.ts';

const REGIONS = TEST_REGIONS.map((r) => r.code).filter((c) => c !== '990000');
const USERS = [
  { name: 'district', regionCode: '990102', scope: ['990102'] },
  { name: 'sibling', regionCode: '990101', scope: ['990101'] },
  { name: 'city', regionCode: '990100', scope: ['990100', '990101', '990102'] },
  { name: 'other-city', regionCode: '880100', scope: ['880100', '880101'] },
] as const;

describe.each(pgTargets())('cross-region access on $name', (target) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  const headers = new Map<string, Record<string, string>>();
  const ids: string[] = [];

  beforeAll(async () => {
    const pg = await target.open();
    const duck = await openTestDuck();
    await seedAnalytics(duck);
    await duck.run(`INSERT INTO region VALUES ('990101', '江东区', '990100', 'district', 1), ('880100', '远山市', NULL, 'city', 1),
      ('880101', '远山区', '880100', 'district', 1);
      INSERT INTO payment VALUES ('880101', 2026, '2026-02-01', 'F1', 'X', NULL, '2050201', '30201', 'general', '王五', 'individual', 5.00, 1),
        ('990101', 2026, '2026-02-01', 'S1', 'Y', NULL, '2050201', '30201', 'general', '赵六', 'individual', 7.00, 1)`);
    await seedPgRegions(pg);
    ctx = {
      config: loadConfig({ CAIJIAN_LOGIN_RATE_LIMIT: '10000' }),
      pg,
      duck,
      close: async () => (await duck.close(), await pg.close()),
    };
    app = await buildApp(ctx, { web: false });
    for (const u of USERS) {
      headers.set(u.name, (await signIn(app, { role: 'analyst', regionCode: u.regionCode, username: `idor-${u.name}` })).headers);
    }
    const runId = await startTestRun(pg);
    // Eight warnings in each region.
    let n = 0;
    for (const region of REGIONS) {
      for (let i = 0; i < 8; i++) {
        ids.push(await insertTestWarning(pg, { runId, fingerprint: String(++n).padStart(40, '0'), region, subjectId: `s${i}` }));
      }
    }
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('never returns a row of a region outside the scope (fast-check, 10 000 runs)', async () => {
    let foreign = 0;
    let requests = 0;
    const statuses = new Map<number, number>();
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('byId' as const),
        id: fc.oneof(fc.constantFrom(...ids), fc.integer({ min: 1, max: 10_000 }).map(String)),
      }),
      fc.record({
        kind: fc.constant('list' as const),
        region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
        page: fc.integer({ min: 1, max: 4 }),
      }),
      fc.record({ kind: fc.constant('aggregate' as const), region: fc.constantFrom(...REGIONS), subregions: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...USERS), op, async (user, o) => {
        const url =
          o.kind === 'byId'
            ? `/api/warnings/${o.id}`
            : o.kind === 'list'
              ? `/api/warnings?pageSize=20&page=${o.page}${o.region ? `&region=${o.region}` : ''}`
              : `/api/analytics/aggregate?region=${o.region}&subregions=${o.subregions}&cube=payments&drilldown=region&measures=executed`;
        requests++;
        // A client address per request: the rate limits are not what this test is about.
        const remoteAddress = `10.${(requests >> 16) & 255}.${(requests >> 8) & 255}.${requests & 255}`;
        const res = await app.inject({ method: 'GET', url, headers: headers.get(user.name), remoteAddress });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const scope: readonly string[] = user.scope;
        const body = res.json() as { region_code?: string; items?: { region_code: string }[]; cells?: { region?: string }[] };
        const seen = [body.region_code, ...(body.items ?? []).map((i) => i.region_code), ...(body.cells ?? []).map((c) => c.region)];
        const out = seen.filter((r): r is string => typeof r === 'string' && !scope.includes(r));
        foreign += out.length;
        // Outside the scope: a filter is refused (403), a record is absent (404).
        if (o.kind === 'byId' && res.statusCode === 200) expect(scope).toContain(body.region_code);
        if (o.kind !== 'byId' && o.region && !scope.includes(o.region)) expect(res.statusCode).toBe(403);
        expect(res.statusCode).toBeLessThan(500);
        return out.length === 0;
      }),
      { numRuns: 10_000 },
    );
    console.log(
      `IDOR (${target.name}): ${requests} requests, ${foreign} foreign rows; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(foreign).toBe(0);
  }, 600_000);

  it('leaks no scope between requests alternating over a small pool', async () => {
    const a = headers.get('district')!;
    const b = headers.get('sibling')!;
    let wrong = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const [h, own] = i % 2 === 0 ? [a, '990102'] : [b, '990101'];
        const res = await app.inject({ method: 'GET', url: '/api/warnings?pageSize=50', headers: h });
        const items = (res.json() as { items: { region_code: string }[] }).items;
        return { own, status: res.statusCode, regions: items.map((x) => x.region_code) };
      }),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.regions).toHaveLength(8);
      wrong += r.regions.filter((x) => x !== r.own).length;
    }
    // Row-level security alone: no WHERE on the region, interleaved with owner queries on the same pool.
    const pg: Postgres = ctx.pg;
    const scoped = (scope: string) =>
      pg.scoped(async (q) => {
        await q(`SET LOCAL ROLE ${APP_ROLE}`);
        await q(`SELECT set_config($1, $2, true)`, [SCOPE_SETTING, scope]);
      });
    const rls = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        if (i % 3 === 2) {
          const all = await sql<{ region_code: string }>`SELECT region_code FROM warning`.execute(pg.db);
          return { own: null, regions: all.rows.map((x) => x.region_code) };
        }
        const own = i % 3 === 0 ? '990102' : '990101';
        // Half through Kysely (a transaction per checkout), half through an explicit transaction.
        const rows =
          i % 2 === 0
            ? (await sql<{ region_code: string }>`SELECT region_code FROM warning`.execute(scoped(own).db)).rows
            : (await scoped(own).transaction((tx) => tx.query<{ region_code: string }>(`SELECT region_code FROM warning`))).rows;
        return { own, regions: rows.map((x) => x.region_code) };
      }),
    );
    for (const r of rls) {
      if (r.own === null) expect(r.regions).toHaveLength(8 * REGIONS.length);
      else wrong += r.regions.filter((x) => x !== r.own).length;
    }
    console.log(`pool leak (${target.name}): ${results.length} HTTP + ${rls.length} direct requests, ${wrong} rows of the other district`);
    expect(wrong).toBe(0);
  });
});
