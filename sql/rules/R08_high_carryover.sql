-- R8 结转结余过高 High carry-over: a department's year-end carry-over (年末结转结余, table 1 of its
-- final accounts) above $max_share_pct of the year's budget (approved + adjustments,
-- v_budget_allocation).
-- Parameters: $max_share_pct.
WITH carry AS (
  SELECT region_code, year, department_code, SUM(amount) AS carryover_end
  FROM disclosure_line
  WHERE table_no = 1 AND phase = 'final' AND line_code = 'carryover_end'
  GROUP BY ALL
), budget AS (
  SELECT region_code, year, department_code, SUM(allocation) AS allocation
  FROM v_budget_allocation
  GROUP BY ALL
)
SELECT c.region_code,
       'department' AS subject_type,
       c.department_code AS subject_id,
       COALESCE(d.name, c.department_code) AS subject_name,
       CAST(c.year AS VARCHAR) AS period,
       CAST(c.carryover_end AS DECIMAL(38, 2)) AS num,
       CAST(b.allocation AS DECIMAL(38, 2)) AS den,
       'yellow' AS band,
       $max_share_pct AS threshold,
       CAST(json_object('year', c.year, 'carryover_end', c.carryover_end::VARCHAR, 'allocation', b.allocation::VARCHAR) AS VARCHAR) AS evidence
FROM carry c
JOIN budget b ON b.region_code = c.region_code AND b.year = c.year AND b.department_code = c.department_code
LEFT JOIN department d ON d.region_code = c.region_code AND d.code = c.department_code
WHERE b.allocation > 0 AND c.carryover_end * 100 > $max_share_pct::DECIMAL(9, 2) * b.allocation;
