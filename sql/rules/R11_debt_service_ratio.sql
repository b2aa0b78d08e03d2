-- R11 偿债压力 Debt service burden, per region and year (DOMAIN.md "Formulas"):
--  * interest expenditure ratio (利息支出率) = general-debt interest due in the year ÷ general
--    public budget expenditure; above $interest_pct is the line for a fiscal restructuring plan
--    (red). Special-debt interest ÷ government fund expenditure is judged the same way, with the
--    debt type as subject;
--  * debt service ratio (偿债率) = principal + interest due in the year ÷ comprehensive fiscal
--    capacity; above $service_pct (yellow; DOMAIN.md gives no line: an assumption).
-- A region breaching both shows the interest ratio (the graver line); the evidence has both.
-- Parameters: $service_pct, $interest_pct.
WITH scheduled AS (
  SELECT d.region_code, year(d.due_on) AS year,
         SUM(d.principal) AS principal, SUM(d.interest) AS interest,
         SUM(CASE WHEN b.debt_type = 'general' THEN d.interest ELSE 0 END) AS general_interest,
         SUM(CASE WHEN b.debt_type = 'special' THEN d.interest ELSE 0 END) AS special_interest
  FROM debt_repayment d
  JOIN bond b ON b.region_code = d.region_code AND b.code = d.bond_code
  WHERE d.kind = 'scheduled'
  GROUP BY ALL
), measured AS (
  SELECT s.*, c.capacity, c.general_expenditure, c.fund_expenditure,
         c.general_expenditure > 0 AND s.general_interest * 100 > $interest_pct::DECIMAL(9, 2) * c.general_expenditure AS interest_breach,
         c.capacity > 0 AND (s.principal + s.interest) * 100 > $service_pct::DECIMAL(9, 2) * c.capacity AS service_breach,
         c.fund_expenditure > 0 AND s.special_interest * 100 > $interest_pct::DECIMAL(9, 2) * c.fund_expenditure AS special_breach
  FROM scheduled s JOIN v_fiscal_capacity c ON c.region_code = s.region_code AND c.year = s.year
), flagged AS (
  SELECT region_code, year, 'region' AS subject_type, region_code AS subject_id,
         CASE WHEN interest_breach THEN general_interest ELSE principal + interest END AS num,
         CASE WHEN interest_breach THEN general_expenditure ELSE capacity END AS den,
         CASE WHEN interest_breach THEN 'red' ELSE 'yellow' END AS band,
         CASE WHEN interest_breach THEN $interest_pct ELSE $service_pct END AS threshold,
         json_object('measure', CASE WHEN interest_breach THEN 'interest_ratio' ELSE 'debt_service_ratio' END, 'year', year,
                     'principal_due', principal::VARCHAR, 'interest_due', interest::VARCHAR,
                     'general_interest_due', general_interest::VARCHAR, 'general_expenditure', general_expenditure::VARCHAR,
                     'fiscal_capacity', capacity::VARCHAR, 'interest_breach', interest_breach, 'service_breach', service_breach) AS evidence
  FROM measured WHERE interest_breach OR service_breach
  UNION ALL
  SELECT region_code, year, 'debt_type', 'special', special_interest, fund_expenditure, 'red', $interest_pct,
         json_object('measure', 'interest_ratio', 'year', year, 'special_interest_due', special_interest::VARCHAR,
                     'fund_expenditure', fund_expenditure::VARCHAR)
  FROM measured WHERE special_breach
)
SELECT f.region_code,
       f.subject_type,
       f.subject_id,
       CASE f.subject_id WHEN 'special' THEN '专项债务' ELSE COALESCE(r.name, f.region_code) END AS subject_name,
       CAST(f.year AS VARCHAR) AS period,
       CAST(f.num AS DECIMAL(38, 2)) AS num,
       CAST(f.den AS DECIMAL(38, 2)) AS den,
       f.band,
       f.threshold,
       CAST(f.evidence AS VARCHAR) AS evidence
FROM flagged f
LEFT JOIN region r ON r.code = f.region_code;
