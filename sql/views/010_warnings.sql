-- Shared analytic views for the warning rules (预警监测库) and the pages that show the same figures.
-- Written in the SQL both DuckDB and Postgres accept; applied to both at every open, so a rule
-- (DuckDB) and a Postgres page read one definition. No engine-specific functions here.

-- 综合财力 Comprehensive fiscal capacity, per region and year (DOMAIN.md "Formulas"):
-- general public budget revenue + transfer revenue from upper levels + government fund revenue
-- + state capital operations revenue. The composition varies by province: change it here, once.
-- The expenditure totals the interest ratios divide by are carried alongside.
CREATE OR REPLACE VIEW v_fiscal_capacity AS
SELECT
  region_code,
  year,
  SUM(CASE WHEN component = 'general_revenue' THEN amount ELSE 0 END) AS general_revenue,
  SUM(CASE WHEN component = 'transfer_revenue' THEN amount ELSE 0 END) AS transfer_revenue,
  SUM(CASE WHEN component = 'fund_revenue' THEN amount ELSE 0 END) AS fund_revenue,
  SUM(CASE WHEN component = 'capital_revenue' THEN amount ELSE 0 END) AS capital_revenue,
  SUM(CASE WHEN component IN ('general_revenue', 'transfer_revenue', 'fund_revenue', 'capital_revenue') THEN amount ELSE 0 END) AS capacity,
  SUM(CASE WHEN component = 'general_expenditure' THEN amount ELSE 0 END) AS general_expenditure,
  SUM(CASE WHEN component = 'fund_expenditure' THEN amount ELSE 0 END) AS fund_expenditure,
  COUNT(CASE WHEN component IN ('general_revenue', 'transfer_revenue', 'fund_revenue', 'capital_revenue') THEN 1 END) AS capacity_components
FROM fiscal_capacity
GROUP BY region_code, year;

-- Debt limit and year-end balance per region and year: general, special and total.
CREATE OR REPLACE VIEW v_debt_position AS
SELECT
  region_code,
  year,
  SUM(CASE WHEN debt_type = 'general' THEN limit_amount ELSE 0 END) AS general_limit,
  SUM(CASE WHEN debt_type = 'special' THEN limit_amount ELSE 0 END) AS special_limit,
  SUM(limit_amount) AS total_limit,
  SUM(CASE WHEN debt_type = 'general' THEN balance_amount ELSE 0 END) AS general_balance,
  SUM(CASE WHEN debt_type = 'special' THEN balance_amount ELSE 0 END) AS special_balance,
  SUM(balance_amount) AS total_balance
FROM debt_position
GROUP BY region_code, year;

-- The year's allocation (可执行预算) per department and project: approved budget (批复) plus the
-- adjustments made during the year (调整/调剂). Execution rate divides by `allocation`
-- (DOMAIN.md: paid ÷ (approved + adjustments)). project_code is NULL for basic expenditure.
CREATE OR REPLACE VIEW v_budget_allocation AS
SELECT
  region_code,
  year,
  department_code,
  project_code,
  SUM(approved) AS approved,
  SUM(adjustment) AS adjustments,
  SUM(approved) + SUM(adjustment) AS allocation
FROM (
  SELECT region_code, year, department_code, project_code, amount AS approved, CAST(0 AS NUMERIC(18, 2)) AS adjustment
  FROM budget_line
  WHERE phase = 'approved'
  UNION ALL
  SELECT region_code, year, department_code, project_code, CAST(0 AS NUMERIC(18, 2)) AS approved, amount AS adjustment
  FROM budget_adjustment
) AS lines
GROUP BY region_code, year, department_code, project_code;

-- The latest payment loaded per region, and the default "as of" date of the in-year rules
-- (data_as_of): the end of the latest month the loaded ledger reaches. Treasury ledgers are
-- reported by month (月报), so a ledger whose last payment is Friday 30 October is the October
-- report and time progress (序时进度) is counted to 31 October. A district with no payment in
-- that month is still "as of" that day. Pass $as_of to evaluate at another date.
CREATE OR REPLACE VIEW v_payment_latest AS
SELECT region_code, MAX(paid_on) AS latest_paid_on, CAST(date_trunc('month', MAX(MAX(paid_on)) OVER ()) + INTERVAL '1 month' - INTERVAL '1 day' AS DATE) AS data_as_of
FROM payment
GROUP BY region_code;

-- Each audit finding with its latest rectification status and whether it was ever reported
-- rectified (a finding closed as rectified that appears again is a recurring finding, R15).
CREATE OR REPLACE VIEW v_audit_finding_status AS
SELECT
  f.region_code,
  f.finding_code,
  f.audit_year,
  f.audited_unit,
  f.department_code,
  f.category,
  f.description,
  f.amount,
  f.rectification_type,
  f.deadline,
  f.batch_id,
  u.status AS latest_status,
  u.updated_on AS latest_update_on,
  (SELECT MIN(r.updated_on) FROM rectification_update r
    WHERE r.region_code = f.region_code AND r.finding_code = f.finding_code AND r.status = 'rectified') AS rectified_on
FROM audit_finding f
LEFT JOIN (
  SELECT region_code, finding_code, status, updated_on,
         ROW_NUMBER() OVER (PARTITION BY region_code, finding_code ORDER BY updated_on DESC) AS rn
  FROM rectification_update
) u ON u.region_code = f.region_code AND u.finding_code = f.finding_code AND u.rn = 1;
