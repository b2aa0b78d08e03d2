/**
 * Pure SQL builders for the economy page (经济工作监督, DOMAIN.md area 2): plan indicators with
 * targets and actuals per period, and the comparison of regions.
 *
 * Expected value of a reported period — the R19 definition (sql/rules/R19_plan_indicator_behind.sql):
 * the period's own target when it has one, else the year's target × the share of the year the
 * period covers (month ÷ 12, quarter ÷ 4, a whole year 1). Completion = actual ÷ expected;
 * "behind" = below expected for higher-is-better indicators, above it for lower-is-better ones.
 */
import type { BuiltQuery } from '../analytics/analytics.queries.ts';

const ph = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Indicator rows in scope with year and months covered. Parameters: regions. */
const periods = (n: number) => `p AS (
  SELECT region_code, plan, indicator_code, name, unit, direction, period, target_value, actual_value,
    CAST(substr(period, 1, 4) AS INTEGER) AS year,
    CASE WHEN length(period) = 4 THEN 12
         WHEN period LIKE '%-Q%' THEN 3 * CAST(substr(period, 7, 1) AS INTEGER)
         ELSE CAST(substr(period, 6, 2) AS INTEGER) END AS months_covered
  FROM plan_indicator
  WHERE region_code IN (${ph(n)})
)`;

/**
 * Per indicator and region for `year`: the year's target, the latest reported period of that year
 * (the most months covered, a whole year last), its actual and expected value, completion and
 * whether it is behind. Optionally one indicator (the regional comparison).
 */
function latestOfYear(n: number, oneIndicator: boolean): string {
  return `WITH ${periods(n)}, y AS (
  SELECT region_code, plan, indicator_code, target_value AS year_target FROM p WHERE period = CAST(year AS VARCHAR) AND year = ?
), l AS (
  SELECT p.*, row_number() OVER (PARTITION BY region_code, plan, indicator_code ORDER BY months_covered DESC, length(period)) AS rn
  FROM p WHERE year = ? AND actual_value IS NOT NULL${oneIndicator ? ' AND indicator_code = ?' : ''}
), k AS (
  SELECT DISTINCT region_code, plan, indicator_code, any_value(name) OVER w AS name, any_value(unit) OVER w AS unit, any_value(direction) OVER w AS direction
  FROM p WHERE year = ?${oneIndicator ? ' AND indicator_code = ?' : ''}
  WINDOW w AS (PARTITION BY region_code, plan, indicator_code)
), e AS (
  SELECT k.region_code, k.plan, k.indicator_code, k.name, k.unit, k.direction, y.year_target, l.period AS latest_period,
    l.target_value AS period_target, l.actual_value AS actual,
    CASE WHEN l.target_value IS NOT NULL THEN CAST(l.target_value AS DECIMAL(38,6))
         WHEN l.period IS NOT NULL THEN CAST(y.year_target * l.months_covered / 12 AS DECIMAL(38,6)) END AS expected
  FROM k
  LEFT JOIN l ON l.region_code = k.region_code AND l.plan = k.plan AND l.indicator_code = k.indicator_code AND l.rn = 1
  LEFT JOIN y ON y.region_code = k.region_code AND y.plan = k.plan AND y.indicator_code = k.indicator_code
)
SELECT e.region_code AS region, rg.name AS region_name, e.plan, e.indicator_code, e.name, e.unit, e.direction,
  CAST(e.year_target AS VARCHAR) AS year_target, e.latest_period, CAST(e.period_target AS VARCHAR) AS period_target,
  CAST(e.actual AS VARCHAR) AS actual, CAST(round(e.expected, 4) AS VARCHAR) AS expected,
  round(CAST(e.actual AS DOUBLE) / NULLIF(CAST(e.expected AS DOUBLE), 0), 4) AS completion,
  CASE WHEN e.actual IS NULL OR e.expected IS NULL OR e.expected <= 0 THEN NULL
       WHEN e.direction = 'lower_better' THEN e.actual * 100 > e.expected * (100 + CAST(? AS DECIMAL(9,2)))
       ELSE e.actual * 100 < e.expected * (100 - CAST(? AS DECIMAL(9,2))) END AS behind
FROM e
LEFT JOIN (SELECT code, any_value(name) AS name FROM region GROUP BY ALL) rg ON rg.code = e.region_code`;
}

/** The plan indicators of `year` in the regions given (the page passes the selected region only). */
export function buildIndicators(year: number, regions: string[], tolerancePct: number): BuiltQuery {
  return {
    sql: `${latestOfYear(regions.length, false)}\nORDER BY e.plan, e.indicator_code, e.region_code`,
    params: [...regions, year, year, year, tolerancePct, tolerancePct],
  };
}

/** One indicator of `year` across the regions in scope (a city and its districts). */
export function buildRegionComparison(year: number, indicator: string, regions: string[], tolerancePct: number): BuiltQuery {
  return {
    sql: `${latestOfYear(regions.length, true)}\nORDER BY e.region_code`,
    params: [...regions, year, year, indicator, year, indicator, tolerancePct, tolerancePct],
  };
}

/** Every period of one indicator: target and actual (the series chart). */
export function buildIndicatorSeries(indicator: string, regions: string[]): BuiltQuery {
  return {
    sql: `WITH ${periods(regions.length)}
SELECT region_code AS region, plan, indicator_code, name, unit, direction, period, CAST(target_value AS VARCHAR) AS target_value,
  CAST(actual_value AS VARCHAR) AS actual_value
FROM p WHERE indicator_code = ?
ORDER BY region_code, plan, year, months_covered, length(period)`,
    params: [...regions, indicator],
  };
}
