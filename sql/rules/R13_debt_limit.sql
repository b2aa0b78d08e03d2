-- R13 债务限额 Limit utilisation = debt balance ÷ debt limit, per region, year and debt type
-- (general 一般 / special 专项) and for the total (DOMAIN.md "Formulas"): over 100 % is a
-- breach (red), over 90 % a flag (yellow).
-- Parameters: $flag_pct, $breach_pct.
WITH positions AS (
  SELECT region_code, year, 'debt_type' AS subject_type, debt_type AS subject_id, limit_amount, balance_amount
  FROM debt_position
  UNION ALL
  SELECT region_code, year, 'region', region_code, total_limit, total_balance
  FROM v_debt_position
)
SELECT p.region_code,
       p.subject_type,
       p.subject_id,
       CASE p.subject_id WHEN 'general' THEN '一般债务' WHEN 'special' THEN '专项债务' ELSE COALESCE(r.name, p.region_code) END AS subject_name,
       CAST(p.year AS VARCHAR) AS period,
       CAST(p.balance_amount AS DECIMAL(38, 2)) AS num,
       CAST(p.limit_amount AS DECIMAL(38, 2)) AS den,
       CASE WHEN p.balance_amount * 100 > $breach_pct::DECIMAL(9, 2) * p.limit_amount THEN 'red' ELSE 'yellow' END AS band,
       CASE WHEN p.balance_amount * 100 > $breach_pct::DECIMAL(9, 2) * p.limit_amount THEN $breach_pct ELSE $flag_pct END AS threshold,
       CAST(json_object('year', p.year, 'balance', p.balance_amount::VARCHAR, 'limit', p.limit_amount::VARCHAR) AS VARCHAR) AS evidence
FROM positions p
LEFT JOIN region r ON r.code = p.region_code
WHERE p.limit_amount > 0
  AND p.balance_amount * 100 > $flag_pct::DECIMAL(9, 2) * p.limit_amount;
