-- R17 国有企业风险 State-owned enterprise risk, per enterprise and year: debt-to-asset ratio
-- (资产负债率 = total liabilities ÷ total assets) above $max_debt_asset_pct (non-financial
-- enterprises: banks run on leverage), or a loss in this year and the year before.
-- Measured value: the debt-to-asset ratio, or — when only the losses fire — the two years' profit
-- (元); the evidence says which condition fired.
-- Parameters: $max_debt_asset_pct.
WITH e AS (
  SELECT cur.region_code, cur.year, cur.enterprise_code, cur.name, cur.kind,
         cur.total_assets, cur.total_liabilities, cur.profit, prev.profit AS previous_profit,
         cur.kind = 'enterprise'
           AND cur.total_liabilities * 100 > $max_debt_asset_pct::DECIMAL(9, 2) * cur.total_assets AS high_leverage,
         cur.profit < 0 AND prev.profit < 0 AS losses_two_years
  FROM enterprise_financials cur
  LEFT JOIN enterprise_financials prev
    ON prev.region_code = cur.region_code AND prev.enterprise_code = cur.enterprise_code AND prev.year = cur.year - 1
  WHERE cur.total_assets > 0
)
SELECT region_code,
       'enterprise' AS subject_type,
       enterprise_code AS subject_id,
       name AS subject_name,
       CAST(year AS VARCHAR) AS period,
       CAST(CASE WHEN high_leverage THEN total_liabilities ELSE profit + previous_profit END AS DECIMAL(38, 2)) AS num,
       CAST(CASE WHEN high_leverage THEN total_assets ELSE 1 END AS DECIMAL(38, 2)) AS den,
       CASE WHEN high_leverage AND losses_two_years THEN 'red' ELSE 'orange' END AS band,
       CASE WHEN high_leverage THEN $max_debt_asset_pct ELSE '0' END AS threshold,
       CASE WHEN high_leverage THEN 'percent' ELSE 'yuan' END AS unit,
       CAST(json_object('year', year, 'high_leverage', COALESCE(high_leverage, false), 'losses_two_years', COALESCE(losses_two_years, false),
                        'total_assets', total_assets::VARCHAR, 'total_liabilities', total_liabilities::VARCHAR,
                        'profit', profit::VARCHAR, 'previous_profit', previous_profit::VARCHAR) AS VARCHAR) AS evidence
FROM e
WHERE high_leverage OR COALESCE(losses_two_years, false);
