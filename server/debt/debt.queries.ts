/**
 * Pure SQL builders for the debt page (政府债务审查监督). Ratios are computed in SQL as DOUBLE
 * (they are not money); amounts stay DECIMAL and leave as strings.
 */
import type { BuiltQuery } from '../analytics/analytics.queries.ts';

const ph = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Limit and balance per region for one year, general/special split, with comprehensive fiscal
 * capacity (综合财力 ≈ general public budget revenue + transfers from upper levels + government
 * fund revenue + state capital operations revenue — DOMAIN.md) and the debt ratio (债务率 =
 * year-end balance ÷ 综合财力) and limit utilisation (余额 ÷ 限额).
 */
export function buildDebtPositions(year: number, regions: string[]): BuiltQuery {
  return {
    sql: `WITH d AS (
  SELECT region_code,
    sum(limit_amount) FILTER (WHERE debt_type = 'general') AS limit_general,
    sum(limit_amount) FILTER (WHERE debt_type = 'special') AS limit_special,
    sum(balance_amount) FILTER (WHERE debt_type = 'general') AS balance_general,
    sum(balance_amount) FILTER (WHERE debt_type = 'special') AS balance_special,
    sum(limit_amount) AS limit_total, sum(balance_amount) AS balance_total
  FROM debt_position WHERE year = ? AND region_code IN (${ph(regions.length)})
  GROUP BY region_code
), c AS (
  -- 综合财力 as defined once in sql/views (v_fiscal_capacity), shared with the warning rules.
  SELECT region_code, capacity FROM v_fiscal_capacity WHERE year = ? AND region_code IN (${ph(regions.length)})
)
SELECT d.region_code AS region, r.name AS region_name, d.limit_general, d.limit_special, d.limit_total,
  d.balance_general, d.balance_special, d.balance_total, c.capacity,
  round(CAST(d.balance_total AS DOUBLE) / NULLIF(CAST(c.capacity AS DOUBLE), 0), 4) AS debt_ratio,
  round(CAST(d.balance_total AS DOUBLE) / NULLIF(CAST(d.limit_total AS DOUBLE), 0), 4) AS utilisation
FROM d
LEFT JOIN c USING (region_code)
LEFT JOIN (SELECT code, any_value(name) AS name FROM region GROUP BY code) r ON r.code = d.region_code
ORDER BY d.region_code`,
    params: [year, ...regions, year, ...regions],
  };
}

/** Scheduled principal and interest by year of maturity and debt type, from a date onwards. */
export function buildMaturityProfile(regions: string[], from: string): BuiltQuery {
  return {
    sql: `SELECT CAST(year(r.due_on) AS INTEGER) AS year, b.debt_type, sum(r.principal) AS principal, sum(r.interest) AS interest
FROM debt_repayment r
JOIN (SELECT region_code, code, any_value(debt_type) AS debt_type FROM bond GROUP BY ALL) b ON b.region_code = r.region_code AND b.code = r.bond_code
WHERE r.kind = 'scheduled' AND r.region_code IN (${ph(regions.length)}) AND r.due_on >= CAST(? AS DATE)
GROUP BY ALL
ORDER BY year, b.debt_type`,
    params: [...regions, from],
  };
}

export function buildBonds(regions: string[], page: number, pagesize: number): BuiltQuery {
  return {
    sql: `SELECT region_code AS region, code, name, debt_type, purpose, amount, CAST(coupon_rate AS VARCHAR) AS coupon_rate, term_years,
  CAST(issued_on AS VARCHAR) AS issued_on, CAST(matures_on AS VARCHAR) AS matures_on, CAST(count(*) OVER () AS INTEGER) AS _rows
FROM bond
WHERE region_code IN (${ph(regions.length)})
ORDER BY issued_on DESC, code
LIMIT ${pagesize} OFFSET ${(page - 1) * pagesize}`,
    params: [...regions],
  };
}

export type DebtBand = 'green' | 'yellow' | 'orange' | 'red';

/** Debt-ratio bands used in practice (DOMAIN.md): < 120% green, 120–200% yellow, 200–300% orange, ≥ 300% red. */
export function debtRatioBand(ratio: number | null): DebtBand | null {
  if (ratio === null || !Number.isFinite(ratio)) return null;
  if (ratio < 1.2) return 'green';
  if (ratio < 2) return 'yellow';
  if (ratio < 3) return 'orange';
  return 'red';
}
