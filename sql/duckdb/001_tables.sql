-- caijian analytics mirror (DuckDB): the same tables as Postgres (sql/pg/001_foundation.sql), without
-- keys or foreign keys. Uniqueness and references are enforced in Postgres and by the ETL; rows
-- arrive here only from committed Postgres batches. Idempotent: applied at every start.
-- tests/schema.spec checks that every column here matches its Postgres twin.

-- The published load batches (mirror of Postgres load_batch).
CREATE TABLE IF NOT EXISTS load_batch (
  id                BIGINT,
  kind              TEXT NOT NULL,
  source_key        TEXT NOT NULL,
  source_name       TEXT NOT NULL,
  source_hash       TEXT NOT NULL,
  source_bytes      BIGINT NOT NULL,
  region_code       CHAR(6),
  status            TEXT NOT NULL,
  replaces          BIGINT,
  row_count         BIGINT NOT NULL,
  rejected_count    BIGINT NOT NULL,
  report            JSON NOT NULL,
  loaded_at         TIMESTAMPTZ NOT NULL,
  published_at      TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS region (
  code              CHAR(6),
  name              TEXT NOT NULL,
  parent_code       CHAR(6),
  level             TEXT NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- 政府收支分类科目 — expenditure function classification 类(3)/款(5)/项(7).
CREATE TABLE IF NOT EXISTS function_class (
  code              VARCHAR(7),
  name              TEXT NOT NULL,
  level             SMALLINT NOT NULL,
  parent_code       VARCHAR(7),
  batch_id          BIGINT NOT NULL
);

-- 支出经济分类: department scheme (部门, 30x/31x) and government scheme (政府, 50x/51x).
CREATE TABLE IF NOT EXISTS economic_class (
  code              VARCHAR(5),
  name              TEXT NOT NULL,
  scheme            TEXT NOT NULL,
  level             SMALLINT NOT NULL,
  parent_code       VARCHAR(5),
  batch_id          BIGINT NOT NULL
);

-- The four budgets of the full scope (全口径).
CREATE TABLE IF NOT EXISTS budget_type (
  code              TEXT,
  name_zh           TEXT NOT NULL,
  name_en           TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS department (
  region_code       CHAR(6) NOT NULL,
  code              VARCHAR(12) NOT NULL,
  name              TEXT NOT NULL,
  parent_code       VARCHAR(12),
  batch_id          BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS project (
  region_code       CHAR(6) NOT NULL,
  code              VARCHAR(24) NOT NULL,
  name              TEXT NOT NULL,
  department_code   VARCHAR(12) NOT NULL,
  function_code     VARCHAR(7) NOT NULL,
  budget_type       TEXT NOT NULL,
  start_year        INTEGER NOT NULL,
  end_year          INTEGER,
  batch_id          BIGINT NOT NULL
);

-- Budget lines by phase: approved (批复) → adjusted (调整后) → executed (执行) → final (决算).
-- expense_kind: basic (基本支出) or project (项目支出).
CREATE TABLE IF NOT EXISTS budget_line (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  phase             TEXT NOT NULL,
  budget_type       TEXT NOT NULL,
  department_code   VARCHAR(12) NOT NULL,
  project_code      VARCHAR(24),
  function_code     VARCHAR(7) NOT NULL,
  economic_code     VARCHAR(5),
  expense_kind      TEXT NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Budget adjustments (预算调整/调剂) during the year.
CREATE TABLE IF NOT EXISTS budget_adjustment (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  adjusted_on       DATE NOT NULL,
  doc_no            TEXT NOT NULL,
  department_code   VARCHAR(12) NOT NULL,
  project_code      VARCHAR(24),
  function_code     VARCHAR(7) NOT NULL,
  economic_code     VARCHAR(5),
  amount            DECIMAL(18,2) NOT NULL,
  reason            TEXT,
  batch_id          BIGINT NOT NULL
);

-- Payments (国库集中支付明细). The widest table (~1e8 rows in a city): kept narrow, no FKs
-- (codes are checked by the ETL before load), one natural key.
CREATE TABLE IF NOT EXISTS payment (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  paid_on           DATE NOT NULL,
  voucher_no        VARCHAR(32) NOT NULL,
  department_code   VARCHAR(12) NOT NULL,
  project_code      VARCHAR(24),
  function_code     VARCHAR(7) NOT NULL,
  economic_code     VARCHAR(5) NOT NULL,
  budget_type       TEXT NOT NULL,
  payee             TEXT NOT NULL,
  payee_kind        TEXT NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Cells of the standard department disclosure tables (部门预算/决算公开, tables 1–9), as
-- published by each department. Detail rows only: subtotal and total rows (合计/小计, 类/款 rows
-- of a 项 table) are checked by the ETL against their rows and reported, not stored. Table 7
-- (三公) is stored whole, its total included, so that parts that do not add up can be flagged.
-- line_code: a function code (tables 2, 3, 5, 8, 9), an economic code (table 6) or an item key
-- (tables 1, 4, 7: see etl/disclosure.ts). measure: the column (total, basic, project, amount …).
CREATE TABLE IF NOT EXISTS disclosure_line (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  phase             TEXT NOT NULL,
  department_code   VARCHAR(12) NOT NULL,
  table_no          SMALLINT NOT NULL,
  line_code         VARCHAR(32) NOT NULL,
  line_name         TEXT NOT NULL,
  measure           VARCHAR(32) NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Performance targets (绩效目标) and actuals per project.
CREATE TABLE IF NOT EXISTS performance_target (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  project_code      VARCHAR(24) NOT NULL,
  indicator         TEXT NOT NULL,
  indicator_type    TEXT NOT NULL,
  unit              TEXT,
  target_value      DECIMAL(20,4),
  actual_value      DECIMAL(20,4),
  batch_id          BIGINT NOT NULL
);

-- Plan indicators (规划/计划指标): target and actual per period. period: 'YYYY', 'YYYY-Qn' or 'YYYY-MM'.
CREATE TABLE IF NOT EXISTS plan_indicator (
  region_code       CHAR(6) NOT NULL,
  plan              TEXT NOT NULL,
  indicator_code    VARCHAR(24) NOT NULL,
  name              TEXT NOT NULL,
  unit              TEXT,
  period            VARCHAR(7) NOT NULL,
  target_value      DECIMAL(20,4),
  actual_value      DECIMAL(20,4),
  direction         TEXT NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Enterprises and financial enterprises with their yearly financials.
CREATE TABLE IF NOT EXISTS enterprise_financials (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  enterprise_code   VARCHAR(24) NOT NULL,
  name              TEXT NOT NULL,
  kind              TEXT NOT NULL,
  supervisor        TEXT,
  total_assets      DECIMAL(18,2) NOT NULL,
  total_liabilities DECIMAL(18,2) NOT NULL,
  owners_equity     DECIMAL(18,2) NOT NULL,
  revenue           DECIMAL(18,2) NOT NULL,
  profit            DECIMAL(18,2) NOT NULL,
  state_capital_begin DECIMAL(18,2) NOT NULL,
  state_capital_end DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Administrative / institutional asset cards (行政事业性国有资产), one snapshot per year.
CREATE TABLE IF NOT EXISTS asset_card (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  card_no           VARCHAR(32) NOT NULL,
  department_code   VARCHAR(12) NOT NULL,
  category          TEXT NOT NULL,
  name              TEXT NOT NULL,
  acquired_on       DATE,
  original_value    DECIMAL(18,2) NOT NULL,
  net_value         DECIMAL(18,2) NOT NULL,
  status            TEXT NOT NULL,
  quantity          DECIMAL(20,4),
  batch_id          BIGINT NOT NULL
);

-- State natural resources (国有自然资源).
CREATE TABLE IF NOT EXISTS natural_resource (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  kind              TEXT NOT NULL,
  name              TEXT NOT NULL,
  unit              TEXT NOT NULL,
  quantity          DECIMAL(20,4) NOT NULL,
  value             DECIMAL(18,2),
  batch_id          BIGINT NOT NULL
);

-- Limit (限额) and year-end balance (余额) per region, year, type (general 一般 / special 专项).
CREATE TABLE IF NOT EXISTS debt_position (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  debt_type         TEXT NOT NULL,
  limit_amount      DECIMAL(18,2) NOT NULL,
  balance_amount    DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS bond (
  region_code       CHAR(6) NOT NULL,
  code              VARCHAR(24) NOT NULL,
  name              TEXT NOT NULL,
  debt_type         TEXT NOT NULL,
  purpose           TEXT NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  coupon_rate       DECIMAL(9,4) NOT NULL,
  term_years        INTEGER NOT NULL,
  issued_on         DATE NOT NULL,
  matures_on        DATE NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Bond money allocated to projects (债券资金安排).
CREATE TABLE IF NOT EXISTS bond_use (
  region_code       CHAR(6) NOT NULL,
  bond_code         VARCHAR(24) NOT NULL,
  project_code      VARCHAR(24) NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Bond money actually spent (债券资金支出), dated, per project.
CREATE TABLE IF NOT EXISTS bond_spending (
  region_code       CHAR(6) NOT NULL,
  bond_code         VARCHAR(24) NOT NULL,
  project_code      VARCHAR(24) NOT NULL,
  spent_on          DATE NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Principal and interest schedule (还本付息计划) and actual repayments (实际还本付息).
CREATE TABLE IF NOT EXISTS debt_repayment (
  region_code       CHAR(6) NOT NULL,
  bond_code         VARCHAR(24) NOT NULL,
  kind              TEXT NOT NULL,
  due_on            DATE NOT NULL,
  principal         DECIMAL(18,2) NOT NULL,
  interest          DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Overdue debt (逾期债务).
CREATE TABLE IF NOT EXISTS overdue_debt (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  debt_type         TEXT NOT NULL,
  creditor          TEXT NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  overdue_since     DATE NOT NULL,
  batch_id          BIGINT NOT NULL
);

-- Components of comprehensive fiscal capacity (综合财力) and the expenditure totals the debt
-- indicators divide by. component: general_revenue, transfer_revenue, fund_revenue,
-- capital_revenue, general_expenditure, fund_expenditure.
CREATE TABLE IF NOT EXISTS fiscal_capacity (
  region_code       CHAR(6) NOT NULL,
  year              INTEGER NOT NULL,
  component         TEXT NOT NULL,
  amount            DECIMAL(18,2) NOT NULL,
  batch_id          BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_finding (
  region_code       CHAR(6) NOT NULL,
  finding_code      VARCHAR(32) NOT NULL,
  audit_year        INTEGER NOT NULL,
  report_code       VARCHAR(32) NOT NULL,
  report_title      TEXT NOT NULL,
  audited_unit      TEXT NOT NULL,
  department_code   VARCHAR(12),
  category          TEXT NOT NULL,
  description       TEXT NOT NULL,
  amount            DECIMAL(18,2),
  rectification_type TEXT NOT NULL,
  deadline          DATE,
  batch_id          BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS rectification_update (
  region_code       CHAR(6) NOT NULL,
  finding_code      VARCHAR(32) NOT NULL,
  updated_on        DATE NOT NULL,
  status            TEXT NOT NULL,
  amount_rectified  DECIMAL(18,2),
  measures          TEXT,
  rules_issued      INTEGER,
  batch_id          BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS policy_document (
  region_code       CHAR(6) NOT NULL,
  doc_no            TEXT NOT NULL,
  title             TEXT NOT NULL,
  issuer            TEXT NOT NULL,
  issued_on         DATE NOT NULL,
  body              TEXT NOT NULL,
  batch_id          BIGINT NOT NULL
);

INSERT INTO budget_type
SELECT * FROM (VALUES
  ('general', '一般公共预算', 'General public budget'),
  ('fund', '政府性基金预算', 'Government fund budget'),
  ('capital', '国有资本经营预算', 'State capital operations budget'),
  ('social', '社会保险基金预算', 'Social insurance fund budget')) AS t(code, name_zh, name_en)
WHERE NOT EXISTS (SELECT 1 FROM budget_type);
