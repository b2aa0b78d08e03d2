/**
 * The audit-trail routes through HTTP (inject) on PGlite and, with DATABASE_URL, a server: the
 * admins' search (filters, paging, the region scope and rows without a region), the chain check,
 * and the export record (exactly one row per export).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTargets } from '../../test/db.ts';
import { authDb } from './auth.db.ts';
import type { Role } from './auth.types.ts';
import { TEST_PASSWORD, authHeaders, login, openTestEnv, seedPgRegions, type Session, type TestEnv } from './testing.ts';
import { loadRegionScope } from './region.repository.ts';

interface Entry {
  seq: string;
  occurredAt: string;
  username: string | null;
  regionCode: string | null;
  action: string;
  outcome: string;
  objectType: string | null;
  objectId: string | null;
  detail: Record<string, unknown>;
}
interface SearchBody {
  total: number;
  includesUnregioned: boolean;
  rows: Entry[];
}

const USERS: { username: string; role: Role; regionCode: string }[] = [
  { username: 'admin-prov', role: 'admin', regionCode: '990000' },
  { username: 'admin-city', role: 'admin', regionCode: '990100' },
  { username: 'admin-east', role: 'admin', regionCode: '990101' },
  { username: 'analyst-north', role: 'analyst', regionCode: '990102' },
  { username: 'observer-far', role: 'observer', regionCode: '880101' },
];

describe.each(pgTargets())('audit-trail routes on $name', (target) => {
  let env: TestEnv;
  const s = new Map<string, Session>();

  /** Every row, read as the owner (not through the routes under test). */
  const allRows = () =>
    env.pg.transaction((tx) =>
      authDb(tx)
        .selectFrom('auth.audit_trail')
        .select(['seq', 'action', 'username', 'region_code', 'outcome', 'occurred_at', 'object_type', 'object_id', 'detail', 'hash'])
        .orderBy('seq', 'desc')
        .execute(),
    );
  const scopeOf = (code: string) => env.pg.transaction((tx) => loadRegionScope(authDb(tx), code));
  const search = async (who: string, query = '') => {
    const res = await env.app.inject({ method: 'GET', url: `/api/auth/audit-trail${query}`, headers: authHeaders(s.get(who)!, false) });
    return { status: res.statusCode, body: res.json() as SearchBody };
  };
  const exportOnce = (who: string, filters: Record<string, string> = {}, csrf = true) =>
    env.app.inject({
      method: 'POST',
      url: '/api/auth/audit-trail/exports',
      headers: authHeaders(s.get(who)!, csrf),
      payload: { page: '/debt', table: 'debt-positions', format: 'xlsx', rows: 7, filters },
    });

  beforeAll(async () => {
    env = await openTestEnv(await target.open());
    await seedPgRegions(env.pg);
    // Created by "nobody" (a command on the server): user.create rows without a region.
    for (const u of USERS) await env.service.createUser(null, { ...u, password: TEST_PASSWORD, mustChangePassword: false });
    // A sign-in under a name that matches no account: no region either.
    await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'Not-The-Password-1' } });
    env.clock.advanceMinutes(60);
    for (const u of USERS) {
      s.set(u.username, await login(env.app, u.username, TEST_PASSWORD));
      env.clock.advanceMinutes(1);
    }
    // A failed sign-in of a known district account.
    await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'analyst-north', password: 'Wrong-Password-99' } });
  });
  afterAll(async () => {
    await env?.app.close();
    await env?.pg.close();
  });

  it('refuses every role but admin (403), and records the refusal', async () => {
    for (const who of ['analyst-north', 'observer-far']) {
      expect((await search(who)).status).toBe(403);
      const verify = await env.app.inject({ method: 'GET', url: '/api/auth/audit-trail/verify', headers: authHeaders(s.get(who)!, false) });
      expect(verify.statusCode).toBe(403);
    }
    const denied = (await allRows()).filter((r) => r.action === 'access.denied' && r.username === 'analyst-north');
    expect(denied.map((r) => r.object_id)).toEqual(['GET /api/auth/audit-trail/verify', 'GET /api/auth/audit-trail']);
  });

  it('shows an admin the rows of their scope, newest first, with rows without a region only to whoever covers the deployment', async () => {
    const rows = await allRows();
    for (const who of ['admin-prov', 'admin-city', 'admin-east']) {
      const u = USERS.find((x) => x.username === who)!;
      const scope = await scopeOf(u.regionCode);
      const r = await search(who, '?limit=500');
      expect(r.status).toBe(200);
      // 990000 holds both cities; the city admin does not cover the other city, the district admin not its sibling.
      expect(r.body.includesUnregioned).toBe(who === 'admin-prov');
      const expected = rows.filter((x) => (x.region_code === null ? r.body.includesUnregioned : scope.includes(x.region_code)));
      expect(r.body.total).toBe(expected.length);
      expect(r.body.rows.map((x) => x.seq)).toEqual(expected.map((x) => x.seq));
      // Their own sign-in is there.
      expect(r.body.rows.some((x) => x.action === 'auth.login' && x.outcome === 'success' && x.username === who)).toBe(true);
    }
    const east = await search('admin-east', '?limit=500');
    expect(new Set(east.body.rows.map((x) => x.regionCode))).toEqual(new Set(['990101']));
    const city = await search('admin-city', '?limit=500');
    expect(city.body.rows.some((x) => x.username === 'observer-far' || x.username === 'ghost')).toBe(false);
    expect(city.body.rows.some((x) => x.username === 'analyst-north')).toBe(true);
    const prov = await search('admin-prov', '?limit=500');
    expect(prov.body.rows.some((x) => x.username === 'ghost' && x.regionCode === null)).toBe(true);
  });

  it('filters by region (that region and below, within the scope; 403 outside it)', async () => {
    const north = await search('admin-city', '?region=990102&limit=500');
    expect(north.status).toBe(200);
    expect(north.body.total).toBeGreaterThan(0);
    expect(north.body.rows.every((x) => x.regionCode === '990102')).toBe(true);
    expect(north.body.includesUnregioned).toBe(false);

    const cityTree = await search('admin-prov', '?region=990100&limit=500');
    const cityScope = await scopeOf('990100');
    const expected = (await allRows()).filter((x) => x.region_code !== null && cityScope.includes(x.region_code));
    expect(cityTree.body.rows.map((x) => x.seq)).toEqual(expected.map((x) => x.seq));

    for (const [who, region] of [
      ['admin-city', '880100'],
      ['admin-city', '990000'],
      ['admin-east', '990102'],
    ] as const) {
      const r = await search(who, `?region=${region}`);
      expect(r.status, `${who} ${region}`).toBe(403);
      expect(r.body).toMatchObject({ code: 'region_forbidden' });
    }
  });

  it('filters by time, user, action prefix, outcome, object and free text', async () => {
    const rows = await allRows();
    const visible = (await search('admin-prov', '?limit=500')).body.rows;
    expect(visible.length).toBe(rows.length);

    const check = async (query: string, keep: (e: Entry) => boolean) => {
      const r = await search('admin-prov', `?limit=500&${query}`);
      expect(r.status, query).toBe(200);
      const want = visible.filter(keep);
      expect(want.length, `${query} selects something`).toBeGreaterThan(0);
      expect(want.length, `${query} leaves something out`).toBeLessThan(visible.length);
      expect(
        r.body.rows.map((x) => x.seq),
        query,
      ).toEqual(want.map((x) => x.seq));
      expect(r.body.total).toBe(want.length);
    };
    // The clock moved an hour after the accounts were created: [from, to) around the sign-ins.
    const logins = visible.filter((x) => x.action === 'auth.login' && x.outcome === 'success');
    const first = logins.map((x) => x.occurredAt).sort()[0]!;
    const last = logins.map((x) => x.occurredAt).sort()[logins.length - 1]!;
    await check(`from=${encodeURIComponent(first)}&to=${encodeURIComponent(last)}`, (e) => e.occurredAt >= first && e.occurredAt < last);
    await check('username=ANALYST-north', (e) => e.username === 'analyst-north');
    await check('action=auth', (e) => e.action.startsWith('auth.'));
    await check('action=auth.login', (e) => e.action === 'auth.login');
    await check('action=user.create', (e) => e.action === 'user.create');
    await check('outcome=failure', (e) => e.outcome === 'failure');
    await check(
      'action=auth.login&outcome=success&username=admin-east',
      (e) => e.action === 'auth.login' && e.outcome === 'success' && e.username === 'admin-east',
    );
    const created = visible.find((x) => x.action === 'user.create')!;
    await check(`objectType=user&objectId=${created.objectId}`, (e) => e.objectType === 'user' && e.objectId === created.objectId);
    // Free text reaches into the detail (the failed login's reason).
    await check('q=BAD_PASS', (e) => JSON.stringify(e.detail).includes('bad_password'));
    await check('q=ghost', (e) => e.username === 'ghost');
    // LIKE wildcards are literal.
    expect((await search('admin-prov', '?q=%25')).body.total).toBe(0);
  });

  it('pages with limit and offset, newest first, and refuses a page over 500 or an unknown filter', async () => {
    const all = (await search('admin-prov', '?limit=500')).body;
    const pages: string[] = [];
    for (let offset = 0; offset < all.total; offset += 3) {
      const p = await search('admin-prov', `?limit=3&offset=${offset}`);
      expect(p.body.total).toBe(all.total);
      expect(p.body.rows.length).toBe(Math.min(3, all.total - offset));
      pages.push(...p.body.rows.map((x) => x.seq));
    }
    expect(pages).toEqual(all.rows.map((x) => x.seq));
    expect(pages.map(Number)).toEqual([...pages.map(Number)].sort((a, b) => b - a));
    expect((await search('admin-prov', '?limit=501')).status).toBe(400);
    expect((await search('admin-prov', '?limit=0')).status).toBe(400);
    expect((await search('admin-prov', '?from=yesterday')).status).toBe(400);
    expect((await search('admin-prov', '?action=AUTH%20login')).status).toBe(400);
    expect((await search('admin-prov', '?sql=1')).status).toBe(400);
    // Postgres text cannot hold a NUL character: a 400 at validation, not a 500 from the query.
    for (const f of ['q', 'username', 'objectType', 'objectId']) expect((await search('admin-prov', `?${f}=a%00b`)).status, f).toBe(400);
  });

  it('records exactly one data.export row per export, for every role, with the filters', async () => {
    for (const who of ['analyst-north', 'observer-far', 'admin-city']) {
      const before = await allRows();
      const res = await exportOnce(who, { year: '2026', unit: 'wan', region: USERS.find((u) => u.username === who)!.regionCode });
      expect(res.statusCode, res.body).toBe(200);
      const after = await allRows();
      expect(after.length - before.length).toBe(1);
      const row = after[0]!;
      expect(String(row.seq)).toBe((res.json() as { seq: string }).seq);
      expect(row).toMatchObject({
        action: 'data.export',
        outcome: 'success',
        username: who,
        object_type: 'table',
        object_id: '/debt#debt-positions',
        detail: { page: '/debt', table: 'debt-positions', format: 'xlsx', rows: 7, filters: { year: '2026', unit: 'wan' } },
      });
    }
    // Two clicks, two rows.
    const before = (await allRows()).filter((r) => r.action === 'data.export').length;
    await exportOnce('analyst-north');
    await exportOnce('analyst-north');
    expect((await allRows()).filter((r) => r.action === 'data.export').length - before).toBe(2);
    // The admins find it by action.
    const found = await search('admin-city', '?action=data.export&username=analyst-north');
    expect(found.body.rows.map((x) => x.objectId)).toEqual(['/debt#debt-positions', '/debt#debt-positions', '/debt#debt-positions']);
  });

  it('refuses an export record outside the scope (403), without CSRF (403), or malformed (400), and records no export then', async () => {
    const count = async () => (await allRows()).filter((r) => r.action === 'data.export').length;
    const before = await count();
    expect((await exportOnce('analyst-north', { region: '990101' })).statusCode).toBe(403);
    expect((await exportOnce('admin-east', { region: '990100' })).statusCode).toBe(403);
    expect((await exportOnce('analyst-north', {}, false)).statusCode).toBe(403);
    const bad = await env.app.inject({
      method: 'POST',
      url: '/api/auth/audit-trail/exports',
      headers: authHeaders(s.get('analyst-north')!),
      payload: { page: '/debt', table: 'x', format: 'pdf', rows: 1, filters: {} },
    });
    expect(bad.statusCode).toBe(400);
    expect((await exportOnce('analyst-north', { year: 'a\u0000b' })).statusCode).toBe(400);
    // Half a surrogate pair: JSON.parse takes it, JSONB does not (it was a 500 found by the API fuzz).
    expect((await exportOnce('analyst-north', { year: '\udfff' })).statusCode).toBe(400);
    const exportNamed = (table: string) =>
      env.app.inject({
        method: 'POST',
        url: '/api/auth/audit-trail/exports',
        headers: authHeaders(s.get('analyst-north')!),
        payload: { page: '/debt', table, format: 'csv', rows: 1, filters: {} },
      });
    const half = await exportNamed('\udfff\ud800');
    expect(half.statusCode).toBe(400);
    expect(half.json()).toMatchObject({ code: 'validation' });
    const anon = await env.app.inject({ method: 'POST', url: '/api/auth/audit-trail/exports', payload: {} });
    expect(anon.statusCode).toBe(401);
    expect(await count()).toBe(before);
    // Whole pairs (an emoji) and every script are text like any other.
    expect((await exportNamed('债务😀表')).statusCode).toBe(200);
    expect(await count()).toBe(before + 1);
  });

  it('reports the chain as intact with every row counted', async () => {
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/auth/audit-trail/verify',
      headers: authHeaders(s.get('admin-east')!, false),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { ok: boolean; rows: number; head: string };
    const rows = await allRows();
    expect(body).toMatchObject({ ok: true, rows: rows.length, head: rows[0]!.hash });
  });
});
