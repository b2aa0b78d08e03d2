/**
 * The engine and the API on real databases (PGlite, and a Postgres server when DATABASE_URL is
 * set) with the hand-made city of seed.ts in an in-memory DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDuck, pgTargets } from '../../test/db.ts';
import { loadConfig } from '../core/config.ts';
import type { AppContext } from '../core/context.ts';
import { buildApp } from '../app.ts';
import { CITY, DISTRICT, seedDuck, seedSmallCity } from './seed.ts';
import { runWarnings } from './warnings.service.ts';
import { seedPgRegions, signIn } from '../auth/testing.ts';

const EXPECTED_FIRED = 28; // the sum of the rule tests' expectations in rules.test.ts

describe.each(pgTargets())('warnings API on $name', (target) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  /** Signed-in users of the city (with its district): the analyst does the workflow, admins the rule parameters. */
  let analyst: Record<string, string>;
  let admin: Record<string, string>;
  let admin2: Record<string, string>;

  beforeAll(async () => {
    const pg = await target.open();
    const duck = await openTestDuck();
    await seedSmallCity(duck);
    ctx = {
      config: loadConfig({}, { dataDir: '/tmp/caijian-warnings-test' }),
      pg,
      duck,
      close: async () => {
        await duck.close();
        await pg.close();
      },
    };
    app = await buildApp(ctx, { web: false });
    await seedPgRegions(pg, [
      { code: CITY, name: '临江市', parent: null, level: 'city' },
      { code: DISTRICT, name: '临江市东城区', parent: CITY, level: 'district' },
    ]);
    analyst = (await signIn(app, { role: 'analyst', regionCode: CITY, username: 'analyst' })).headers;
    admin = (await signIn(app, { role: 'admin', regionCode: CITY, username: 'admin' })).headers;
    admin2 = (await signIn(app, { role: 'admin', regionCode: CITY, username: 'admin2' })).headers;
  });
  const inject = (o: { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: object }, headers = analyst) => app.inject({ ...o, headers });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  // A run over every region is the engine's scheduled job (as the owner); the API runs one region of the user's scope.
  const run = async (body: { region?: string } = {}) => {
    if (!body.region) return runWarnings(ctx, { trigger: 'test' });
    const r = await inject({ method: 'POST', url: '/api/warnings/run', payload: body });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { fired: number; created: number; updated: number; unchanged: number; resolved: number; reopened: number };
  };
  const list = async (qs: string) => {
    const r = await inject({ method: 'GET', url: `/api/warnings?${qs}` });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      total: number;
      items: { id: string; rule_id: string; status: string; version: number; value: string; region_code: string; subject_id: string }[];
    };
  };
  const one = async (id: string) =>
    (await inject({ method: 'GET', url: `/api/warnings/${id}` })).json() as {
      version: number;
      status: string;
      history: { kind: string; actor: string; detail: unknown }[];
      comments: { comment: string }[];
      assignee: string | null;
    };

  it('runs the rules and rerunning adds no duplicates', async () => {
    const first = await run();
    expect(first.fired).toBe(EXPECTED_FIRED);
    expect(first.created).toBe(EXPECTED_FIRED);
    const second = await run();
    expect(second).toMatchObject({ fired: EXPECTED_FIRED, created: 0, unchanged: EXPECTED_FIRED, resolved: 0 });
    expect((await list('pageSize=500')).total).toBe(EXPECTED_FIRED);
    const r10 = await list(`rule=R10&region=${CITY}`);
    expect(r10.items.map((w) => [w.value, w.status])).toEqual([['150.00', 'new']]);
  });

  it('marks a warning resolved by data when the condition no longer holds, and reopens it when it returns', async () => {
    await ctx.duck.run(`DELETE FROM overdue_debt`);
    expect((await run()).resolved).toBe(1);
    const [w] = (await list('rule=R12')).items;
    expect(w?.status).toBe('resolved_by_data');
    await seedDuck(ctx.duck, 'overdue_debt', [
      { region_code: CITY, year: 2025, debt_type: 'general', creditor: '某银行', amount: '30.00', overdue_since: '2025-01-01' },
    ]);
    expect((await run()).reopened).toBe(1);
    const h = await one(w?.id as string);
    expect(h.status).toBe('new');
    expect(h.history.map((e) => e.kind)).toEqual(['created', 'resolved_by_data', 'reopened']);
    expect((await list('pageSize=500')).total).toBe(EXPECTED_FIRED);
  });

  it('filters by area, rule, region, severity, status, period and subject', async () => {
    expect((await list('area=debt')).items.every((w) => ['R9', 'R10', 'R11', 'R12', 'R13'].includes(w.rule_id))).toBe(true);
    expect((await list(`region=${DISTRICT}`)).total).toBe(3);
    expect((await list('severity=high&rule=R13')).total).toBe(2);
    expect((await list('subjectType=project&subjectId=P2')).items.map((w) => w.rule_id).sort()).toEqual(['R2', 'R6']);
    expect((await list('period=2023-2025')).items.map((w) => w.rule_id)).toEqual(['R3']);
    const p = await list('pageSize=5&page=2');
    expect(p.items).toHaveLength(5);
  });

  it.each([
    ['severity=urgent'],
    ['region=11'],
    ['rule=R21'],
    ['status=open'],
    ['pageSize=0'],
    ['page=-1'],
    ['area=everything'],
    ['unknown=1'],
    ['period=2025;DROP'],
  ])('rejects the bad filter %s with a 400 and a message', async (qs) => {
    const r = await inject({ method: 'GET', url: `/api/warnings?${qs}` });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toBeTruthy();
  });

  it('gives 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await inject({ method: 'GET', url: '/api/warnings/abc' })).statusCode).toBe(400);
    expect((await inject({ method: 'GET', url: '/api/warnings/999999' })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/api/warnings/999999/evidence' })).statusCode).toBe(404);
  });

  it('refuses free text holding a NUL character with 400, before Postgres (whose text cannot hold it) fails with a 500', async () => {
    const [w] = (await list('')).items;
    const nul = 'a\u0000b';
    for (const [url, payload] of [
      [`/api/warnings/${w!.id}/comments`, { text: nul }],
      [`/api/warnings/${w!.id}/assignee`, { assignee: nul, expectedVersion: w!.version }],
      [`/api/warnings/${w!.id}/status`, { status: 'acknowledged', expectedVersion: w!.version, comment: nul }],
    ] as const) {
      const r = await inject({ method: 'POST', url, payload });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(400);
    }
    expect((await inject({ method: 'GET', url: `/api/warnings?subjectId=${encodeURIComponent(nul)}` })).statusCode).toBe(400);
  });

  it('moves a warning through the workflow and refuses invalid transitions', async () => {
    const [w] = (await list('rule=R10')).items;
    const id = w?.id as string;
    const post = (payload: object) => inject({ method: 'POST', url: `/api/warnings/${id}/status`, payload });
    let v = (await one(id)).version;
    // Not allowed from "new": straight to closed.
    let r = await post({ status: 'closed_rectified', expectedVersion: v, actor: 'analyst' });
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toMatch(/cannot move a warning from new to closed_rectified/);
    // The engine's own status cannot be chosen; unknown statuses and missing fields are 400.
    expect((await post({ status: 'resolved_by_data', expectedVersion: v, actor: 'analyst' })).statusCode).toBe(400);
    expect((await post({ status: 'done', expectedVersion: v, actor: 'analyst' })).statusCode).toBe(400);
    expect((await post({ status: 'acknowledged', actor: 'analyst' })).statusCode).toBe(400);
    expect((await post({ status: 'acknowledged', expectedVersion: v, actor: 'analyst', extra: 1 })).statusCode).toBe(400);
    // A stale version is a conflict.
    expect((await post({ status: 'acknowledged', expectedVersion: v + 7, actor: 'analyst' })).statusCode).toBe(409);
    for (const status of ['acknowledged', 'inquiry_sent', 'response_received', 'closed_not_rectified']) {
      r = await post({ status, expectedVersion: v, actor: 'analyst', comment: `to ${status}` });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().version).toBe(v + 1);
      v++;
    }
    // Closed is final.
    expect((await post({ status: 'acknowledged', expectedVersion: v, actor: 'analyst' })).statusCode).toBe(409);
    const h = await one(id);
    expect(h.history.filter((e) => e.kind === 'status').map((e) => e.actor)).toEqual(['analyst', 'analyst', 'analyst', 'analyst']);
    // A closed warning is not reopened or resolved by the engine.
    await run();
    expect((await one(id)).status).toBe('closed_not_rectified');
  });

  it('loses no change under concurrent updates (optimistic concurrency, parallel requests)', async () => {
    const [w] = (await list('rule=R18')).items;
    const id = w?.id as string;
    const v0 = (await one(id)).version;
    // Ten clients send a change based on the same version: exactly one wins, nine get 409.
    const same = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        inject({
          method: 'POST',
          url: `/api/warnings/${id}/assignee`,
          payload: { assignee: `u${i}`, expectedVersion: v0, actor: `u${i}` },
        }),
      ),
    );
    expect(same.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(same.filter((r) => r.statusCode === 409)).toHaveLength(9);
    // Ten clients that reload and retry on 409: every change lands, in some order.
    const client = async (i: number) => {
      for (;;) {
        const cur = await one(id);
        const r = await inject({
          method: 'POST',
          url: `/api/warnings/${id}/assignee`,
          payload: { assignee: `c${i}`, expectedVersion: cur.version, actor: `c${i}` },
        });
        if (r.statusCode === 200) return;
        expect(r.statusCode).toBe(409);
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => client(i)));
    const after = await one(id);
    expect(after.version).toBe(v0 + 11);
    expect(after.history.filter((e) => e.kind === 'assigned')).toHaveLength(11);
    // Comments are appended: twenty at once, twenty kept.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        inject({ method: 'POST', url: `/api/warnings/${id}/comments`, payload: { text: `意见${i}`, actor: `d${i}` } }),
      ),
    );
    expect((await one(id)).comments).toHaveLength(20);
  });

  it('overrides a rule parameter for one region, records the change, and the next run uses it', async () => {
    const put = (payload: object, rule = 'R12', as = admin) =>
      inject({ method: 'PUT', url: `/api/warning-rules/${rule}/params`, payload }, as);
    expect((await put({ region: CITY, params: { nope: '1' }, actor: 'admin' })).statusCode).toBe(400);
    expect((await put({ region: CITY, params: { low_pct: 'abc' }, actor: 'admin' })).statusCode).toBe(400);
    expect((await put({ region: CITY, params: { low_pct: '1' } }, 'R99')).statusCode).toBe(400);
    expect((await put({ region: CITY, params: {}, actor: 'admin' })).statusCode).toBe(400);
    // 30 ÷ 150 = 20 % overdue: below a low line of 25 % it no longer fires.
    const r = await put({ region: CITY, params: { low_pct: '25', medium_pct: '30' }, actor: 'admin' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().changed).toEqual([
      { name: 'low_pct', old: null, new: '25' },
      { name: 'medium_pct', old: null, new: '30' },
    ]);
    const rules = (await inject({ method: 'GET', url: `/api/warning-rules?region=${CITY}` })).json() as {
      id: string;
      params: { name: string; value: string; overridden: boolean }[];
    }[];
    expect(rules.find((x) => x.id === 'R12')?.params.find((p) => p.name === 'low_pct')).toMatchObject({ value: '25', overridden: true });
    // Another region still runs on the defaults.
    const district = (await inject({ method: 'GET', url: `/api/warning-rules?region=${DISTRICT}` })).json() as {
      id: string;
      params: { name: string; value: string }[];
    }[];
    expect(district.find((x) => x.id === 'R12')?.params.find((p) => p.name === 'low_pct')?.value).toBe('10');
    expect((await run()).resolved).toBe(1);
    expect((await list('rule=R12')).items[0]?.status).toBe('resolved_by_data');
    // Back to the default (null): the warning returns.
    await put({ region: CITY, params: { low_pct: null, medium_pct: null }, actor: 'admin2' }, 'R12', admin2);
    expect((await run()).reopened).toBe(1);
    const hist = (await inject({ method: 'GET', url: `/api/warning-rules/R12/params/history?region=${CITY}` })).json() as {
      name: string;
      old_value: string | null;
      new_value: string | null;
      changed_by: string;
    }[];
    expect(hist.map((h) => [h.name, h.old_value, h.new_value, h.changed_by])).toEqual([
      ['medium_pct', '30', null, 'admin2'],
      ['low_pct', '25', null, 'admin2'],
      ['medium_pct', null, '30', 'admin'],
      ['low_pct', null, '25', 'admin'],
    ]);
  });

  it('serves the evidence: numbers, source rows and their load batches', async () => {
    const [w] = (await list('rule=R10')).items;
    const r = await inject({ method: 'GET', url: `/api/warnings/${w?.id}/evidence` });
    expect(r.statusCode, r.body).toBe(200);
    const e = r.json();
    expect(e.numbers).toMatchObject({ debt_balance: '150.00', fiscal_capacity: '100.00' });
    expect(e.sources.map((s: { table: string }) => s.table)).toEqual(['debt_position', 'fiscal_capacity']);
    expect(e.sources[0].rows).toHaveLength(2);
    expect(e.sources[0].batches).toEqual([expect.objectContaining({ batch_id: '1', source_name: 'hand-made.csv', row_count: '2' })]);
    // Every rule's evidence query runs.
    for (const x of (await list('pageSize=500')).items) {
      const ev = await inject({ method: 'GET', url: `/api/warnings/${x.id}/evidence?limit=5` });
      expect(ev.statusCode, `${x.rule_id}: ${ev.body}`).toBe(200);
      expect(
        ev.json().sources.some((s: { rows: unknown[] }) => s.rows.length > 0),
        x.rule_id,
      ).toBe(true);
    }
  });

  it('rejects a bad run request', async () => {
    expect((await inject({ method: 'POST', url: '/api/warnings/run', payload: { asOf: '2025-13-45' } })).statusCode).toBe(400);
    // Not a calendar date: refused before the rules run (DuckDB's cast failed mid-run, a 500).
    expect((await inject({ method: 'POST', url: '/api/warnings/run', payload: { region: CITY, asOf: '2026-02-30' } })).statusCode).toBe(
      400,
    );
    const param = await inject(
      { method: 'PUT', url: '/api/warning-rules/R1/params', payload: { region: CITY, params: { as_of: '2026-02-30' } } },
      admin,
    );
    expect(param.statusCode, param.body).toBe(400);
    expect((await inject({ method: 'POST', url: '/api/warnings/run', payload: { rules: ['R0'] } })).statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/api/warnings/run', payload: { region: 'abcdef' } })).statusCode).toBe(400);
  });

  it('runs for one region only, leaving the others alone', async () => {
    const s = await run({ region: DISTRICT });
    expect(s.fired).toBe(3);
    expect(s.resolved).toBe(0);
  });

  it('records one audit-trail row per change, with who, from where and what, and one per refusal of a region', async () => {
    const trail = async () =>
      (
        await ctx.pg.withConnection((tx) =>
          tx.query<{
            seq: string;
            action: string;
            outcome: string;
            username: string | null;
            object_type: string | null;
            object_id: string | null;
            detail: Record<string, unknown>;
            ip: string | null;
          }>(`SELECT seq, action, outcome, username, object_type, object_id, detail, ip FROM auth.audit_trail ORDER BY seq`),
        )
      ).rows;
    const w = (await list(`region=${CITY}&status=new&pageSize=1`)).items[0]!;
    const before = (await trail()).length;

    expect((await run({ region: DISTRICT })).fired).toBe(3);
    const st = await inject({
      method: 'POST',
      url: `/api/warnings/${w.id}/status`,
      payload: { status: 'acknowledged', expectedVersion: w.version },
    });
    expect(st.statusCode, st.body).toBe(200);
    const as = await inject({
      method: 'POST',
      url: `/api/warnings/${w.id}/assignee`,
      payload: { assignee: '王科长', expectedVersion: w.version + 1 },
    });
    expect(as.statusCode, as.body).toBe(200);
    expect((await inject({ method: 'POST', url: `/api/warnings/${w.id}/comments`, payload: { text: '请财政局说明' } })).statusCode).toBe(
      200,
    );
    const put = (payload: object) => inject({ method: 'PUT', url: '/api/warning-rules/R12/params', payload }, admin);
    expect((await put({ region: DISTRICT, params: { low_pct: '12' } })).statusCode).toBe(200);
    expect((await put({ region: DISTRICT, params: { low_pct: '12' } })).statusCode).toBe(200); // no change: no row
    expect((await put({ region: DISTRICT, params: { low_pct: null } })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/warnings?region=880100' })).statusCode).toBe(403);
    await runWarnings(ctx, { trigger: 'test', region: CITY });

    const rows = (await trail()).slice(before);
    expect(rows.map((r) => [r.action, r.outcome, r.username, r.object_type])).toEqual([
      ['warning.run', 'success', 'analyst', 'warning_run'],
      ['warning.status', 'success', 'analyst', 'warning'],
      ['warning.assignee', 'success', 'analyst', 'warning'],
      ['warning.comment', 'success', 'analyst', 'warning'],
      ['rule.params', 'success', 'admin', 'warning_rule'],
      ['rule.params', 'success', 'admin', 'warning_rule'],
      ['access.denied', 'denied', 'analyst', 'route'],
      ['warning.run', 'success', expect.stringMatching(/^cli:/), 'warning_run'],
    ]);
    expect(rows[0]!.detail).toMatchObject({ trigger: 'api', region: DISTRICT, fired: 3 });
    expect(rows[1]!).toMatchObject({ object_id: w.id, detail: { from: 'new', to: 'acknowledged' }, ip: '127.0.0.1' });
    expect(rows[2]!.detail).toMatchObject({ from: null, to: '王科长' });
    expect(rows[4]!.detail).toEqual({ region: DISTRICT, changed: [{ name: 'low_pct', old: null, new: '12' }] });
    expect(rows[5]!.detail).toEqual({ region: DISTRICT, changed: [{ name: 'low_pct', old: '12', new: null }] });
    expect(rows[6]!).toMatchObject({ object_id: 'GET /api/warnings', detail: { reason: 'region_forbidden', region: '880100' } });
  });

  it('records a run that failed as a warning.run failure', async () => {
    const gone = await openTestDuck();
    await gone.close();
    const count = async () =>
      Number(
        (
          await ctx.pg.withConnection((tx) =>
            tx.query<{ n: string }>(`SELECT count(*) AS n FROM auth.audit_trail WHERE action = 'warning.run' AND outcome = 'failure'`),
          )
        ).rows[0]!.n,
      );
    const before = await count();
    await expect(runWarnings({ pg: ctx.pg, duck: gone }, { trigger: 'test', rules: ['R12'] })).rejects.toThrow();
    expect(await count()).toBe(before + 1);
  });

  it('serves OpenAPI at /api/docs, offline', async () => {
    const spec = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/api/warnings', '/api/warnings/{id}/evidence', '/api/warning-rules/{ruleId}/params']),
    );
    const ui = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger-ui/);
    expect(ui.body).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    const js = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(js.statusCode).toBe(200);
  });
});
