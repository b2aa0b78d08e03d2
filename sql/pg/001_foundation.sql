-- caijian foundation schema (Postgres, system of record).
-- Forward-only: never edit a migration that has shipped; add a new numbered file.
-- Money is NUMERIC(18,2) in 元 (yuan). Every loaded row carries the load batch it came from;
-- every fact row carries its region (6-digit administrative code).

-- ── Loading ────────────────────────────────────────────────────────────────
-- One row per loaded source file (or per sheet group of one workbook).
-- status: committed = in Postgres; published = also in DuckDB; replaced = superseded by a
-- corrected file from the same source; a batch never exists half-loaded (one transaction).
CREATE TABLE load_batch (
  id            BIGSERIAL PRIMARY KEY,
  kind          TEXT NOT NULL,              -- source kind, e.g. payments, budget_disclosure
  source_key    TEXT NOT NULL,              -- identity of the source: a corrected file with the same key replaces the batch
  source_name   TEXT NOT NULL,              -- file name as given
  source_hash   TEXT NOT NULL,              -- sha256 of the file bytes
  source_bytes  BIGINT NOT NULL,
  region_code   CHAR(6),                    -- region the file belongs to, when it is one region's
  status        TEXT NOT NULL CHECK (status IN ('committed', 'published', 'replaced')),
  replaces      BIGINT REFERENCES load_batch (id),
  row_count     BIGINT NOT NULL,
  rejected_count BIGINT NOT NULL DEFAULT 0,
  report        JSONB NOT NULL DEFAULT '{}'::jsonb,  -- the load report: warnings, skipped rows, subtotal checks
  loaded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX load_batch_live_source ON load_batch (kind, source_key) WHERE status <> 'replaced';
CREATE INDEX load_batch_hash ON load_batch (source_hash);

-- Reconciliation: row count and sum of every amount column, per table the batch wrote,
-- as counted in the source file, in Postgres and in DuckDB. Sums are exact NUMERIC.
CREATE TABLE batch_reconciliation (
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  table_name    TEXT NOT NULL,
  column_name   TEXT NOT NULL,              -- '*' for the row count line
  source_rows   BIGINT NOT NULL,
  source_sum    NUMERIC(24,2),
  pg_rows       BIGINT,
  pg_sum        NUMERIC(24,2),
  duck_rows     BIGINT,
  duck_sum      NUMERIC(24,2),
  PRIMARY KEY (batch_id, table_name, column_name)
);

-- ── Reference data ─────────────────────────────────────────────────────────
CREATE TABLE region (
  code          CHAR(6) PRIMARY KEY,
  name          TEXT NOT NULL,
  parent_code   CHAR(6) REFERENCES region (code),
  level         TEXT NOT NULL CHECK (level IN ('province', 'city', 'district')),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id)
);

CREATE TABLE fiscal_year (
  year          INTEGER PRIMARY KEY CHECK (year BETWEEN 1990 AND 2100),
  start_date    DATE NOT NULL,
  end_date      DATE NOT NULL
);

-- 政府收支分类科目 — expenditure function classification 类(3)/款(5)/项(7).
CREATE TABLE function_class (
  code          VARCHAR(7) PRIMARY KEY CHECK (code ~ '^[0-9]{3}([0-9]{2}){0,2}$'),
  name          TEXT NOT NULL,
  level         SMALLINT NOT NULL CHECK (level IN (1, 2, 3)),
  parent_code   VARCHAR(7) REFERENCES function_class (code),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id)
);

-- 支出经济分类: department scheme (部门, 30x/31x) and government scheme (政府, 50x/51x).
CREATE TABLE economic_class (
  code          VARCHAR(5) PRIMARY KEY CHECK (code ~ '^[0-9]{3}([0-9]{2})?$'),
  name          TEXT NOT NULL,
  scheme        TEXT NOT NULL CHECK (scheme IN ('department', 'government')),
  level         SMALLINT NOT NULL CHECK (level IN (1, 2)),
  parent_code   VARCHAR(5) REFERENCES economic_class (code),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id)
);

-- The four budgets of the full scope (全口径).
CREATE TABLE budget_type (
  code          TEXT PRIMARY KEY,
  name_zh       TEXT NOT NULL,
  name_en       TEXT NOT NULL
);
INSERT INTO budget_type (code, name_zh, name_en) VALUES
  ('general', '一般公共预算', 'General public budget'),
  ('fund', '政府性基金预算', 'Government fund budget'),
  ('capital', '国有资本经营预算', 'State capital operations budget'),
  ('social', '社会保险基金预算', 'Social insurance fund budget');

CREATE TABLE department (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  code          VARCHAR(12) NOT NULL,
  name          TEXT NOT NULL,
  parent_code   VARCHAR(12),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, code)
);

CREATE TABLE project (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  code          VARCHAR(24) NOT NULL,
  name          TEXT NOT NULL,
  department_code VARCHAR(12) NOT NULL,
  function_code VARCHAR(7) NOT NULL REFERENCES function_class (code),
  budget_type   TEXT NOT NULL REFERENCES budget_type (code),
  start_year    INTEGER NOT NULL,
  end_year      INTEGER,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, code),
  FOREIGN KEY (region_code, department_code) REFERENCES department (region_code, code)
);

-- ── 1. Budget and final accounts ───────────────────────────────────────────
-- Budget lines by phase: approved (批复) → adjusted (调整后) → executed (执行) → final (决算).
-- expense_kind: basic (基本支出) or project (项目支出).
CREATE TABLE budget_line (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  phase         TEXT NOT NULL CHECK (phase IN ('approved', 'adjusted', 'executed', 'final')),
  budget_type   TEXT NOT NULL REFERENCES budget_type (code),
  department_code VARCHAR(12) NOT NULL,
  project_code  VARCHAR(24),
  function_code VARCHAR(7) NOT NULL REFERENCES function_class (code),
  economic_code VARCHAR(5) REFERENCES economic_class (code),
  expense_kind  TEXT NOT NULL CHECK (expense_kind IN ('basic', 'project')),
  amount        NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id)
);
CREATE INDEX budget_line_lookup ON budget_line (region_code, year, department_code);
CREATE INDEX budget_line_batch ON budget_line (batch_id);

-- Budget adjustments (预算调整/调剂) during the year.
CREATE TABLE budget_adjustment (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  adjusted_on   DATE NOT NULL,
  doc_no        TEXT NOT NULL,
  department_code VARCHAR(12) NOT NULL,
  project_code  VARCHAR(24),
  function_code VARCHAR(7) NOT NULL REFERENCES function_class (code),
  economic_code VARCHAR(5) REFERENCES economic_class (code),
  amount        NUMERIC(18,2) NOT NULL,
  reason        TEXT,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id)
);
CREATE INDEX budget_adjustment_batch ON budget_adjustment (batch_id);

-- Payments (国库集中支付明细). The widest table (~1e8 rows in a city): kept narrow, no FKs
-- (codes are checked by the ETL before load), one natural key.
CREATE TABLE payment (
  region_code   CHAR(6) NOT NULL,
  year          INTEGER NOT NULL,
  paid_on       DATE NOT NULL,
  voucher_no    VARCHAR(32) NOT NULL,
  department_code VARCHAR(12) NOT NULL,
  project_code  VARCHAR(24),
  function_code VARCHAR(7) NOT NULL,
  economic_code VARCHAR(5) NOT NULL,
  budget_type   TEXT NOT NULL,
  payee         TEXT NOT NULL,
  payee_kind    TEXT NOT NULL CHECK (payee_kind IN ('organisation', 'individual')),
  amount        NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL,
  PRIMARY KEY (region_code, voucher_no)
);
CREATE INDEX payment_batch ON payment (batch_id);
CREATE INDEX payment_dept ON payment (region_code, year, department_code);

-- Cells of the standard department disclosure tables (部门预算/决算公开, tables 1–9), as
-- published by each department. Detail rows only: subtotal and total rows (合计/小计, 类/款 rows
-- of a 项 table) are checked by the ETL against their rows and reported, not stored. Table 7
-- (三公) is stored whole, its total included, so that parts that do not add up can be flagged.
-- line_code: a function code (tables 2, 3, 5, 8, 9), an economic code (table 6) or an item key
-- (tables 1, 4, 7: see etl/disclosure.ts). measure: the column (total, basic, project, amount …).
CREATE TABLE disclosure_line (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  phase         TEXT NOT NULL CHECK (phase IN ('approved', 'final')),
  department_code VARCHAR(12) NOT NULL,
  table_no      SMALLINT NOT NULL CHECK (table_no BETWEEN 1 AND 9),
  line_code     VARCHAR(32) NOT NULL,
  line_name     TEXT NOT NULL,
  measure       VARCHAR(32) NOT NULL,
  amount        NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, phase, department_code, table_no, line_code, measure)
);

-- Performance targets (绩效目标) and actuals per project.
CREATE TABLE performance_target (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  project_code  VARCHAR(24) NOT NULL,
  indicator     TEXT NOT NULL,
  indicator_type TEXT NOT NULL,   -- 产出/效益/满意度 …
  unit          TEXT,
  target_value  NUMERIC(20,4),
  actual_value  NUMERIC(20,4),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, project_code, indicator)
);

-- ── 2. Economy ─────────────────────────────────────────────────────────────
-- Plan indicators (规划/计划指标): target and actual per period. period: 'YYYY', 'YYYY-Qn' or 'YYYY-MM'.
CREATE TABLE plan_indicator (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  plan          TEXT NOT NULL CHECK (plan IN ('annual', 'five_year')),
  indicator_code VARCHAR(24) NOT NULL,
  name          TEXT NOT NULL,
  unit          TEXT,
  period        VARCHAR(7) NOT NULL CHECK (period ~ '^[0-9]{4}(-Q[1-4]|-[0-9]{2})?$'),
  target_value  NUMERIC(20,4),
  actual_value  NUMERIC(20,4),
  direction     TEXT NOT NULL CHECK (direction IN ('higher_better', 'lower_better')),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, plan, indicator_code, period)
);

-- ── 3. State-owned assets ──────────────────────────────────────────────────
-- Enterprises and financial enterprises with their yearly financials.
CREATE TABLE enterprise_financials (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  enterprise_code VARCHAR(24) NOT NULL,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('enterprise', 'financial')),
  supervisor    TEXT,
  total_assets  NUMERIC(18,2) NOT NULL,
  total_liabilities NUMERIC(18,2) NOT NULL,
  owners_equity NUMERIC(18,2) NOT NULL,
  revenue       NUMERIC(18,2) NOT NULL,
  profit        NUMERIC(18,2) NOT NULL,
  state_capital_begin NUMERIC(18,2) NOT NULL,
  state_capital_end NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, enterprise_code)
);

-- Administrative / institutional asset cards (行政事业性国有资产), one snapshot per year.
CREATE TABLE asset_card (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  card_no       VARCHAR(32) NOT NULL,
  department_code VARCHAR(12) NOT NULL,
  category      TEXT NOT NULL CHECK (category IN ('land', 'building', 'vehicle', 'equipment', 'other')),
  name          TEXT NOT NULL,
  acquired_on   DATE,
  original_value NUMERIC(18,2) NOT NULL,
  net_value     NUMERIC(18,2) NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('in_use', 'idle', 'rented', 'disposed')),
  quantity      NUMERIC(20,4),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, card_no)
);

-- State natural resources (国有自然资源).
CREATE TABLE natural_resource (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('land', 'mineral', 'forest', 'water', 'grassland', 'wetland', 'ocean')),
  name          TEXT NOT NULL,
  unit          TEXT NOT NULL,
  quantity      NUMERIC(20,4) NOT NULL,
  value         NUMERIC(18,2),
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, kind, name)
);

-- ── 4. Government debt ─────────────────────────────────────────────────────
-- Limit (限额) and year-end balance (余额) per region, year, type (general 一般 / special 专项).
CREATE TABLE debt_position (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  debt_type     TEXT NOT NULL CHECK (debt_type IN ('general', 'special')),
  limit_amount  NUMERIC(18,2) NOT NULL,
  balance_amount NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, debt_type)
);

CREATE TABLE bond (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  code          VARCHAR(24) NOT NULL,
  name          TEXT NOT NULL,
  debt_type     TEXT NOT NULL CHECK (debt_type IN ('general', 'special')),
  purpose       TEXT NOT NULL CHECK (purpose IN ('new', 'refinancing')),
  amount        NUMERIC(18,2) NOT NULL,
  coupon_rate   NUMERIC(9,4) NOT NULL,      -- percent, e.g. 2.8500
  term_years    INTEGER NOT NULL,
  issued_on     DATE NOT NULL,
  matures_on    DATE NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, code)
);

-- Bond money allocated to projects (债券资金安排).
CREATE TABLE bond_use (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  bond_code     VARCHAR(24) NOT NULL,
  project_code  VARCHAR(24) NOT NULL,
  amount        NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, bond_code, project_code)
);

-- Bond money actually spent (债券资金支出), dated, per project.
CREATE TABLE bond_spending (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  bond_code     VARCHAR(24) NOT NULL,
  project_code  VARCHAR(24) NOT NULL,
  spent_on      DATE NOT NULL,
  amount        NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id)
);
CREATE INDEX bond_spending_bond ON bond_spending (region_code, bond_code);

-- Principal and interest schedule (还本付息计划) and actual repayments (实际还本付息).
CREATE TABLE debt_repayment (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  bond_code     VARCHAR(24) NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('scheduled', 'actual')),
  due_on        DATE NOT NULL,
  principal     NUMERIC(18,2) NOT NULL,
  interest      NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, bond_code, kind, due_on)
);

-- Overdue debt (逾期债务).
CREATE TABLE overdue_debt (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  debt_type     TEXT NOT NULL CHECK (debt_type IN ('general', 'special')),
  creditor      TEXT NOT NULL,
  amount        NUMERIC(18,2) NOT NULL,
  overdue_since DATE NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, debt_type, creditor)
);

-- Components of comprehensive fiscal capacity (综合财力) and the expenditure totals the debt
-- indicators divide by. component: general_revenue, transfer_revenue, fund_revenue,
-- capital_revenue, general_expenditure, fund_expenditure.
CREATE TABLE fiscal_capacity (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  year          INTEGER NOT NULL,
  component     TEXT NOT NULL CHECK (component IN ('general_revenue', 'transfer_revenue', 'fund_revenue', 'capital_revenue', 'general_expenditure', 'fund_expenditure')),
  amount        NUMERIC(18,2) NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, year, component)
);

-- ── 5. Audit rectification ─────────────────────────────────────────────────
CREATE TABLE audit_finding (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  finding_code  VARCHAR(32) NOT NULL,
  audit_year    INTEGER NOT NULL,
  report_code   VARCHAR(32) NOT NULL,
  report_title  TEXT NOT NULL,
  audited_unit  TEXT NOT NULL,               -- name as written in the report
  department_code VARCHAR(12),               -- resolved department, when the unit is one
  category      TEXT NOT NULL,
  description   TEXT NOT NULL,
  amount        NUMERIC(18,2),
  rectification_type TEXT NOT NULL CHECK (rectification_type IN ('immediate', 'staged', 'ongoing')),
  deadline      DATE,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, finding_code)
);

CREATE TABLE rectification_update (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),
  finding_code  VARCHAR(32) NOT NULL,
  updated_on    DATE NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'rectified', 'not_rectified')),
  amount_rectified NUMERIC(18,2),
  measures      TEXT,
  rules_issued  INTEGER,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, finding_code, updated_on)
);

-- ── 6. Finance policy library ──────────────────────────────────────────────
CREATE TABLE policy_document (
  region_code   CHAR(6) NOT NULL REFERENCES region (code),  -- the region whose library holds it
  doc_no        TEXT NOT NULL,                               -- 文号, e.g. 国发〔2014〕43号
  title         TEXT NOT NULL,
  issuer        TEXT NOT NULL,
  issued_on     DATE NOT NULL,
  body          TEXT NOT NULL,
  batch_id      BIGINT NOT NULL REFERENCES load_batch (id),
  PRIMARY KEY (region_code, doc_no)
);

INSERT INTO fiscal_year (year, start_date, end_date)
SELECT y, make_date(y, 1, 1), make_date(y, 12, 31) FROM generate_series(2000, 2060) AS y;
