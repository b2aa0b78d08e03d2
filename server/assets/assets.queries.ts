/**
 * Pure SQL builders for the state-assets page (国有资产管理情况监督, DOMAIN.md area 3): the four
 * kinds — enterprise state assets, financial enterprise state assets, administrative/institutional
 * assets (行政事业性国有资产), state natural resources — the enterprise league table and the
 * administrative assets by status. Every query takes the list of region codes in scope.
 *
 * Each kind is reported once a year, not always for the budget year on screen: a query for year
 * Y reads the latest year ≤ Y that the kind has (`year_used` in the result).
 */
import type { BuiltQuery } from '../analytics/analytics.queries.ts';

const ph = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The latest year ≤ `year` with rows of `table` in scope. */
const latestYear = (table: string, n: number) => `(SELECT max(year) FROM ${table} WHERE year <= ? AND region_code IN (${ph(n)}))`;

/** The year a query for `year` reads from `table` (the latest year ≤ `year` in scope). */
export function buildLatestYear(
  table: 'asset_card' | 'enterprise_financials' | 'natural_resource',
  year: number,
  regions: string[],
): BuiltQuery {
  return { sql: `SELECT CAST(${latestYear(table, regions.length)} AS INTEGER) AS year`, params: [year, ...regions] };
}

export const ASSET_STATUSES = ['in_use', 'idle', 'rented', 'disposed'] as const;

/**
 * One row per kind for its latest year ≤ `year`: items, assets (enterprises: total assets;
 * administrative: original value of cards not disposed; natural resources: the valued items'
 * value), liabilities, net (owners' equity / net book value), profit, state capital.
 */
export function buildAssetKinds(year: number, regions: string[]): BuiltQuery {
  const r = ph(regions.length);
  const n = regions.length;
  const nul = 'CAST(NULL AS DECIMAL(38,2))';
  return {
    sql: `SELECT kind, CAST(year AS INTEGER) AS year, CAST(items AS INTEGER) AS items, assets, liabilities, net, profit, state_capital FROM (
  SELECT kind, year, count(*) AS items, sum(total_assets) AS assets, sum(total_liabilities) AS liabilities, sum(owners_equity) AS net,
    sum(profit) AS profit, sum(state_capital_end) AS state_capital, CASE kind WHEN 'enterprise' THEN 1 ELSE 2 END AS o
  FROM enterprise_financials
  WHERE region_code IN (${r}) AND year = ${latestYear('enterprise_financials', n)}
  GROUP BY kind, year
  UNION ALL
  SELECT 'administrative', year, count(*), sum(original_value), ${nul}, sum(net_value), ${nul}, ${nul}, 3
  FROM asset_card
  WHERE status <> 'disposed' AND region_code IN (${r}) AND year = ${latestYear('asset_card', n)}
  GROUP BY year
  UNION ALL
  SELECT 'natural', year, count(*), coalesce(sum(value), 0), ${nul}, ${nul}, ${nul}, ${nul}, 4
  FROM natural_resource
  WHERE region_code IN (${r}) AND year = ${latestYear('natural_resource', n)}
  GROUP BY year
)
ORDER BY o`,
    params: [...regions, year, ...regions, ...regions, year, ...regions, ...regions, year, ...regions],
  };
}

/** Stock per kind and year (every year loaded): the trend chart. */
export function buildAssetTrend(regions: string[]): BuiltQuery {
  const r = ph(regions.length);
  return {
    sql: `SELECT CAST(year AS INTEGER) AS year, kind, assets FROM (
  SELECT year, kind, sum(total_assets) AS assets FROM enterprise_financials WHERE region_code IN (${r}) GROUP BY ALL
  UNION ALL
  SELECT year, 'administrative', sum(original_value) FROM asset_card WHERE status <> 'disposed' AND region_code IN (${r}) GROUP BY ALL
  UNION ALL
  SELECT year, 'natural', coalesce(sum(value), 0) FROM natural_resource WHERE region_code IN (${r}) GROUP BY ALL
)
ORDER BY year, kind`,
    params: [...regions, ...regions, ...regions],
  };
}

export const ENTERPRISE_ORDER = ['total_assets', 'debt_asset_ratio', 'profit', 'roe', 'preservation_ratio'] as const;
export type EnterpriseOrder = (typeof ENTERPRISE_ORDER)[number];

/**
 * The enterprise league table for the latest year ≤ `year`. Evaluation indicators (DOMAIN.md):
 *  - 资产负债率 debt-to-asset ratio = total liabilities ÷ total assets;
 *  - 净资产收益率 return on equity = profit ÷ year-end owners' equity (the published indicator
 *    divides by the average equity; year-end is what one snapshot per year allows);
 *  - 国有资本保值增值率 = state capital at year end ÷ state capital at the beginning of the year
 *    (the SASAC ratio before its adjustments for objective factors such as capital injections).
 * `high_leverage`: a non-financial enterprise above the R17 line (banks run on leverage).
 */
export function buildEnterprises(
  year: number,
  regions: string[],
  opts: { kind?: 'enterprise' | 'financial'; order: EnterpriseOrder; desc: boolean; maxDebtAssetPct: number },
): BuiltQuery {
  const r = ph(regions.length);
  const kindWhere = opts.kind ? ' AND cur.kind = ?' : '';
  return {
    sql: `WITH y AS (SELECT ${latestYear('enterprise_financials', regions.length)} AS year)
SELECT cur.region_code AS region, rg.name AS region_name, CAST(cur.year AS INTEGER) AS year, cur.enterprise_code AS code, cur.name, cur.kind, cur.supervisor,
  cur.total_assets, cur.total_liabilities, cur.owners_equity, cur.revenue, cur.profit, prev.profit AS previous_profit,
  cur.state_capital_begin, cur.state_capital_end,
  round(CAST(cur.total_liabilities AS DOUBLE) / NULLIF(CAST(cur.total_assets AS DOUBLE), 0), 6) AS debt_asset_ratio,
  round(CAST(cur.profit AS DOUBLE) / NULLIF(CAST(cur.owners_equity AS DOUBLE), 0), 6) AS roe,
  round(CAST(cur.state_capital_end AS DOUBLE) / NULLIF(CAST(cur.state_capital_begin AS DOUBLE), 0), 6) AS preservation_ratio,
  cur.kind = 'enterprise' AND cur.total_liabilities * 100 > CAST(? AS DECIMAL(9,2)) * cur.total_assets AS high_leverage,
  cur.profit < 0 AND coalesce(prev.profit < 0, false) AS losses_two_years
FROM enterprise_financials cur
JOIN y ON cur.year = y.year
LEFT JOIN enterprise_financials prev ON prev.region_code = cur.region_code AND prev.enterprise_code = cur.enterprise_code AND prev.year = cur.year - 1
LEFT JOIN (SELECT code, any_value(name) AS name FROM region GROUP BY ALL) rg ON rg.code = cur.region_code
WHERE cur.region_code IN (${r})${kindWhere}
ORDER BY ${opts.order} ${opts.desc ? 'DESC' : 'ASC'} NULLS LAST, code`,
    // Placeholders in text order: the CTE's year and regions, the threshold, the WHERE's regions and kind.
    params: [year, ...regions, opts.maxDebtAssetPct, ...regions, ...(opts.kind ? [opts.kind] : [])],
  };
}

/**
 * Administrative assets of the latest year ≤ `year`, by department and status (original value,
 * 元). Idle share = idle ÷ all cards not disposed — the R18 definition.
 */
export function buildAdminByDepartment(year: number, regions: string[]): BuiltQuery {
  const r = ph(regions.length);
  return {
    sql: `WITH y AS (SELECT ${latestYear('asset_card', regions.length)} AS year), c AS (
  SELECT a.region_code, a.department_code,
    CAST(count(*) FILTER (WHERE a.status <> 'disposed') AS INTEGER) AS cards,
    coalesce(sum(a.original_value) FILTER (WHERE a.status = 'in_use'), 0) AS in_use,
    coalesce(sum(a.original_value) FILTER (WHERE a.status = 'idle'), 0) AS idle,
    coalesce(sum(a.original_value) FILTER (WHERE a.status = 'rented'), 0) AS rented,
    coalesce(sum(a.original_value) FILTER (WHERE a.status = 'disposed'), 0) AS disposed,
    coalesce(sum(a.original_value) FILTER (WHERE a.status <> 'disposed'), 0) AS total,
    coalesce(sum(a.net_value) FILTER (WHERE a.status <> 'disposed'), 0) AS net_value
  FROM asset_card a JOIN y ON a.year = y.year
  WHERE a.region_code IN (${r})
  GROUP BY ALL
)
SELECT c.region_code AS region, c.department_code AS department, d.name AS department_name, c.cards, c.in_use, c.idle, c.rented, c.disposed,
  c.total, c.net_value, round(CAST(c.idle AS DOUBLE) / NULLIF(CAST(c.total AS DOUBLE), 0), 6) AS idle_share
FROM c
LEFT JOIN (SELECT region_code, code, any_value(name) AS name FROM department GROUP BY ALL) d ON d.region_code = c.region_code AND d.code = c.department_code
ORDER BY idle_share DESC NULLS LAST, total DESC, region, department`,
    params: [year, ...regions, ...regions],
  };
}

/** Administrative assets by category × status (original value and cards), latest year ≤ `year`. */
export function buildAdminByCategory(year: number, regions: string[]): BuiltQuery {
  const r = ph(regions.length);
  return {
    sql: `WITH y AS (SELECT ${latestYear('asset_card', regions.length)} AS year)
SELECT a.category, a.status, CAST(count(*) AS INTEGER) AS cards, sum(a.original_value) AS original_value, sum(a.net_value) AS net_value
FROM asset_card a JOIN y ON a.year = y.year
WHERE a.region_code IN (${r})
GROUP BY ALL
ORDER BY a.category, a.status`,
    params: [year, ...regions, ...regions],
  };
}

/** State natural resources of the latest year ≤ `year`, one row per item. */
export function buildResources(year: number, regions: string[]): BuiltQuery {
  const r = ph(regions.length);
  return {
    sql: `WITH y AS (SELECT ${latestYear('natural_resource', regions.length)} AS year)
SELECT n.region_code AS region, rg.name AS region_name, CAST(n.year AS INTEGER) AS year, n.kind, n.name, n.unit,
  CAST(n.quantity AS VARCHAR) AS quantity, n.value
FROM natural_resource n JOIN y ON n.year = y.year
LEFT JOIN (SELECT code, any_value(name) AS name FROM region GROUP BY ALL) rg ON rg.code = n.region_code
WHERE n.region_code IN (${r})
ORDER BY n.kind, n.value DESC NULLS LAST, n.region_code, n.name`,
    params: [year, ...regions, ...regions],
  };
}
