-- R4 年底突击花钱 Year-end surge, per department and per project, in completed years (years before
-- the "as of" year): November + December payments above $novdec_pct of the year's allocation, or
-- December alone above $dec_pct. Allocation = approved + adjustments (v_budget_allocation).
-- The measured value is the Nov+Dec share when that part breaches, otherwise the December share.
-- Parameters: $as_of (NULL = the end of the latest month of loaded payments), $novdec_pct, $dec_pct.
WITH progress AS (
  SELECT region_code, year(COALESCE($as_of::DATE, data_as_of)) AS current_year FROM v_payment_latest
), allocation AS (
  -- subject_id: the department, or the project (a project's lines are also its department's).
  SELECT a.region_code, a.year, 'department' AS subject_type, a.department_code AS subject_id, SUM(a.allocation) AS allocation
  FROM v_budget_allocation a JOIN progress p ON p.region_code = a.region_code AND a.year < p.current_year
  GROUP BY ALL
  UNION ALL
  SELECT a.region_code, a.year, 'project', a.project_code, SUM(a.allocation)
  FROM v_budget_allocation a JOIN progress p ON p.region_code = a.region_code AND a.year < p.current_year
  WHERE a.project_code IS NOT NULL
  GROUP BY ALL
), late_payments AS (
  SELECT pay.region_code, pay.year, pay.department_code, pay.project_code, pay.amount, month(pay.paid_on) AS month
  FROM payment pay JOIN progress p ON p.region_code = pay.region_code AND pay.year < p.current_year
  WHERE month(pay.paid_on) >= 11
), late AS (
  SELECT region_code, year, 'department' AS subject_type, department_code AS subject_id,
         SUM(amount) AS novdec, SUM(CASE WHEN month = 12 THEN amount ELSE 0 END) AS dec
  FROM late_payments GROUP BY ALL
  UNION ALL
  SELECT region_code, year, 'project', project_code, SUM(amount), SUM(CASE WHEN month = 12 THEN amount ELSE 0 END)
  FROM late_payments WHERE project_code IS NOT NULL GROUP BY ALL
), measured AS (
  SELECT a.region_code, a.year, a.subject_type, a.subject_id, a.allocation, l.novdec, l.dec,
         l.novdec * 100 > $novdec_pct::DECIMAL(9, 2) * a.allocation AS novdec_breach,
         l.dec * 100 > $dec_pct::DECIMAL(9, 2) * a.allocation AS dec_breach
  FROM allocation a
  JOIN late l ON l.region_code = a.region_code AND l.year = a.year AND l.subject_type = a.subject_type AND l.subject_id = a.subject_id
  WHERE a.allocation > 0
)
SELECT m.region_code,
       m.subject_type,
       m.subject_id,
       COALESCE(d.name, pr.name, m.subject_id) AS subject_name,
       CAST(m.year AS VARCHAR) AS period,
       CAST(CASE WHEN m.novdec_breach THEN m.novdec ELSE m.dec END AS DECIMAL(38, 2)) AS num,
       CAST(m.allocation AS DECIMAL(38, 2)) AS den,
       CASE WHEN m.novdec_breach AND m.dec_breach THEN 'red' ELSE 'orange' END AS band,
       CASE WHEN m.novdec_breach THEN $novdec_pct ELSE $dec_pct END AS threshold,
       CAST(json_object('measure', CASE WHEN m.novdec_breach THEN 'nov_dec_share' ELSE 'dec_share' END, 'year', m.year,
                        'allocation', m.allocation::VARCHAR, 'nov_dec_paid', m.novdec::VARCHAR,
                        'dec_paid', m.dec::VARCHAR) AS VARCHAR) AS evidence
FROM measured m
-- Equality joins only (a constant condition in ON would make DuckDB fall back to a nested loop).
LEFT JOIN department d ON d.region_code = m.region_code AND d.code = CASE WHEN m.subject_type = 'department' THEN m.subject_id END
LEFT JOIN project pr ON pr.region_code = m.region_code AND pr.code = CASE WHEN m.subject_type = 'project' THEN m.subject_id END
WHERE m.novdec_breach OR m.dec_breach;
