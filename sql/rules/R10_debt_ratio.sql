-- R10 债务率 Debt ratio = year-end debt balance ÷ comprehensive fiscal capacity (综合财力,
-- v_fiscal_capacity), per region and year (DOMAIN.md "Formulas"). Bands used in practice:
-- green < 120 %, yellow 120–200 %, orange 200–300 %, red ≥ 300 %. Green raises no warning.
-- Parameters: $yellow_pct, $orange_pct, $red_pct.
SELECT p.region_code,
       'region' AS subject_type,
       p.region_code AS subject_id,
       COALESCE(r.name, p.region_code) AS subject_name,
       CAST(p.year AS VARCHAR) AS period,
       CAST(p.total_balance AS DECIMAL(38, 2)) AS num,
       CAST(c.capacity AS DECIMAL(38, 2)) AS den,
       CASE WHEN p.total_balance * 100 >= $red_pct::DECIMAL(9, 2) * c.capacity THEN 'red'
            WHEN p.total_balance * 100 >= $orange_pct::DECIMAL(9, 2) * c.capacity THEN 'orange'
            ELSE 'yellow' END AS band,
       CASE WHEN p.total_balance * 100 >= $red_pct::DECIMAL(9, 2) * c.capacity THEN $red_pct
            WHEN p.total_balance * 100 >= $orange_pct::DECIMAL(9, 2) * c.capacity THEN $orange_pct
            ELSE $yellow_pct END AS threshold,
       CAST(json_object('year', p.year, 'debt_balance', p.total_balance::VARCHAR, 'general_balance', p.general_balance::VARCHAR,
                        'special_balance', p.special_balance::VARCHAR, 'fiscal_capacity', c.capacity::VARCHAR,
                        'general_revenue', c.general_revenue::VARCHAR, 'transfer_revenue', c.transfer_revenue::VARCHAR,
                        'fund_revenue', c.fund_revenue::VARCHAR, 'capital_revenue', c.capital_revenue::VARCHAR) AS VARCHAR) AS evidence
FROM v_debt_position p
JOIN v_fiscal_capacity c ON c.region_code = p.region_code AND c.year = p.year
LEFT JOIN region r ON r.code = p.region_code
WHERE c.capacity > 0
  AND p.total_balance * 100 >= $yellow_pct::DECIMAL(9, 2) * c.capacity;
