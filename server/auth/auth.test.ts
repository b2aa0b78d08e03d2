import { afterEach, describe, expect, it } from 'vitest';
import { pgTargets } from '../../test/db.ts';
import type { Postgres } from '../core/pg.ts';
import { authDb } from './auth.db.ts';
import { ensureDemoUsers } from './demo-users.ts';
import { canSee, regionScope } from './region-scope.ts';
import { base32Decode, totp } from './totp.ts';
import { authHeaders, login, openTestEnv, sessionCookie, type TestEnv } from './testing.ts';
import type { AuthConfig } from '../core/config.ts';

const ADMIN_PW = 'Chief-Secret-2026';
const ANALYST_PW = 'Numbers-Secret-2026';

async function auditRows(pg: Postgres) {
  return pg.transaction((tx) =>
    authDb(tx)
      .selectFrom('auth.audit_trail')
      .select(['seq', 'action', 'outcome', 'username', 'role', 'region_code', 'detail', 'occurred_at', 'object_type', 'object_id'])
      .orderBy('seq')
      .execute(),
  );
}

async function seedRegions(pg: Postgres): Promise<void> {
  await pg.transaction(async (tx) => {
    const b = await tx.query<{ id: string }>(
      `INSERT INTO load_batch (kind, source_key, source_name, source_hash, source_bytes, status, row_count)
       VALUES ('regions', 'regions', 'regions.csv', 'x', 0, 'committed', 6) RETURNING id`,
    );
    const id = b.rows[0]!.id;
    await tx.query(
      `INSERT INTO region (code, name, parent_code, level, batch_id) VALUES
         ('990000', '示例省', NULL, 'province', $1),
         ('990100', '临江市', '990000', 'city', $1),
         ('990101', '江东区', '990100', 'district', $1),
         ('990102', '江西区', '990100', 'district', $1),
         ('990200', '另一市', '990000', 'city', $1),
         ('990201', '另一区', '990200', 'district', $1)`,
      [id],
    );
  });
}

describe.each(pgTargets())('auth on $name', (target) => {
  let env: TestEnv | undefined;
  afterEach(async () => {
    await env?.app.close();
    await env?.pg.close();
    env = undefined;
  });

  async function setup(auth: Partial<AuthConfig> = {}): Promise<TestEnv> {
    env = await openTestEnv(await target.open(), auth);
    await env.service.createUser(null, { username: 'admin', role: 'admin', regionCode: '990100', password: ADMIN_PW });
    await env.service.createUser(null, { username: 'analyst', role: 'analyst', regionCode: '990100', password: ANALYST_PW });
    return env;
  }

  it('stores argon2id hashes with the OWASP parameters', async () => {
    const { pg } = await setup();
    const rows = await pg.transaction((tx) => authDb(tx).selectFrom('auth.user_account').select('password_hash').execute());
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('locks after the configured failures, logs every attempt, unlocks after the period or by an admin', async () => {
    const { app, pg, clock } = await setup({ lockoutThreshold: 3, lockoutMinutes: 10 });
    const attempt = (password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'analyst', password } });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-password-1A')).statusCode).toBe(401);
    // Locked: even the right password is refused, with the same answer as a wrong one.
    const locked = await attempt(ANALYST_PW);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({ code: 'invalid_credentials' });

    const rows = (await auditRows(pg)).filter((r) => r.action === 'auth.login');
    expect(rows.map((r) => [r.outcome, (r.detail as { reason: string }).reason])).toEqual([
      ['failure', 'bad_password'],
      ['failure', 'bad_password'],
      ['failure', 'bad_password'],
      ['failure', 'locked'],
    ]);
    expect(rows[2]!.detail).toMatchObject({ lockedUntil: '2026-03-01T08:10:00.000Z', threshold: 3 });
    expect(rows.every((r) => r.username === 'analyst' && r.role === 'analyst' && r.region_code === '990100')).toBe(true);

    clock.advanceMinutes(10);
    expect((await attempt(ANALYST_PW)).statusCode).toBe(200);

    // Lock again, then an admin unlocks before the period ends.
    for (let i = 0; i < 3; i++) await attempt('wrong-password-1A');
    expect((await attempt(ANALYST_PW)).statusCode).toBe(401);
    const admin = await login(app, 'admin', ADMIN_PW);
    const list = (await app.inject({ method: 'GET', url: '/api/auth/users', headers: authHeaders(admin) })).json() as {
      users: { id: string; username: string; locked: boolean }[];
    };
    const analyst = list.users.find((u) => u.username === 'analyst')!;
    expect(analyst.locked).toBe(true);
    const unlock = await app.inject({ method: 'POST', url: `/api/auth/users/${analyst.id}/unlock`, headers: authHeaders(admin) });
    expect(unlock.statusCode).toBe(200);
    expect((await attempt(ANALYST_PW)).statusCode).toBe(200);
  });

  it('answers an unknown user like a wrong password, and logs it', async () => {
    const { app, pg } = await setup();
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'whatever-1A' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'invalid_credentials' });
    const [row] = (await auditRows(pg)).filter((r) => r.action === 'auth.login');
    expect(row).toMatchObject({
      action: 'auth.login',
      outcome: 'failure',
      username: 'nobody',
      role: null,
      detail: { reason: 'unknown_user' },
    });
  });

  it('sets an HttpOnly SameSite=Strict cookie, Secure and __Host- over HTTPS behind a trusted proxy', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PW } });
    const raw = res.headers['set-cookie'] as string;
    expect(raw).toMatch(/^caijian_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(res.headers['cache-control']).toBe('no-store');
    await env!.app.close();

    const proxied = await openTestEnv(env!.pg, { trustProxy: true });
    env = { ...proxied };
    const https = await proxied.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { username: 'admin', password: ADMIN_PW },
    });
    expect(https.headers['set-cookie']).toMatch(/^__Host-caijian_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('rotates the session id at login and invalidates it at logout', async () => {
    const { app } = await setup();
    const first = await login(app, 'analyst', ANALYST_PW);
    // Logging in again while holding a session ends the old one.
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: first.cookie },
      payload: { username: 'analyst', password: ANALYST_PW },
    });
    const second = { cookie: sessionCookie(res)!, csrf: (res.json() as { csrfToken: string }).csrfToken };
    expect(second.cookie).not.toBe(first.cookie);
    expect(second.csrf).not.toBe(first.csrf);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(first) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(second) })).statusCode).toBe(200);

    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: authHeaders(second) });
    expect(out.statusCode).toBe(200);
    expect(out.headers['set-cookie']).toMatch(/^caijian_sid=; .*Max-Age=0/);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(second) })).statusCode).toBe(401);
  });

  it('ends the sessions of a disabled account at once', async () => {
    const { app } = await setup();
    const admin = await login(app, 'admin', ADMIN_PW);
    const analyst = await login(app, 'analyst', ANALYST_PW);
    const users = (await app.inject({ method: 'GET', url: '/api/auth/users', headers: authHeaders(admin) })).json() as {
      users: { id: string; username: string }[];
    };
    const id = users.users.find((u) => u.username === 'analyst')!.id;
    expect((await app.inject({ method: 'POST', url: `/api/auth/users/${id}/disable`, headers: authHeaders(admin) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(analyst) })).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'analyst', password: ANALYST_PW } });
    expect(again.statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: `/api/auth/users/${id}/enable`, headers: authHeaders(admin) })).statusCode).toBe(200);
    await login(app, 'analyst', ANALYST_PW);
  });

  it('expires a session after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const { app, clock } = await setup();
    const me = (s: { cookie: string; csrf: string }) => app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(s) });
    const idle = await login(app, 'analyst', ANALYST_PW);
    clock.advanceMinutes(29);
    expect((await me(idle)).statusCode).toBe(200);
    clock.advanceMinutes(29); // 58 minutes since login, 29 since the last request
    expect((await me(idle)).statusCode).toBe(200);
    clock.advanceMinutes(30);
    const expired = await me(idle);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'session_expired' });

    const busy = await login(app, 'analyst', ANALYST_PW);
    for (let m = 0; m < 12 * 60 - 20; m += 20) {
      clock.advanceMinutes(20);
      expect((await me(busy)).statusCode).toBe(200);
    }
    clock.advanceMinutes(20); // 12 h 00 min after login
    expect((await me(busy)).statusCode).toBe(401);
  });

  it('refuses a state change without the CSRF token of the session', async () => {
    const { app, pg } = await setup();
    const a = await login(app, 'analyst', ANALYST_PW);
    const b = await login(app, 'admin', ADMIN_PW);
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/probe/change', headers, payload: {} });
    const none = await post({ cookie: a.cookie });
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'csrf' });
    expect((await post({ cookie: a.cookie, 'x-csrf-token': b.csrf })).statusCode).toBe(403); // another session's token
    expect((await post({ cookie: a.cookie, 'x-csrf-token': a.csrf })).statusCode).toBe(200);
    // Logout is a state change too.
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: a.cookie } })).statusCode).toBe(403);
    // GET needs no token.
    expect((await app.inject({ method: 'GET', url: '/api/probe/read', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    const denied = (await auditRows(pg)).filter((r) => r.action === 'access.denied');
    expect(denied.map((r) => (r.detail as { reason: string }).reason)).toEqual(['csrf', 'csrf', 'csrf']);
  });

  it('enforces roles and audits the refusal', async () => {
    const { app, pg } = await setup();
    const a = await login(app, 'analyst', ANALYST_PW);
    expect((await app.inject({ method: 'GET', url: '/api/probe/admin', headers: authHeaders(a) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/auth/users', headers: authHeaders(a) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/probe/admin' })).statusCode).toBe(401);
    const denied = (await auditRows(pg)).filter((r) => r.action === 'access.denied');
    expect(denied.map((r) => [r.outcome, r.username, r.object_id])).toEqual([
      ['denied', 'analyst', 'GET /api/probe/admin'],
      ['denied', 'analyst', 'GET /api/auth/users'],
    ]);
  });

  it('records exactly one audit row per action of a scripted session', async () => {
    const { app, pg, clock } = await setup();
    const before = (await auditRows(pg)).length;
    const s = await login(app, 'analyst', ANALYST_PW);
    clock.advanceMinutes(5);
    await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(s) }); // a read: no row
    const pw = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: authHeaders(s),
      payload: { currentPassword: ANALYST_PW, newPassword: 'Brand-New-Secret-77' },
    });
    expect(pw.statusCode).toBe(200);
    await app.inject({ method: 'GET', url: '/api/probe/admin', headers: authHeaders(s) });
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: authHeaders(s) });
    const rows = (await auditRows(pg)).slice(before);
    expect(rows.map((r) => [r.action, r.outcome, r.username, r.role, r.region_code])).toEqual([
      ['auth.login', 'success', 'analyst', 'analyst', '990100'],
      ['auth.password_change', 'success', 'analyst', 'analyst', '990100'],
      ['access.denied', 'denied', 'analyst', 'analyst', '990100'],
      ['auth.logout', 'success', 'analyst', 'analyst', '990100'],
    ]);
    expect(rows[0]!.occurred_at.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(rows[1]!.occurred_at.toISOString()).toBe('2026-03-01T08:05:00.000Z');
    await login(app, 'analyst', 'Brand-New-Secret-77');
  });

  it('checks the password policy and the current password on change, and ends other sessions', async () => {
    const { app } = await setup();
    const s = await login(app, 'analyst', ANALYST_PW);
    const other = await login(app, 'analyst', ANALYST_PW);
    const change = (currentPassword: string, newPassword: string) =>
      app.inject({ method: 'POST', url: '/api/auth/password', headers: authHeaders(s), payload: { currentPassword, newPassword } });
    expect((await change(ANALYST_PW, 'short')).json()).toMatchObject({ code: 'password_policy' });
    expect((await change(ANALYST_PW, 'my-analyst-Password-1')).json()).toMatchObject({ code: 'password_policy' });
    expect((await change('Wrong-Current-1', 'Fine-New-Secret-42')).statusCode).toBe(403);
    expect((await change(ANALYST_PW, 'Fine-New-Secret-42')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(other) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(s) })).statusCode).toBe(200);
  });

  it('makes a reset password temporary and forces a change when the password is too old', async () => {
    const { app, clock, pg } = await setup({ passwordMaxAgeDays: 90 });
    await seedRegions(pg);
    const admin = await login(app, 'admin', ADMIN_PW);
    const created = await app.inject({
      method: 'POST',
      url: '/api/auth/users',
      headers: authHeaders(admin),
      payload: { username: 'deputy1', role: 'deputy', regionCode: '990102' },
    });
    expect(created.statusCode).toBe(200);
    const { user, password } = created.json() as { user: { id: string; mustChangePassword: boolean }; password: string };
    expect(user.mustChangePassword).toBe(true);
    // A password the admin typed is as known to the admin as a generated one.
    const typed = await app.inject({
      method: 'POST',
      url: '/api/auth/users',
      headers: authHeaders(admin),
      payload: { username: 'deputy2', role: 'deputy', regionCode: '990102', password: 'Admin-Typed-Secret-5' },
    });
    expect(typed.statusCode, typed.body).toBe(200);
    expect(typed.json()).toMatchObject({ user: { mustChangePassword: true } });
    expect(typed.json()).not.toHaveProperty('password');
    const d = await login(app, 'deputy1', password);
    const blocked = await app.inject({ method: 'GET', url: '/api/probe/read', headers: authHeaders(d) });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ code: 'password_change_required' });
    const pw = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: authHeaders(d),
      payload: { currentPassword: password, newPassword: 'Deputy-Chosen-Secret-1' },
    });
    expect(pw.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/probe/read', headers: authHeaders(d) })).statusCode).toBe(200);

    clock.advanceMinutes(91 * 24 * 60);
    const old = await login(app, 'deputy1', 'Deputy-Chosen-Secret-1');
    const me = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(old) })).json() as {
      user: { mustChangePassword: boolean };
    };
    expect(me.user.mustChangePassword).toBe(true);

    // The admin's password is 91 days old too: nothing but a password change until it is renewed.
    const admin2 = await login(app, 'admin', ADMIN_PW);
    const resetUrl = `/api/auth/users/${user.id}/reset-password`;
    expect((await app.inject({ method: 'POST', url: resetUrl, headers: authHeaders(admin2) })).json()).toMatchObject({
      code: 'password_change_required',
    });
    const renewed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: authHeaders(admin2),
      payload: { currentPassword: ADMIN_PW, newPassword: 'Chief-Renewed-2026' },
    });
    expect(renewed.statusCode).toBe(200);
    const reset = await app.inject({ method: 'POST', url: resetUrl, headers: authHeaders(admin2) });
    expect(reset.statusCode).toBe(200);
    const temp = (reset.json() as { password: string }).password;
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(old) })).statusCode).toBe(401);
    const t = await login(app, 'deputy1', temp);
    const me2 = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(t) })).json() as {
      user: { mustChangePassword: boolean };
    };
    expect(me2.user.mustChangePassword).toBe(true);
  });

  it('keeps an admin to the regions in their scope', async () => {
    const { app, pg, service } = await setup();
    await seedRegions(pg);
    await service.createUser(null, { username: 'district-admin', role: 'admin', regionCode: '990102', password: 'Jiangxi-Boss-Pw-1' });
    await service.createUser(null, { username: 'other-city', role: 'analyst', regionCode: '990200', password: 'Elsewhere-Pw-123' });
    const da = await login(app, 'district-admin', 'Jiangxi-Boss-Pw-1');
    const list = (await app.inject({ method: 'GET', url: '/api/auth/users', headers: authHeaders(da) })).json() as {
      users: { id: string; username: string }[];
    };
    expect(list.users.map((u) => u.username)).toEqual(['district-admin']);
    const cityUser = await app.inject({
      method: 'POST',
      url: '/api/auth/users',
      headers: authHeaders(da),
      payload: { username: 'someone', role: 'analyst', regionCode: '990100' },
    });
    expect(cityUser.statusCode).toBe(403);
    const otherId = (await service.listUsers()).find((u) => u.username === 'other-city')!.id;
    expect((await app.inject({ method: 'POST', url: `/api/auth/users/${otherId}/disable`, headers: authHeaders(da) })).statusCode).toBe(
      404,
    );
  });

  it('computes the region scope of city and district users from the region hierarchy', async () => {
    const { app, pg, service } = await setup();
    await seedRegions(pg);
    await service.createUser(null, { username: 'district', role: 'deputy', regionCode: '990102', password: 'Jiangxi-Rep-Pw-1' });
    await service.createUser(null, { username: 'province', role: 'observer', regionCode: '990000', password: 'Entire-Sheng-Pw-1' });
    await service.createUser(null, { username: 'unknown-region', role: 'observer', regionCode: '123456', password: 'Nowhere-Place-Pw-1' });
    const scopeOf = async (u: string, p: string) => {
      const s = await login(app, u, p);
      return (
        (await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(s) })).json() as { user: { regionScope: string[] } }
      ).user;
    };
    const city = await scopeOf('analyst', ANALYST_PW);
    expect(regionScope(city)).toEqual(['990100', '990101', '990102']);
    expect(canSee(city, '990101')).toBe(true);
    expect(canSee(city, '990201')).toBe(false);
    const district = await scopeOf('district', 'Jiangxi-Rep-Pw-1');
    expect(regionScope(district)).toEqual(['990102']);
    expect(canSee(district, '990100')).toBe(false);
    expect(canSee(district, '990101')).toBe(false);
    expect(regionScope(await scopeOf('province', 'Entire-Sheng-Pw-1'))).toEqual([
      '990000',
      '990100',
      '990101',
      '990102',
      '990200',
      '990201',
    ]);
    expect(regionScope(await scopeOf('unknown-region', 'Nowhere-Place-Pw-1'))).toEqual(['123456']);
  });

  it('enrols TOTP, then requires a fresh code at login and refuses a replayed one', async () => {
    const { app, clock, pg } = await setup();
    const s = await login(app, 'analyst', ANALYST_PW);
    const setupRes = await app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: authHeaders(s) });
    expect(setupRes.statusCode).toBe(200);
    const { secret, uri } = setupRes.json() as { secret: string; uri: string };
    expect(uri).toContain(`secret=${secret}`);
    const key = base32Decode(secret);
    const confirm = await app.inject({
      method: 'POST',
      url: '/api/auth/totp/confirm',
      headers: authHeaders(s),
      payload: { code: totp(key, clock.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    // The secret is sealed at rest, not stored as typed into the authenticator app.
    const stored = await pg.transaction((tx) =>
      authDb(tx).selectFrom('auth.user_account').select('totp_secret').where('username', '=', 'analyst').executeTakeFirstOrThrow(),
    );
    expect(stored.totp_secret).toMatch(/^v1\./);
    expect(stored.totp_secret).not.toContain(secret);

    clock.advanceMinutes(1);
    const noCode = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'analyst', password: ANALYST_PW } });
    expect(noCode.json()).toMatchObject({ code: 'totp_required' });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'analyst', password: ANALYST_PW, totp: '000000' },
    });
    expect(bad.statusCode).toBe(401);
    const code = totp(key, clock.now());
    await login(app, 'analyst', ANALYST_PW, { totp: code });
    const replay = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'analyst', password: ANALYST_PW, totp: code },
    });
    expect(replay.statusCode).toBe(401);
    clock.advanceMinutes(1);
    await login(app, 'analyst', ANALYST_PW, { totp: totp(key, clock.now()) });
  });

  it('rate-limits logins per client address', async () => {
    const { app } = await setup({ loginRateLimitPerMinute: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope-nope-1A' } })).statusCode,
      );
    }
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });

  it('rejects unknown fields in request bodies', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PW, role: 'admin' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('refuses a NUL character in a username or display name with 400 (Postgres text cannot hold it)', async () => {
    const { app } = await setup();
    const refused = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ad\u0000min', password: ADMIN_PW } });
    expect(refused.statusCode, refused.body).toBe(400);
    const s = await login(app, 'admin', ADMIN_PW);
    const create = await app.inject({
      method: 'POST',
      url: '/api/auth/users',
      headers: authHeaders(s),
      payload: { username: 'new-user', role: 'observer', regionCode: '990100', displayName: 'a\u0000b' },
    });
    expect(create.statusCode, create.body).toBe(400);
  });

  it('creates one demo account per role with working generated passwords', async () => {
    const { app, ctx } = await setup();
    const accounts = await ensureDemoUsers(ctx);
    expect(accounts.map((a) => [a.username, a.role, a.regionCode])).toEqual([
      ['admin', 'admin', '990100'],
      ['analyst', 'analyst', '990100'],
      ['auditor', 'auditor', '990100'],
      ['observer', 'observer', '990100'],
      ['deputy', 'deputy', '990102'],
      ['analyst-district', 'analyst', '990102'],
    ]);
    for (const a of accounts) {
      const s = await login(app, a.username, a.password);
      const me = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: authHeaders(s) })).json() as {
        user: { mustChangePassword: boolean };
      };
      expect(me.user.mustChangePassword).toBe(false);
    }
    // A second run hands out new passwords for the same accounts.
    const again = await ensureDemoUsers(ctx);
    expect(again.map((a) => a.username)).toEqual(accounts.map((a) => a.username));
    expect(again[0]!.password).not.toBe(accounts[0]!.password);
    await login(app, 'admin', again[0]!.password);
  });
});
