/**
 * The audit-rectification API against the demo city loaded through the real ETL, with the warning
 * rules run (test/demo-context.ts). Figures are compared with SQL written independently; the
 * recurring chains with the R15 warnings as stored in Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoApp, type DemoApp } from '../../test/demo-context.ts';

let demo: DemoApp;
const sql = async (q: string, params: (string | number)[] = []) => demo.ctx.duck.all<Record<string, string | number | null>>(q, params);
const CITY = `region_code IN (SELECT code FROM region WHERE code = '990100' OR parent_code = '990100')`;
/** R16's as-of: the end of the latest month of loaded payments. */
const AS_OF = `(SELECT last_day(max(paid_on)) FROM payment)`;

beforeAll(async () => {
  demo = await openDemoApp();
}, 300_000);
afterAll(async () => demo?.close());

describe('GET /api/audit/matrix and /progress', () => {
  it('counts findings by audit year and category', async () => {
    const { status, body } = await demo.get('/api/audit/matrix?region=990100');
    expect(status).toBe(200);
    const want = await sql(
      `SELECT audit_year, category, CAST(count(*) AS INTEGER) AS n, sum(amount) AS a FROM audit_finding WHERE ${CITY} GROUP BY ALL ORDER BY ALL`,
    );
    expect(body.rows.map((r: Record<string, unknown>) => [r.audit_year, r.category, r.findings, r.amount])).toEqual(
      want.map((w) => [w.audit_year, w.category, w.n, w.a]),
    );
  });

  it('reports rectification status as of the data, the overdue ones as R16 sees them', async () => {
    const { body } = await demo.get('/api/audit/progress?region=990100');
    const want = await sql(`WITH s AS (
        SELECT f.finding_code, f.audit_year, f.deadline,
          (SELECT u.status FROM rectification_update u WHERE u.region_code = f.region_code AND u.finding_code = f.finding_code AND u.updated_on <= ${AS_OF}
           ORDER BY u.updated_on DESC LIMIT 1) AS status
        FROM audit_finding f WHERE ${CITY.replace('region_code', 'f.region_code')})
      SELECT audit_year, CAST(count(*) AS INTEGER) AS n, CAST(count(*) FILTER (WHERE status = 'rectified') AS INTEGER) AS done,
        CAST(count(*) FILTER (WHERE deadline < ${AS_OF} AND coalesce(status, '') <> 'rectified') AS INTEGER) AS overdue
      FROM s GROUP BY ALL ORDER BY ALL`);
    expect(body.rows.map((r: Record<string, unknown>) => [r.audit_year, r.findings, r.rectified, r.overdue])).toEqual(
      want.map((w) => [w.audit_year, w.n, w.done, w.overdue]),
    );
    const overdue = await demo.get('/api/audit/overdue?region=990100');
    const r16 = await demo.ctx.pg.withConnection((tx) =>
      tx.query<{ subject_id: string }>(`SELECT subject_id FROM warning WHERE rule_id = 'R16' AND status <> 'resolved_by_data'`),
    );
    expect(overdue.body.rows.map((r: { finding_code: string }) => r.finding_code).sort()).toEqual(r16.rows.map((r) => r.subject_id).sort());
    expect(overdue.body.rows.length).toBe(want.reduce((s, w) => s + Number(w.overdue), 0));
  });

  it('pages the finding list and filters it', async () => {
    const all = await demo.get('/api/audit/findings?region=990100&pagesize=10');
    const [n] = await sql(`SELECT CAST(count(*) AS INTEGER) AS n FROM audit_finding WHERE ${CITY}`);
    expect(all.body.total).toBe(n!.n);
    expect(all.body.rows).toHaveLength(10);
    const one = await demo.get(`/api/audit/findings?region=990100&year=2025&category=${encodeURIComponent('政府采购不规范')}`);
    const [m] = await sql(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM audit_finding WHERE ${CITY} AND audit_year = 2025 AND category = '政府采购不规范'`,
    );
    expect(one.body.total).toBe(m!.n);
  });
});

describe('GET /api/audit/recurring', () => {
  it('returns the chains of the R15 warnings as stored', async () => {
    const { status, body } = await demo.get('/api/audit/recurring?region=990100');
    expect(status).toBe(200);
    const r15 = await demo.ctx.pg.withConnection((tx) =>
      tx.query<{ subject_id: string; evidence: { chain: { finding_code: string }[] } }>(
        `SELECT subject_id, evidence FROM warning WHERE rule_id = 'R15' AND status <> 'resolved_by_data'`,
      ),
    );
    expect(body.chains.map((c: { finding_code: string }) => c.finding_code).sort()).toEqual(r15.rows.map((r) => r.subject_id).sort());
    for (const w of r15.rows) {
      const c = body.chains.find((x: { finding_code: string }) => x.finding_code === w.subject_id);
      expect(c.chain.map((l: { finding_code: string }) => l.finding_code)).toEqual(w.evidence.chain.map((l) => l.finding_code));
    }
    if (r15.rows.length === 0) console.warn('no R15 warnings in the demo data: the rule did not run');
    // Chains end at the flagged (latest) finding.
    for (const c of body.chains) expect(c.chain.at(-1).finding_code).toBe(c.finding_code);
  });

  it('refuses bad input with 400', async () => {
    for (const url of [
      '/api/audit/matrix',
      '/api/audit/progress?region=1',
      '/api/audit/findings?region=990100&page=0',
      `/api/audit/findings?region=990100&category=${'长'.repeat(200)}`,
      '/api/audit/recurring?region=990100&rule=R1',
    ]) {
      const r = await demo.get(url);
      expect(r.status, url).toBe(400);
      expect(Object.keys(r.body).sort(), url).toEqual(['code', 'message', 'requestId']);
    }
  });
});
