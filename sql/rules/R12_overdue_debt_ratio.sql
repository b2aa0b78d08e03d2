-- R12 逾期债务率 Overdue debt ratio = overdue debt ÷ debt balance, per region and year
-- (DOMAIN.md "Formulas"). Bands used in one province: 10–20 % low (yellow), 20–50 % medium
-- (orange), > 50 % severe (red).
-- Parameters: $low_pct, $medium_pct, $severe_pct.
WITH overdue AS (
  SELECT region_code, year, SUM(amount) AS overdue, COUNT(*) AS creditors
  FROM overdue_debt
  GROUP BY ALL
)
SELECT o.region_code,
       'region' AS subject_type,
       o.region_code AS subject_id,
       COALESCE(r.name, o.region_code) AS subject_name,
       CAST(o.year AS VARCHAR) AS period,
       CAST(o.overdue AS DECIMAL(38, 2)) AS num,
       CAST(p.total_balance AS DECIMAL(38, 2)) AS den,
       CASE WHEN o.overdue * 100 > $severe_pct::DECIMAL(9, 2) * p.total_balance THEN 'red'
            WHEN o.overdue * 100 >= $medium_pct::DECIMAL(9, 2) * p.total_balance THEN 'orange'
            ELSE 'yellow' END AS band,
       CASE WHEN o.overdue * 100 > $severe_pct::DECIMAL(9, 2) * p.total_balance THEN $severe_pct
            WHEN o.overdue * 100 >= $medium_pct::DECIMAL(9, 2) * p.total_balance THEN $medium_pct
            ELSE $low_pct END AS threshold,
       CAST(json_object('year', o.year, 'overdue', o.overdue::VARCHAR, 'creditors', o.creditors,
                        'debt_balance', p.total_balance::VARCHAR) AS VARCHAR) AS evidence
FROM overdue o
JOIN v_debt_position p ON p.region_code = o.region_code AND p.year = o.year
LEFT JOIN region r ON r.code = o.region_code
WHERE p.total_balance > 0
  AND o.overdue * 100 >= $low_pct::DECIMAL(9, 2) * p.total_balance;
