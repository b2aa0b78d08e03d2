import { describe, expect, it } from 'vitest';
import { buildAggregate, buildFacts, buildTimeProgress, parseCut, parseOrder, QueryInputError } from './analytics.queries.ts';

describe('parseCut', () => {
  it('parses cuts, alternatives and aliases', () => {
    expect(parseCut('year:2026|department_code:101001;101002|month:12')).toEqual([
      { dim: 'year', values: [2026] },
      { dim: 'department', values: ['101001', '101002'] },
      { dim: 'month', values: [12] },
    ]);
  });
  it.each(['year', 'nope:1', 'year:20x6', 'month:13', "department:1'--", 'year:2025|year:2026'])('rejects %s', (s) => {
    expect(() => parseCut(s)).toThrow(QueryInputError);
  });
});

describe('parseOrder', () => {
  it('accepts whitelisted keys only', () => {
    expect(parseOrder('executed:desc,department', ['department', 'executed'])).toEqual([
      { key: 'executed', desc: true },
      { key: 'department', desc: false },
    ]);
    expect(() => parseOrder('executed;drop', ['executed'])).toThrow(QueryInputError);
  });
});

describe('buildAggregate', () => {
  it('budget cube by department with rate and lag', () => {
    const q = buildAggregate({
      cube: 'budget',
      regions: ['990100', '990102'],
      measures: ['executed', 'execution_rate', 'lag'],
      drilldown: ['department'],
      cuts: [{ dim: 'year', values: [2026] }],
      order: [{ key: 'lag', desc: true }],
      page: 1,
      pagesize: 10,
      timeProgress: 0.5,
    });
    expect(q.params).toEqual(['990100', '990102', 2026, '990100', '990102', 2026, '990100', '990102', 2026]);
    expect(q.sql).toMatchInlineSnapshot(`
      "WITH f AS (
        SELECT department_code AS d0, amount AS m_approved, NULL::DECIMAL(18,2) AS m_adjustment, NULL::DECIMAL(18,2) AS m_executed, NULL::DECIMAL(18,2) AS m_final, NULL::BIGINT AS m_n
        FROM budget_line
        WHERE phase = 'approved' AND region_code IN (?, ?) AND year IN (?)
        UNION ALL
        SELECT department_code AS d0, NULL::DECIMAL(18,2) AS m_approved, amount AS m_adjustment, NULL::DECIMAL(18,2) AS m_executed, NULL::DECIMAL(18,2) AS m_final, NULL::BIGINT AS m_n
        FROM (SELECT a.*, coalesce(p.budget_type, 'general') AS budget_type FROM budget_adjustment a LEFT JOIN (SELECT region_code, code, any_value(budget_type) AS budget_type FROM project GROUP BY ALL) p ON p.region_code = a.region_code AND p.code = a.project_code)
        WHERE region_code IN (?, ?) AND year IN (?)
        UNION ALL
        SELECT department_code AS d0, NULL::DECIMAL(18,2) AS m_approved, NULL::DECIMAL(18,2) AS m_adjustment, amount AS m_executed, NULL::DECIMAL(18,2) AS m_final, n AS m_n
        FROM payment_rollup
        WHERE region_code IN (?, ?) AND year IN (?)
      ),
      g AS MATERIALIZED (
        SELECT d0, coalesce(sum(m_executed), 0) AS executed, coalesce(sum(m_approved), 0) + coalesce(sum(m_adjustment), 0) AS adjusted, GROUPING(d0) AS _g
        FROM f
        GROUP BY GROUPING SETS ((d0), ())
      ),
      m AS MATERIALIZED (
        SELECT g._g, g.d0 AS department, l0.v AS department_name, g.executed, round(CAST(g.executed AS DOUBLE) / NULLIF(CAST(g.adjusted AS DOUBLE), 0), 6) AS execution_rate, round(0.5 - round(CAST(g.executed AS DOUBLE) / NULLIF(CAST(g.adjusted AS DOUBLE), 0), 6), 6) AS lag
        FROM g
        LEFT JOIN (SELECT code AS k, any_value(name) AS v FROM department GROUP BY ALL) l0 ON l0.k = g.d0
      )
      SELECT * FROM (
        SELECT * EXCLUDE (_g), NULL::INTEGER AS _cells, CAST(row_number() OVER (ORDER BY lag DESC NULLS LAST, department) AS INTEGER) AS _rn
        FROM m WHERE _g = 0
        ORDER BY _rn
        LIMIT 10 OFFSET 0
      )
      UNION ALL
      SELECT * EXCLUDE (_g), (SELECT CAST(count(*) AS INTEGER) FROM m WHERE _g = 0), 0 FROM m WHERE _g <> 0
      ORDER BY _rn"
    `);
  });

  it('payee drill uses payments only', () => {
    const q = buildAggregate({
      cube: 'budget',
      regions: ['990100'],
      measures: ['approved', 'executed', 'count'],
      drilldown: ['payee'],
      cuts: [{ dim: 'project', values: ['P1'] }],
      order: [],
      page: 2,
      pagesize: 50,
    });
    expect(q.sql).toMatchInlineSnapshot(`
      "WITH f AS (
        SELECT payee AS d0, NULL::DECIMAL(18,2) AS m_approved, NULL::DECIMAL(18,2) AS m_adjustment, amount AS m_executed, NULL::DECIMAL(18,2) AS m_final, n AS m_n
        FROM (SELECT *, CAST(month(paid_on) AS INTEGER) AS month, 1 AS n FROM payment)
        WHERE region_code IN (?) AND project_code IN (?)
      ),
      g AS MATERIALIZED (
        SELECT d0, NULL::DECIMAL(38,2) AS approved, coalesce(sum(m_executed), 0) AS executed, CAST(coalesce(sum(m_n), 0) AS INTEGER) AS count, GROUPING(d0) AS _g
        FROM f
        GROUP BY GROUPING SETS ((d0), ())
      ),
      m AS MATERIALIZED (
        SELECT g._g, g.d0 AS payee, g.approved, g.executed, g.count
        FROM g
      )
      SELECT * FROM (
        SELECT * EXCLUDE (_g), NULL::INTEGER AS _cells, CAST(row_number() OVER (ORDER BY payee) AS INTEGER) AS _rn
        FROM m WHERE _g = 0
        ORDER BY _rn
        LIMIT 50 OFFSET 50
      )
      UNION ALL
      SELECT * EXCLUDE (_g), (SELECT CAST(count(*) AS INTEGER) FROM m WHERE _g = 0), 0 FROM m WHERE _g <> 0
      ORDER BY _rn"
    `);
  });
});

describe('buildTimeProgress', () => {
  it('reads the as-of date from the payments of the year and scope', () => {
    const q = buildTimeProgress(2026, ['990100']);
    expect(q.params).toEqual([2026, 2026, '990100']);
    expect(q.sql).toMatchInlineSnapshot(`
      "SELECT CAST(date_diff('day', make_date(y, 1, 1), least(d, make_date(y, 12, 31))) + 1 AS DOUBLE) / date_diff('day', make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS time_progress, CAST(d AS VARCHAR) AS as_of
      FROM (SELECT CAST(? AS INTEGER) AS y, (SELECT max(last_paid_on) FROM payment_rollup WHERE year = ? AND region_code IN (?)) AS d)"
    `);
  });
});

describe('buildFacts', () => {
  it('pages payment rows', () => {
    const q = buildFacts({
      regions: ['990100'],
      cuts: [{ dim: 'department', values: ['101001'] }],
      order: [{ key: 'amount', desc: true }],
      page: 1,
      pagesize: 20,
    });
    expect(q.params).toEqual(['990100', '101001']);
    expect(q.sql).toMatchInlineSnapshot(`
      "WITH p AS (
        SELECT region_code, CAST(paid_on AS VARCHAR) AS paid_on, voucher_no, department_code, project_code, function_code, economic_code, payee, payee_kind, amount,
          CAST(count(*) OVER () AS INTEGER) AS _rows
        FROM (SELECT *, CAST(month(paid_on) AS INTEGER) AS month, 1 AS n FROM payment)
        WHERE region_code IN (?) AND department_code IN (?)
        ORDER BY amount DESC, paid_on DESC, voucher_no
        LIMIT 20 OFFSET 0
      )
      SELECT p.paid_on, p.voucher_no, p.department_code AS department, d.name AS department_name, p.project_code AS project, pr.name AS project_name,
        p.function_code AS function_3, fc.name AS function_3_name, p.economic_code AS economic, ec.name AS economic_name, p.payee, p.payee_kind, p.amount, p._rows
      FROM p
      LEFT JOIN department d ON d.region_code = p.region_code AND d.code = p.department_code
      LEFT JOIN (SELECT region_code, code, any_value(name) AS name FROM project GROUP BY ALL) pr ON pr.region_code = p.region_code AND pr.code = p.project_code
      LEFT JOIN function_class fc ON fc.code = p.function_code
      LEFT JOIN economic_class ec ON ec.code = p.economic_code
      ORDER BY p.amount DESC, p.paid_on DESC, p.voucher_no"
    `);
  });
});
