-- R18 资产闲置 Idle administrative assets: per department and year, the original value of asset
-- cards marked idle (闲置) ÷ the original value of all cards not disposed, above $max_idle_pct.
-- Parameters: $max_idle_pct.
WITH cards AS (
  SELECT region_code, year, department_code,
         SUM(CASE WHEN status = 'idle' THEN original_value ELSE 0 END) AS idle_value,
         SUM(original_value) AS total_value,
         COUNT(CASE WHEN status = 'idle' THEN 1 END) AS idle_cards
  FROM asset_card
  WHERE status <> 'disposed'
  GROUP BY ALL
)
SELECT c.region_code,
       'department' AS subject_type,
       c.department_code AS subject_id,
       COALESCE(d.name, c.department_code) AS subject_name,
       CAST(c.year AS VARCHAR) AS period,
       CAST(c.idle_value AS DECIMAL(38, 2)) AS num,
       CAST(c.total_value AS DECIMAL(38, 2)) AS den,
       'yellow' AS band,
       $max_idle_pct AS threshold,
       CAST(json_object('year', c.year, 'idle_value', c.idle_value::VARCHAR, 'total_value', c.total_value::VARCHAR,
                        'idle_cards', c.idle_cards) AS VARCHAR) AS evidence
FROM cards c
LEFT JOIN department d ON d.region_code = c.region_code AND d.code = c.department_code
WHERE c.total_value > 0 AND c.idle_value * 100 > $max_idle_pct::DECIMAL(9, 2) * c.total_value;
