/**
 * Pure SQL builders for the audit-rectification page (审计整改监督, DOMAIN.md area 5): findings by
 * audit year × category, rectification progress per audit year, overdue items and the paged
 * finding list. Recurring findings (屡审屡犯) are not recomputed here: they are the R15 warnings
 * (audit.repository.ts).
 *
 * Status "as of": the latest rectification update on or before the as-of date, which is the end
 * of the latest month of loaded payments (the data's as-of, as rule R16 uses), else today. A
 * finding past its deadline whose status then is not "rectified" is overdue (R16's definition).
 */
import type { BuiltQuery } from '../analytics/analytics.queries.ts';

const ph = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Every finding in scope with its status as of the data's as-of date. Parameters: regions twice. */
function findingStatus(n: number): string {
  return `cutoff AS (
  SELECT coalesce(last_day(max(last_paid_on)), current_date) AS d FROM payment_rollup
), latest AS (
  SELECT u.region_code, u.finding_code, arg_max(u.status, u.updated_on) AS status, max(u.updated_on) AS updated_on,
    arg_max(u.amount_rectified, u.updated_on) FILTER (WHERE u.amount_rectified IS NOT NULL) AS amount_rectified
  FROM rectification_update u CROSS JOIN cutoff
  WHERE u.updated_on <= cutoff.d AND u.region_code IN (${ph(n)})
  GROUP BY ALL
), fs AS (
  SELECT f.region_code, f.finding_code, f.audit_year, f.report_title, f.audited_unit, f.department_code, f.category, f.description, f.amount,
    f.rectification_type, f.deadline, coalesce(l.status, 'not_started') AS status, l.updated_on, l.amount_rectified, cutoff.d AS as_of,
    f.deadline IS NOT NULL AND f.deadline < cutoff.d AND coalesce(l.status, 'not_started') <> 'rectified' AS overdue
  FROM audit_finding f CROSS JOIN cutoff
  LEFT JOIN latest l ON l.region_code = f.region_code AND l.finding_code = f.finding_code
  WHERE f.region_code IN (${ph(n)})
)`;
}

/** Findings and amount involved per audit year and category. */
export function buildFindingMatrix(regions: string[]): BuiltQuery {
  return {
    sql: `SELECT CAST(audit_year AS INTEGER) AS audit_year, category, CAST(count(*) AS INTEGER) AS findings, coalesce(sum(amount), 0) AS amount
FROM audit_finding
WHERE region_code IN (${ph(regions.length)})
GROUP BY ALL
ORDER BY audit_year, category`,
    params: [...regions],
  };
}

/** Rectification progress per audit year: status counts, amounts involved and rectified, overdue. */
export function buildRectificationProgress(regions: string[]): BuiltQuery {
  return {
    sql: `WITH ${findingStatus(regions.length)}
SELECT CAST(audit_year AS INTEGER) AS audit_year, CAST(count(*) AS INTEGER) AS findings,
  CAST(count(*) FILTER (WHERE status = 'rectified') AS INTEGER) AS rectified,
  CAST(count(*) FILTER (WHERE status = 'in_progress') AS INTEGER) AS in_progress,
  CAST(count(*) FILTER (WHERE status NOT IN ('rectified', 'in_progress')) AS INTEGER) AS not_started,
  CAST(count(*) FILTER (WHERE overdue) AS INTEGER) AS overdue,
  coalesce(sum(amount), 0) AS amount, coalesce(sum(amount_rectified), 0) AS amount_rectified,
  round(count(*) FILTER (WHERE status = 'rectified') / count(*), 6) AS rectified_share,
  CAST(any_value(as_of) AS VARCHAR) AS as_of
FROM fs
GROUP BY audit_year
ORDER BY audit_year`,
    params: [...regions, ...regions],
  };
}

const FINDING_COLUMNS = `region_code AS region, finding_code, CAST(audit_year AS INTEGER) AS audit_year, audited_unit, department_code, category, description, amount,
  rectification_type, CAST(deadline AS VARCHAR) AS deadline, status, CAST(updated_on AS VARCHAR) AS updated_on, amount_rectified, overdue,
  CASE WHEN overdue THEN CAST(as_of - deadline AS INTEGER) END AS days_overdue`;

/** Findings past their deadline and not rectified, the longest overdue first. */
export function buildOverdue(regions: string[]): BuiltQuery {
  return {
    sql: `WITH ${findingStatus(regions.length)}
SELECT ${FINDING_COLUMNS}
FROM fs WHERE overdue
ORDER BY days_overdue DESC, finding_code`,
    params: [...regions, ...regions],
  };
}

/** One page of findings, optionally of one audit year and one category, with their status. */
export function buildFindings(regions: string[], opts: { year?: number; category?: string; page: number; pagesize: number }): BuiltQuery {
  const where: string[] = [];
  const params: (string | number)[] = [...regions, ...regions];
  if (opts.year !== undefined) {
    where.push('audit_year = ?');
    params.push(opts.year);
  }
  if (opts.category !== undefined) {
    where.push('category = ?');
    params.push(opts.category);
  }
  return {
    sql: `WITH ${findingStatus(regions.length)}
SELECT ${FINDING_COLUMNS}, CAST(count(*) OVER () AS INTEGER) AS _rows
FROM fs${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
ORDER BY audit_year DESC, finding_code
LIMIT ${opts.pagesize} OFFSET ${(opts.page - 1) * opts.pagesize}`,
    params,
  };
}
