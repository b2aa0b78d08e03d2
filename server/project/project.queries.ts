/**
 * Pure SQL builders for the project page: one budget project followed through its life
 * (DOMAIN.md: approved 批复 → adjusted 调整/调剂 → executed 执行 → final 决算), its monthly
 * payments and its performance targets (绩效目标). Every query is scoped by the list of region
 * codes the caller may see; amounts are summed in SQL and leave as exact decimal strings.
 */
import type { BuiltQuery } from '../analytics/analytics.queries.ts';

const ph = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The project's reference row with the names of its department and function class. */
export function buildProjectInfo(code: string, regions: string[]): BuiltQuery {
  return {
    sql: `SELECT p.region_code AS region, r.name AS region_name, p.code, p.name, p.department_code AS department, d.name AS department_name,
  p.function_code, fc.name AS function_name, p.budget_type, bt.name_zh AS budget_type_name, p.start_year, p.end_year
FROM (SELECT region_code, code, any_value(name) AS name, any_value(department_code) AS department_code, any_value(function_code) AS function_code,
        any_value(budget_type) AS budget_type, CAST(min(start_year) AS INTEGER) AS start_year, CAST(max(end_year) AS INTEGER) AS end_year
      FROM project WHERE code = ? AND region_code IN (${ph(regions.length)}) GROUP BY ALL) p
LEFT JOIN (SELECT region_code, code, any_value(name) AS name FROM department GROUP BY ALL) d ON d.region_code = p.region_code AND d.code = p.department_code
LEFT JOIN (SELECT code, any_value(name) AS name FROM function_class GROUP BY ALL) fc ON fc.code = p.function_code
LEFT JOIN (SELECT code, any_value(name) AS name FROM region GROUP BY ALL) r ON r.code = p.region_code
LEFT JOIN budget_type bt ON bt.code = p.budget_type
ORDER BY p.region_code
LIMIT 1`,
    params: [code, ...regions],
  };
}

/**
 * The life thread per year: approved, adjustments, adjusted (= approved + adjustments, what the
 * execution rate divides by — DOMAIN.md 执行率 = paid ÷ (approved + adjustments)), executed
 * (payments) and final accounts.
 */
export function buildProjectThread(code: string, regions: string[]): BuiltQuery {
  const where = `project_code = ? AND region_code IN (${ph(regions.length)})`;
  const zero = 'CAST(0 AS DECIMAL(18,2))';
  return {
    sql: `WITH src AS (
  SELECT year, amount AS approved, ${zero} AS adjustment, ${zero} AS executed, ${zero} AS final FROM budget_line WHERE phase = 'approved' AND ${where}
  UNION ALL
  SELECT year, ${zero}, amount, ${zero}, ${zero} FROM budget_adjustment WHERE ${where}
  UNION ALL
  SELECT year, ${zero}, ${zero}, amount, ${zero} FROM payment_rollup WHERE ${where}
  UNION ALL
  SELECT year, ${zero}, ${zero}, ${zero}, amount FROM budget_line WHERE phase = 'final' AND ${where}
), y AS (
  SELECT CAST(year AS INTEGER) AS year, sum(approved) AS approved, sum(adjustment) AS adjustment, sum(approved) + sum(adjustment) AS adjusted,
    sum(executed) AS executed, sum(final) AS final
  FROM src GROUP BY year
)
SELECT *, round(CAST(executed AS DOUBLE) / NULLIF(CAST(adjusted AS DOUBLE), 0), 6) AS execution_rate FROM y ORDER BY year`,
    params: [code, ...regions, code, ...regions, code, ...regions, code, ...regions],
  };
}

/** Budget adjustments (调整/调剂) of the project, in date order. */
export function buildProjectAdjustments(code: string, regions: string[]): BuiltQuery {
  return {
    sql: `SELECT CAST(year AS INTEGER) AS year, CAST(adjusted_on AS VARCHAR) AS adjusted_on, doc_no, economic_code, amount, reason
FROM budget_adjustment
WHERE project_code = ? AND region_code IN (${ph(regions.length)})
ORDER BY adjusted_on, doc_no`,
    params: [code, ...regions],
  };
}

/**
 * Payments by month of one year, with the running total; months after the data's as-of month
 * (the latest payment of that year in scope) are null rather than a flat zero.
 */
export function buildProjectMonthly(code: string, year: number, regions: string[]): BuiltQuery {
  const r = ph(regions.length);
  return {
    sql: `WITH p AS (
  SELECT month, sum(amount) AS executed, sum(n) AS n FROM payment_rollup
  WHERE year = ? AND project_code = ? AND region_code IN (${r}) GROUP BY month
), cutoff AS (
  SELECT coalesce(CAST(month(max(last_paid_on)) AS INTEGER), 12) AS m FROM payment_rollup WHERE year = ? AND region_code IN (${r})
), months AS (SELECT CAST(range AS INTEGER) AS month FROM range(1, 13))
SELECT months.month,
  CASE WHEN months.month <= cutoff.m THEN coalesce(p.executed, CAST(0 AS DECIMAL(38,2))) END AS executed,
  CASE WHEN months.month <= cutoff.m THEN CAST(coalesce(p.n, 0) AS INTEGER) END AS count,
  CASE WHEN months.month <= cutoff.m THEN sum(coalesce(p.executed, CAST(0 AS DECIMAL(38,2)))) OVER (ORDER BY months.month) END AS cumulative
FROM months CROSS JOIN cutoff LEFT JOIN p ON p.month = months.month
ORDER BY months.month`,
    params: [year, code, ...regions, year, ...regions],
  };
}

/**
 * Performance targets (绩效目标) against actuals. `attainment` = actual ÷ target: whether more
 * is better depends on the indicator (a cost, a rate), so the page shows it, not a verdict.
 */
export function buildProjectPerformance(code: string, regions: string[]): BuiltQuery {
  return {
    sql: `SELECT CAST(year AS INTEGER) AS year, indicator_type, indicator, unit, CAST(target_value AS VARCHAR) AS target_value,
  CAST(actual_value AS VARCHAR) AS actual_value,
  round(CAST(actual_value AS DOUBLE) / NULLIF(CAST(target_value AS DOUBLE), 0), 4) AS attainment
FROM performance_target
WHERE project_code = ? AND region_code IN (${ph(regions.length)})
ORDER BY year DESC, indicator_type, indicator`,
    params: [code, ...regions],
  };
}
