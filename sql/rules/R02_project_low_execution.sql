-- R2 项目执行率过低 Project execution rate low late in the year.
-- A project whose execution rate (paid ÷ (approved + adjustments), DOMAIN.md) is below
-- $max_rate_pct once at least $min_progress_pct of the year has elapsed ("late in the year").
-- Parameters: $as_of (NULL = the end of the latest month of loaded payments), $min_progress_pct, $max_rate_pct.
WITH progress AS (
  SELECT region_code, COALESCE($as_of::DATE, data_as_of) AS as_of FROM v_payment_latest
), progress_days AS (
  SELECT region_code, as_of, year(as_of) AS year, dayofyear(as_of) AS days_elapsed,
         dayofyear(make_date(year(as_of), 12, 31)) AS days_in_year
  FROM progress
), allocation AS (
  SELECT a.region_code, a.year, a.department_code, a.project_code, SUM(a.allocation) AS allocation
  FROM v_budget_allocation a JOIN progress_days p ON p.region_code = a.region_code AND p.year = a.year
  WHERE a.project_code IS NOT NULL
  GROUP BY ALL
), paid AS (
  SELECT pay.region_code, pay.project_code, SUM(pay.amount) AS paid
  FROM payment pay JOIN progress_days p
    ON p.region_code = pay.region_code AND pay.year = p.year AND pay.paid_on <= p.as_of
  WHERE pay.project_code IS NOT NULL
  GROUP BY ALL
)
SELECT a.region_code,
       'project' AS subject_type,
       a.project_code AS subject_id,
       COALESCE(pr.name, a.project_code) AS subject_name,
       CAST(a.year AS VARCHAR) AS period,
       CAST(COALESCE(pd.paid, 0) AS DECIMAL(38, 2)) AS num,
       CAST(a.allocation AS DECIMAL(38, 2)) AS den,
       'orange' AS band,
       $max_rate_pct AS threshold,
       CAST(json_object('as_of', p.as_of, 'year', a.year, 'department_code', a.department_code, 'days_elapsed', p.days_elapsed,
                        'days_in_year', p.days_in_year, 'allocation', a.allocation::VARCHAR,
                        'paid', COALESCE(pd.paid, 0)::VARCHAR) AS VARCHAR) AS evidence
FROM allocation a
JOIN progress_days p ON p.region_code = a.region_code AND p.year = a.year
LEFT JOIN paid pd ON pd.region_code = a.region_code AND pd.project_code = a.project_code
LEFT JOIN project pr ON pr.region_code = a.region_code AND pr.code = a.project_code
WHERE a.allocation > 0
  AND p.days_elapsed * 100 >= $min_progress_pct::DECIMAL(9, 2) * p.days_in_year
  AND COALESCE(pd.paid, 0) * 100 < $max_rate_pct::DECIMAL(9, 2) * a.allocation;
