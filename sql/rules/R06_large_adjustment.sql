-- R6 预算调整幅度过大 Large adjustment: |adjusted − approved| ÷ approved > $max_change_pct, per
-- project and year. adjusted = approved + the year's adjustments (v_budget_allocation).
-- Parameters: $max_change_pct, $red_change_pct.
SELECT a.region_code,
       'project' AS subject_type,
       a.project_code AS subject_id,
       COALESCE(pr.name, a.project_code) AS subject_name,
       CAST(a.year AS VARCHAR) AS period,
       CAST(abs(a.adjustments) AS DECIMAL(38, 2)) AS num,
       CAST(a.approved AS DECIMAL(38, 2)) AS den,
       CASE WHEN abs(a.adjustments) * 100 > $red_change_pct::DECIMAL(9, 2) * a.approved THEN 'red' ELSE 'yellow' END AS band,
       CASE WHEN abs(a.adjustments) * 100 > $red_change_pct::DECIMAL(9, 2) * a.approved THEN $red_change_pct ELSE $max_change_pct END AS threshold,
       CAST(json_object('year', a.year, 'department_code', a.department_code, 'approved', a.approved::VARCHAR,
                        'adjustments', a.adjustments::VARCHAR, 'adjusted', a.allocation::VARCHAR) AS VARCHAR) AS evidence
FROM v_budget_allocation a
LEFT JOIN project pr ON pr.region_code = a.region_code AND pr.code = a.project_code
WHERE a.project_code IS NOT NULL
  AND a.approved > 0
  AND abs(a.adjustments) * 100 > $max_change_pct::DECIMAL(9, 2) * a.approved;
