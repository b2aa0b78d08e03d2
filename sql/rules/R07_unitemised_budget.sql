-- R7 预算细化程度不足 Unitemised budget: the share of "other" economic items (codes ending in 99,
-- e.g. 30299 其他商品和服务支出) in all of a department's approved budget lines above $max_share_pct.
-- Parameters: $max_share_pct.
WITH lines AS (
  SELECT region_code, year, department_code,
         SUM(CASE WHEN economic_code LIKE '%99' THEN amount ELSE 0 END) AS other_amount,
         SUM(amount) AS total_amount
  FROM budget_line
  WHERE phase = 'approved'
  GROUP BY ALL
)
SELECT l.region_code,
       'department' AS subject_type,
       l.department_code AS subject_id,
       COALESCE(d.name, l.department_code) AS subject_name,
       CAST(l.year AS VARCHAR) AS period,
       CAST(l.other_amount AS DECIMAL(38, 2)) AS num,
       CAST(l.total_amount AS DECIMAL(38, 2)) AS den,
       'yellow' AS band,
       $max_share_pct AS threshold,
       CAST(json_object('year', l.year, 'other_amount', l.other_amount::VARCHAR, 'total_amount', l.total_amount::VARCHAR) AS VARCHAR) AS evidence
FROM lines l
LEFT JOIN department d ON d.region_code = l.region_code AND d.code = l.department_code
WHERE l.total_amount > 0 AND l.other_amount * 100 > $max_share_pct::DECIMAL(9, 2) * l.total_amount;
