-- R1 执行进度滞后 Execution lag, per department, in the year of the "as of" date.
-- DOMAIN.md: execution rate = paid ÷ (approved + adjustments); time progress (序时进度) =
-- days elapsed ÷ days in year; lag = time progress − execution rate.
-- Kept exact (no division in SQL): lag × days_in_year × allocation
--   = days_elapsed × allocation − paid × days_in_year  (= num; den = days_in_year × allocation).
-- Parameters: $as_of (NULL = the end of the latest month of loaded payments), $yellow_pp, $red_pp.
WITH progress AS (
  SELECT region_code,
         COALESCE($as_of::DATE, data_as_of) AS as_of
  FROM v_payment_latest
), progress_days AS (
  SELECT region_code, as_of, year(as_of) AS year,
         dayofyear(as_of) AS days_elapsed,
         dayofyear(make_date(year(as_of), 12, 31)) AS days_in_year
  FROM progress
), allocation AS (
  SELECT a.region_code, a.year, a.department_code, SUM(a.allocation) AS allocation
  FROM v_budget_allocation a JOIN progress_days p ON p.region_code = a.region_code AND p.year = a.year
  GROUP BY ALL
), paid AS (
  SELECT pay.region_code, pay.department_code, SUM(pay.amount) AS paid
  FROM payment pay JOIN progress_days p
    ON p.region_code = pay.region_code AND pay.year = p.year AND pay.paid_on <= p.as_of
  GROUP BY ALL
), measured AS (
  SELECT a.region_code, a.department_code, a.year, p.as_of, p.days_elapsed, p.days_in_year,
         a.allocation, COALESCE(pd.paid, 0) AS paid,
         CAST(p.days_elapsed * a.allocation - COALESCE(pd.paid, 0) * p.days_in_year AS DECIMAL(38, 2)) AS num,
         CAST(p.days_in_year * a.allocation AS DECIMAL(38, 2)) AS den
  FROM allocation a
  JOIN progress_days p ON p.region_code = a.region_code AND p.year = a.year
  LEFT JOIN paid pd ON pd.region_code = a.region_code AND pd.department_code = a.department_code
  WHERE a.allocation > 0
)
SELECT m.region_code,
       'department' AS subject_type,
       m.department_code AS subject_id,
       COALESCE(d.name, m.department_code) AS subject_name,
       CAST(m.year AS VARCHAR) AS period,
       m.num, m.den,
       CASE WHEN m.num * 100 > $red_pp::DECIMAL(9, 2) * m.den THEN 'red' ELSE 'yellow' END AS band,
       CASE WHEN m.num * 100 > $red_pp::DECIMAL(9, 2) * m.den THEN $red_pp ELSE $yellow_pp END AS threshold,
       CAST(json_object('as_of', m.as_of, 'year', m.year, 'days_elapsed', m.days_elapsed, 'days_in_year', m.days_in_year,
                        'allocation', m.allocation::VARCHAR, 'paid', m.paid::VARCHAR) AS VARCHAR) AS evidence
FROM measured m
LEFT JOIN department d ON d.region_code = m.region_code AND d.code = m.department_code
WHERE m.num * 100 > $yellow_pp::DECIMAL(9, 2) * m.den;
