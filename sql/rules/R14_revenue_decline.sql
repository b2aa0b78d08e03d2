-- R14 一般公共预算收入下降 General public budget revenue falls year on year, per region:
-- (revenue this year − revenue last year) ÷ revenue last year < −$min_decline_pct.
-- Revenue from v_fiscal_capacity (component general_revenue).
-- Parameters: $min_decline_pct (0 = any fall), $red_decline_pct.
SELECT c.region_code,
       'region' AS subject_type,
       c.region_code AS subject_id,
       COALESCE(r.name, c.region_code) AS subject_name,
       CAST(c.year AS VARCHAR) AS period,
       CAST(c.general_revenue - p.general_revenue AS DECIMAL(38, 2)) AS num,
       CAST(p.general_revenue AS DECIMAL(38, 2)) AS den,
       CASE WHEN (p.general_revenue - c.general_revenue) * 100 > $red_decline_pct::DECIMAL(9, 2) * p.general_revenue THEN 'red' ELSE 'yellow' END AS band,
       CASE WHEN (p.general_revenue - c.general_revenue) * 100 > $red_decline_pct::DECIMAL(9, 2) * p.general_revenue THEN $red_decline_pct ELSE $min_decline_pct END AS threshold,
       CAST(json_object('year', c.year, 'revenue', c.general_revenue::VARCHAR, 'previous_year', p.year,
                        'previous_revenue', p.general_revenue::VARCHAR) AS VARCHAR) AS evidence
FROM v_fiscal_capacity c
JOIN v_fiscal_capacity p ON p.region_code = c.region_code AND p.year = c.year - 1
LEFT JOIN region r ON r.code = c.region_code
WHERE p.general_revenue > 0
  AND c.general_revenue < p.general_revenue
  AND (p.general_revenue - c.general_revenue) * 100 > $min_decline_pct::DECIMAL(9, 2) * p.general_revenue;
