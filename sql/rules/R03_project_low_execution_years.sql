-- R3 项目连续低执行 Project execution below $max_rate_pct in each of the last $years years, the
-- year of the "as of" date included (paid to that date). Execution rate = paid ÷ (approved +
-- adjustments). The measured value is the highest of the rates; the evidence lists every year.
-- Parameters: $as_of (NULL = the end of the latest month of loaded payments), $years, $max_rate_pct.
WITH progress AS (
  SELECT region_code, COALESCE($as_of::DATE, data_as_of) AS as_of, year(COALESCE($as_of::DATE, data_as_of)) AS current_year FROM v_payment_latest
), allocation AS (
  SELECT a.region_code, a.year, a.project_code, a.department_code, SUM(a.allocation) AS allocation
  FROM v_budget_allocation a JOIN progress p ON p.region_code = a.region_code
  WHERE a.project_code IS NOT NULL AND a.year BETWEEN p.current_year - $years::INTEGER + 1 AND p.current_year
  GROUP BY ALL
), paid AS (
  SELECT pay.region_code, pay.year, pay.project_code, SUM(pay.amount) AS paid
  FROM payment pay JOIN progress p ON p.region_code = pay.region_code
  WHERE pay.project_code IS NOT NULL AND pay.year BETWEEN p.current_year - $years::INTEGER + 1 AND p.current_year
    AND pay.paid_on <= p.as_of
  GROUP BY ALL
), yearly AS (
  SELECT a.region_code, a.project_code, a.year, a.allocation, COALESCE(pd.paid, 0) AS paid, p.current_year
  FROM allocation a
  JOIN progress p ON p.region_code = a.region_code
  LEFT JOIN paid pd ON pd.region_code = a.region_code AND pd.project_code = a.project_code AND pd.year = a.year
  WHERE a.allocation > 0
), running AS (
  SELECT region_code, project_code, current_year,
         COUNT(*) AS years_low,
         arg_max(paid, paid / allocation) AS top_paid, arg_max(allocation, paid / allocation) AS top_allocation,
         to_json(list({'year': year, 'allocation': allocation::VARCHAR, 'paid': paid::VARCHAR} ORDER BY year)) AS by_year
  FROM yearly
  WHERE paid * 100 < $max_rate_pct::DECIMAL(9, 2) * allocation
  GROUP BY region_code, project_code, current_year
)
SELECT r.region_code,
       'project' AS subject_type,
       r.project_code AS subject_id,
       COALESCE(pr.name, r.project_code) AS subject_name,
       CAST(r.current_year - $years::INTEGER + 1 AS VARCHAR) || '-' || CAST(r.current_year AS VARCHAR) AS period,
       CAST(r.top_paid AS DECIMAL(38, 2)) AS num,
       CAST(r.top_allocation AS DECIMAL(38, 2)) AS den,
       'orange' AS band,
       $max_rate_pct AS threshold,
       CAST(json_object('years', r.by_year) AS VARCHAR) AS evidence
FROM running r
LEFT JOIN project pr ON pr.region_code = r.region_code AND pr.code = r.project_code
WHERE r.years_low = $years::INTEGER;
