/**
 * Authorization matrix (issue 5): every registered /api route × every role × 4 scopes — own
 * district, sibling district, parent city, other city — for a user of the district 江北区 990102.
 * The routes come from Fastify itself (`app.apiRoutes`, filled by the onRoute hook of
 * server/auth/access.ts), so a route added later without a row here fails the test.
 *
 * Expected outcome of a cell:
 * - a role outside the route's roles → 403;
 * - a region filter outside the user's scope → 403; a record by id outside it → 404;
 * - otherwise 2xx (`ok`), or for the few cells whose business outcome is not the point (a TOTP
 *   code nobody can know) anything but 401/403/404 (`pass`).
 * Counted: unexpected 2xx (access that should have been refused) and unexpected 403 (refusal of
 * access that should have been granted). Runs on PGlite and, with DATABASE_URL, a server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/core/config.ts';
import type { AppContext } from '../server/core/context.ts';
import { accessFor } from '../server/auth/access.ts';
import { ROLES, type Role } from '../server/auth/auth.types.ts';
import { authService } from '../server/auth/auth.service.ts';
import { TEST_PASSWORD, seedPgRegions, signIn, sessionCookie } from '../server/auth/testing.ts';
import { seedAnalytics } from './analytics-seed.ts';
import { openTestDuck, pgTargets } from './db.ts';
import { insertTestWarning, startTestRun } from './warning-seed.ts';

const HOME = '990102';
const SCOPES = { own: '990102', sibling: '990101', parent: '990100', other: '880100' } as const;
type ScopeName = keyof typeof SCOPES;

type Expect = 'ok' | 'pass' | 'forbidden' | 'hidden';
interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: unknown;
  anonymous?: boolean;
}
interface Fixture {
  region: string;
  warningId: string;
  userId: string;
  warningVersion: () => Promise<number>;
}
interface Spec {
  /** none: the route takes no region (same answer in every scope); filter: region in the request; id: a record of that region. */
  kind: 'none' | 'filter' | 'id';
  build(f: Fixture, me: { username: string; role: Role }): Request | Promise<Request>;
  /** When the allowed, in-scope call cannot be a 2xx by design. */
  allowed?: Expect;
  /** Undo what the call did (a logout ends the session; a password change is reverted). */
  after?: 'relogin' | 'password-back';
}

const NEW_PASSWORD = 'Another-Battery-Staple-7';
let userSeq = 0;

const SPECS: Record<string, Spec> = {
  'GET /api/health': { kind: 'none', build: () => ({ method: 'GET', url: '/api/health' }) },
  'GET /api/system/status': { kind: 'none', build: () => ({ method: 'GET', url: '/api/system/status' }) },
  'POST /api/auth/login': {
    kind: 'none',
    build: (_f, me) => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: me.username, password: TEST_PASSWORD },
      anonymous: true,
    }),
  },
  'POST /api/auth/logout': { kind: 'none', build: () => ({ method: 'POST', url: '/api/auth/logout', payload: {} }), after: 'relogin' },
  'GET /api/auth/me': { kind: 'none', build: () => ({ method: 'GET', url: '/api/auth/me' }) },
  'POST /api/auth/password': {
    kind: 'none',
    build: () => ({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } }),
    after: 'password-back',
  },
  'POST /api/auth/totp/setup': { kind: 'none', build: () => ({ method: 'POST', url: '/api/auth/totp/setup', payload: {} }) },
  // A code from the authenticator cannot be known here: the point is that the caller gets past authorization (400, not 403).
  'POST /api/auth/totp/confirm': {
    kind: 'none',
    build: () => ({ method: 'POST', url: '/api/auth/totp/confirm', payload: { code: '000000' } }),
    allowed: 'pass',
  },
  'GET /api/auth/users': { kind: 'none', build: () => ({ method: 'GET', url: '/api/auth/users' }) },
  'POST /api/auth/users': {
    kind: 'filter',
    build: (f) => ({
      method: 'POST',
      url: '/api/auth/users',
      payload: { username: `m-new-${++userSeq}`, role: 'observer', regionCode: f.region },
    }),
  },
  'POST /api/auth/users/:id/disable': {
    kind: 'id',
    build: (f) => ({ method: 'POST', url: `/api/auth/users/${f.userId}/disable`, payload: {} }),
  },
  'POST /api/auth/users/:id/enable': {
    kind: 'id',
    build: (f) => ({ method: 'POST', url: `/api/auth/users/${f.userId}/enable`, payload: {} }),
  },
  'POST /api/auth/users/:id/unlock': {
    kind: 'id',
    build: (f) => ({ method: 'POST', url: `/api/auth/users/${f.userId}/unlock`, payload: {} }),
  },
  'POST /api/auth/users/:id/reset-password': {
    kind: 'id',
    build: (f) => ({ method: 'POST', url: `/api/auth/users/${f.userId}/reset-password`, payload: {} }),
  },
  'GET /api/auth/audit-trail': {
    kind: 'filter',
    build: (f) => ({ method: 'GET', url: `/api/auth/audit-trail?region=${f.region}&limit=5` }),
  },
  'GET /api/auth/audit-trail/verify': { kind: 'none', build: () => ({ method: 'GET', url: '/api/auth/audit-trail/verify' }) },
  'POST /api/auth/audit-trail/exports': {
    kind: 'filter',
    build: (f) => ({
      method: 'POST',
      url: '/api/auth/audit-trail/exports',
      payload: { page: '/debt', table: 'debt-positions', format: 'csv', rows: 3, filters: { region: f.region, year: '2026' } },
    }),
  },
  'GET /api/analytics/aggregate': {
    kind: 'filter',
    build: (f) => ({ method: 'GET', url: `/api/analytics/aggregate?region=${f.region}&cut=year:2026&drilldown=department` }),
  },
  'GET /api/analytics/facts': {
    kind: 'filter',
    build: (f) => ({ method: 'GET', url: `/api/analytics/facts?region=${f.region}&cut=year:2026` }),
  },
  'GET /api/analytics/meta': { kind: 'filter', build: (f) => ({ method: 'GET', url: `/api/analytics/meta?region=${f.region}` }) },
  'GET /api/debt/positions': { kind: 'filter', build: (f) => ({ method: 'GET', url: `/api/debt/positions?region=${f.region}&year=2026` }) },
  'GET /api/debt/maturity': { kind: 'filter', build: (f) => ({ method: 'GET', url: `/api/debt/maturity?region=${f.region}` }) },
  'GET /api/debt/bonds': { kind: 'filter', build: (f) => ({ method: 'GET', url: `/api/debt/bonds?region=${f.region}` }) },
  'GET /api/warnings': { kind: 'filter', build: (f) => ({ method: 'GET', url: `/api/warnings?region=${f.region}` }) },
  'GET /api/warnings/:id': { kind: 'id', build: (f) => ({ method: 'GET', url: `/api/warnings/${f.warningId}` }) },
  'GET /api/warnings/:id/evidence': { kind: 'id', build: (f) => ({ method: 'GET', url: `/api/warnings/${f.warningId}/evidence` }) },
  'POST /api/warnings/:id/status': {
    kind: 'id',
    build: async (f) => ({
      method: 'POST',
      url: `/api/warnings/${f.warningId}/status`,
      payload: { status: 'acknowledged', expectedVersion: await f.warningVersion() },
    }),
  },
  'POST /api/warnings/:id/assignee': {
    kind: 'id',
    build: async (f) => ({
      method: 'POST',
      url: `/api/warnings/${f.warningId}/assignee`,
      payload: { assignee: 'someone', expectedVersion: await f.warningVersion() },
    }),
  },
  'POST /api/warnings/:id/comments': {
    kind: 'id',
    build: (f) => ({ method: 'POST', url: `/api/warnings/${f.warningId}/comments`, payload: { text: '请说明原因' } }),
  },
  'POST /api/warnings/run': { kind: 'filter', build: (f) => ({ method: 'POST', url: '/api/warnings/run', payload: { region: f.region } }) },
  'GET /api/warning-rules': { kind: 'filter', build: (f) => ({ method: 'GET', url: `/api/warning-rules?region=${f.region}` }) },
  'PUT /api/warning-rules/:ruleId/params': {
    kind: 'filter',
    build: (f) => ({ method: 'PUT', url: '/api/warning-rules/R12/params', payload: { region: f.region, params: { low_pct: '11' } } }),
  },
  'GET /api/warning-rules/:ruleId/params/history': {
    kind: 'filter',
    build: (f) => ({ method: 'GET', url: `/api/warning-rules/R12/params/history?region=${f.region}` }),
  },
};

/** Swagger UI and the OpenAPI document: public, no region. */
function docsSpec(url: string): Spec {
  const concrete = url.replace(/\*$/, 'swagger-ui.css').replace(/:([a-z]+)/g, 'x');
  return { kind: 'none', build: () => ({ method: 'GET', url: concrete }), allowed: 'pass' };
}

/**
 * A GET route of another domain whose querystring names a `region`: filled from its schema (the
 * region of the scope, 2026 for a year, the first value of an enum, a schema-valid placeholder
 * otherwise). In scope it must get past authorization; outside, 403.
 */
function derivedRegionSpec(url: string, qs: TSchema | undefined): Spec | undefined {
  const props = (qs as { properties?: Record<string, TSchema & Record<string, unknown>> } | undefined)?.properties;
  const required = new Set((qs as { required?: string[] } | undefined)?.required ?? []);
  if (!props || !('region' in props) || url.includes(':')) return undefined;
  const sample = (name: string, s: Record<string, unknown>): string => {
    if (name === 'year') return '2026';
    if (Array.isArray(s.anyOf)) return String((s.anyOf[0] as { const?: unknown }).const ?? '');
    if (s.const !== undefined) return String(s.const);
    if (s.type === 'integer' || s.type === 'number') return String(Math.max(Number(s.minimum ?? 1), 1));
    if (s.format === 'date') return '2026-06-30';
    return 'P1';
  };
  return {
    kind: 'filter',
    allowed: 'pass',
    build: (f) => {
      const q = new URLSearchParams({ region: f.region });
      for (const [k, s] of Object.entries(props)) if (k !== 'region' && required.has(k)) q.set(k, sample(k, s));
      return { method: 'GET', url: `${url}?${q}` };
    },
  };
}

describe.each(pgTargets())('authorization matrix on $name', (target) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  const sessions = new Map<Role, Record<string, string>>();
  const fixtures = new Map<ScopeName, Fixture>();
  let ip = 0;

  const relogin = async (role: Role) => {
    sessions.set(role, (await signIn(app, { role, regionCode: HOME, username: `m-${role}` })).headers);
  };

  beforeAll(async () => {
    const pg = await target.open();
    const duck = await openTestDuck();
    await seedAnalytics(duck);
    await duck.run(`INSERT INTO region VALUES ('990101', '江东区', '990100', 'district', 1), ('880100', '远山市', NULL, 'city', 1);
      INSERT INTO project VALUES ('990102', 'P1', '江北区幼儿园', '205001', '2050201', 'general', 2026, NULL, 1)`);
    await seedPgRegions(pg);
    // Many sign-ins from one test address: the login limit is not what this test is about.
    const config = loadConfig({ CAIJIAN_LOGIN_RATE_LIMIT: '10000' });
    ctx = { config, pg, duck, close: async () => (await duck.close(), await pg.close()) };
    app = await buildApp(ctx, { web: false });
    for (const role of ROLES) await relogin(role);

    // One warning and one account in each scope's region.
    const runId = await startTestRun(pg);
    const service = authService(ctx);
    for (const [name, region] of Object.entries(SCOPES) as [ScopeName, string][]) {
      const warningId = await insertTestWarning(pg, {
        runId,
        fingerprint: region.padEnd(40, '0'),
        region,
        subjectId: 'general',
        subjectName: '一般债务',
      });
      const u = await service.createUser(null, {
        username: `m-target-${region}`,
        role: 'observer',
        regionCode: region,
        password: TEST_PASSWORD,
      });
      fixtures.set(name, {
        region,
        warningId,
        userId: u.user.id,
        warningVersion: async () =>
          Number(
            (await pg.withConnection((tx) => tx.query<{ v: number }>(`SELECT version AS v FROM warning WHERE id = $1`, [warningId])))
              .rows[0]!.v,
          ),
      });
    }
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('covers every registered route and finds 0 unexpected 2xx and 0 unexpected 403', async () => {
    const routes = app.apiRoutes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    const specs = new Map<string, Spec>();
    const missing: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      let spec = SPECS[key];
      if (!spec && r.url.startsWith('/api/docs')) spec = docsSpec(r.url);
      if (!spec && r.method === 'GET') spec = derivedRegionSpec(r.url, r.schema?.querystring as TSchema | undefined);
      if (spec) specs.set(key, spec);
      else missing.push(key);
    }
    expect(missing, 'routes without a row in the authorization matrix').toEqual([]);

    let cells = 0;
    const unexpected2xx: string[] = [];
    const unexpected403: string[] = [];
    const otherMismatch: string[] = [];
    for (const [key, spec] of specs) {
      const [method, url] = key.split(' ') as [string, string];
      const access = accessFor(method, url);
      for (const role of ROLES) {
        for (const scope of Object.keys(SCOPES) as ScopeName[]) {
          cells++;
          const f = fixtures.get(scope)!;
          const req = await spec.build(f, { username: `m-${role}`, role });
          let want: Expect;
          if (access !== 'public' && access.roles && !access.roles.includes(role)) want = 'forbidden';
          else if (spec.kind === 'none' || scope === 'own') want = spec.allowed ?? 'ok';
          else want = spec.kind === 'id' ? 'hidden' : 'forbidden';
          const res = await app.inject({
            method: req.method,
            url: req.url,
            payload: req.payload as object | undefined,
            headers: req.anonymous ? {} : sessions.get(role),
            // A client address per request: the matrix is about authorization, not the rate limits.
            remoteAddress: `10.${(++ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
          });
          const s = res.statusCode;
          const cell = `${key} as ${role} (${scope}) → ${s}, expected ${want}: ${res.body.slice(0, 160)}`;
          const is2xx = s >= 200 && s < 300;
          if (is2xx && (want === 'forbidden' || want === 'hidden')) unexpected2xx.push(cell);
          else if (s === 403 && want !== 'forbidden') unexpected403.push(cell);
          else if (want === 'ok' && !is2xx) otherMismatch.push(cell);
          else if (want === 'pass' && [401, 403, 404].includes(s)) otherMismatch.push(cell);
          else if (want === 'hidden' && s !== 404) otherMismatch.push(cell);
          else if (want === 'forbidden' && s !== 403) otherMismatch.push(cell);
          if (spec.after === 'relogin' && is2xx) await relogin(role);
          if (spec.after === 'password-back' && is2xx) {
            const back = await app.inject({
              method: 'POST',
              url: '/api/auth/password',
              payload: { currentPassword: NEW_PASSWORD, newPassword: TEST_PASSWORD },
              headers: sessions.get(role),
            });
            expect(back.statusCode, back.body).toBe(200);
          }
        }
      }
    }
    console.log(
      `authorization matrix (${target.name}): ${specs.size} routes × ${ROLES.length} roles × 4 scopes = ${cells} cells; ` +
        `unexpected 2xx ${unexpected2xx.length}, unexpected 403 ${unexpected403.length}, other mismatches ${otherMismatch.length}`,
    );
    expect(unexpected2xx).toEqual([]);
    expect(unexpected403).toEqual([]);
    expect(otherMismatch).toEqual([]);
  });

  it('refuses every protected route without a session (401) and with a session but no CSRF token on a state change (403)', async () => {
    for (const r of app.apiRoutes) {
      if (r.access === 'public' || r.method === 'HEAD' || r.method === 'OPTIONS') continue;
      const url = r.url.replace(/:([a-zA-Z]+)/g, '1');
      const anon = await app.inject({ method: r.method as 'GET', url, remoteAddress: '10.200.0.1' });
      expect(anon.statusCode, `${r.method} ${r.url}`).toBe(401);
      if (r.method !== 'GET') {
        const cookie = sessionCookie({ headers: { 'set-cookie': sessions.get('admin')!.cookie } })!;
        const noCsrf = await app.inject({ method: r.method as 'POST', url, headers: { cookie }, payload: {}, remoteAddress: '10.200.0.2' });
        expect(noCsrf.statusCode, `${r.method} ${r.url}`).toBe(403);
      }
    }
  });
});
