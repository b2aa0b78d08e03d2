/**
 * Test helpers for the auth module: an application context on a real database (PGlite or a
 * Postgres server), an auth service with a hand-moved clock, and a Fastify app with the auth
 * routes plus two protected probe routes. Used by the *.test.ts files only.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { loadConfig, type AuthConfig } from '../core/config.ts';
import type { AppContext } from '../core/context.ts';
import type { Duck } from '../core/duck.ts';
import { installErrorHandler } from '../core/errors.ts';
import type { Postgres } from '../core/pg.ts';
import { authRoutes } from './auth.routes.ts';
import { AuthService, authService, installAuthService } from './auth.service.ts';
import type { Role } from './auth.types.ts';
import { installAccessControl } from './access.ts';
import { installHardening } from './hardening.ts';

export const TEST_AUTH_CONFIG: AuthConfig = {
  trustProxy: false,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  passwordMaxAgeDays: 0,
  loginRateLimitPerMinute: 10_000,
  expensiveRateLimitPercent: 100,
  secretKey: undefined,
};

export class TestClock {
  constructor(public t = new Date('2026-03-01T08:00:00.000Z')) {}
  now = (): Date => new Date(this.t.getTime());
  advanceMinutes(m: number): void {
    this.t = new Date(this.t.getTime() + m * 60_000);
  }
}

export interface TestEnv {
  ctx: AppContext;
  pg: Postgres;
  clock: TestClock;
  service: AuthService;
  app: FastifyInstance;
}

export async function openTestEnv(pg: Postgres, auth: Partial<AuthConfig> = {}): Promise<TestEnv> {
  const config = {
    ...loadConfig({}, { dataDir: path.join(os.tmpdir(), `caijian-auth-${process.pid}`) }),
    auth: { ...TEST_AUTH_CONFIG, ...auth },
  };
  // The auth routes never touch DuckDB.
  const duck = undefined as unknown as Duck;
  const ctx: AppContext = { config, pg, duck, close: () => pg.close() };
  const clock = new TestClock();
  const service = new AuthService(pg, config.auth, crypto.randomBytes(32), clock.now);
  installAuthService(ctx, service);

  // The same validator options as buildApp (server/app.ts): unknown properties are refused, not stripped.
  const app = Fastify({
    trustProxy: config.auth.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('ctx', ctx);
  installErrorHandler(app);
  installAccessControl(app);
  await installHardening(app, { loginPerMinute: config.auth.loginRateLimitPerMinute });
  await app.register(authRoutes, { prefix: '/api' });
  await app.register(
    async (probe) => {
      probe.get('/probe/admin', { config: { access: { roles: ['admin'] } } }, async (req) => ({ user: req.user?.username }));
      probe.post('/probe/change', { config: { access: {} } }, async (req) => ({ user: req.user?.username }));
      probe.get('/probe/read', { config: { access: {} } }, async (req) => ({ scope: req.user?.regionScope }));
    },
    { prefix: '/api' },
  );
  await app.ready();
  return { ctx, pg, clock, service, app };
}

/** The session cookie ("name=value") a response set, if any. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const first = Array.isArray(raw) ? (raw[0] as string) : (raw as string | undefined);
  return first?.split(';')[0];
}

export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...extra } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  return { cookie: sessionCookie(res)!, csrf: (res.json() as { csrfToken: string }).csrfToken };
}

export function authHeaders(s: Session, csrf = true): Record<string, string> {
  return csrf ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : { cookie: s.cookie };
}

// ── Signing in to the whole application (buildApp) from other domains' tests ──

/** Test region hierarchy: two cities of one province, two districts each. */
export const TEST_REGIONS = [
  { code: '990000', name: '示例省', parent: null, level: 'province' },
  { code: '990100', name: '临江市', parent: '990000', level: 'city' },
  { code: '990101', name: '江东区', parent: '990100', level: 'district' },
  { code: '990102', name: '江北区', parent: '990100', level: 'district' },
  { code: '880100', name: '远山市', parent: '990000', level: 'city' },
  { code: '880101', name: '远山区', parent: '880100', level: 'district' },
] as const;

/**
 * Puts regions into Postgres's `region` table, where the session's scope is computed (DuckDB
 * has its own copy for the analytics). Codes already present are left alone.
 */
export async function seedPgRegions(
  pg: Postgres,
  regions: readonly { code: string; name: string; parent: string | null; level: string }[] = TEST_REGIONS,
): Promise<void> {
  await pg.transaction(async (tx) => {
    // Once per database: a kept data directory (bench:api) seeds again on every run.
    const live = await tx.query<{ id: string }>(
      `SELECT id FROM load_batch WHERE kind = 'regions' AND source_key = 'test-regions' AND status <> 'replaced'`,
    );
    const b = live.rows.length
      ? live
      : await tx.query<{ id: string }>(
          `INSERT INTO load_batch (kind, source_key, source_name, source_hash, source_bytes, status, row_count)
           VALUES ('regions', 'test-regions', 'regions.csv', 'x', 0, 'committed', $1) RETURNING id`,
          [regions.length],
        );
    for (const r of regions) {
      await tx.query(
        `INSERT INTO region (code, name, parent_code, level, batch_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING`,
        [r.code, r.name, r.parent, r.level, b.rows[0]!.id],
      );
    }
  });
}

export const TEST_PASSWORD = 'Correct-Horse-Battery-9';

/**
 * Creates (once) a user of `role` in `regionCode` and signs in through the app's login route.
 * The returned headers carry the session cookie and the CSRF token.
 */
export async function signIn(
  app: FastifyInstance,
  opts: { role: Role; regionCode: string; username?: string },
): Promise<Session & { headers: Record<string, string>; username: string }> {
  const username = opts.username ?? `t-${opts.role}-${opts.regionCode}`;
  const service = authService(app.ctx);
  if ((await service.findUserIdByUsername(username)) === undefined) {
    await service.createUser(null, {
      username,
      role: opts.role,
      regionCode: opts.regionCode,
      password: TEST_PASSWORD,
      mustChangePassword: false,
    });
  }
  const s = await login(app, username, TEST_PASSWORD);
  return { ...s, headers: authHeaders(s), username };
}
