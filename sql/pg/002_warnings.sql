-- Warnings (预警监测库): rule parameters per region, engine runs, warnings with their tracking to
-- closure. Forward-only. Rules themselves are defined in sql/rules/*.sql (DuckDB) and described
-- in server/warnings/rules.ts; warning_rule mirrors that registry so Postgres reports can join it.

CREATE TABLE warning_rule (
  id            VARCHAR(8) PRIMARY KEY,          -- R1 … R20
  area          TEXT NOT NULL CHECK (area IN ('budget', 'debt', 'revenue', 'audit', 'assets', 'economy', 'disclosure')),
  name_zh       TEXT NOT NULL,
  name_en       TEXT NOT NULL,
  description_zh TEXT NOT NULL,
  description_en TEXT NOT NULL,
  formula       TEXT NOT NULL,
  sql_file      TEXT NOT NULL,
  defaults      JSONB NOT NULL,                  -- parameter name → default value (decimal string)
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A parameter overridden for one region by an administrator. Values are decimal strings or dates.
CREATE TABLE warning_rule_param (
  rule_id       VARCHAR(8) NOT NULL REFERENCES warning_rule (id),
  region_code   CHAR(6) NOT NULL,
  name          TEXT NOT NULL,
  value         TEXT NOT NULL,
  updated_by    TEXT NOT NULL,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, region_code, name)
);

-- Every change of a parameter: who, when, old value (NULL = was the default), new value
-- (NULL = reset to the default).
CREATE TABLE warning_rule_param_change (
  id            BIGSERIAL PRIMARY KEY,
  rule_id       VARCHAR(8) NOT NULL REFERENCES warning_rule (id),
  region_code   CHAR(6) NOT NULL,
  name          TEXT NOT NULL,
  old_value     TEXT,
  new_value     TEXT,
  changed_by    TEXT NOT NULL,
  changed_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX warning_rule_param_change_rule ON warning_rule_param_change (rule_id, region_code, changed_at);

CREATE TABLE warning_run (
  id            BIGSERIAL PRIMARY KEY,
  trigger       TEXT NOT NULL,                   -- cli, api, load
  started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at   TIMESTAMPTZ,
  region_code   CHAR(6),                         -- NULL = every region
  rules         JSONB NOT NULL DEFAULT '[]'::jsonb,
  summary       JSONB NOT NULL DEFAULT '{}'::jsonb  -- counts: fired, created, updated, reopened, resolved; timings
);

-- One warning per fingerprint (rule + region + subject + period): a rerun updates it in place.
-- status: new → acknowledged → inquiry_sent (询问) → response_received → closed_rectified /
-- closed_not_rectified; resolved_by_data is set by the engine when the condition no longer holds.
-- version: optimistic concurrency; every change increments it and must name the version it saw.
CREATE TABLE warning (
  id            BIGSERIAL PRIMARY KEY,
  fingerprint   CHAR(40) NOT NULL UNIQUE,
  rule_id       VARCHAR(8) NOT NULL REFERENCES warning_rule (id),
  area          TEXT NOT NULL,
  region_code   CHAR(6) NOT NULL,
  subject_type  TEXT NOT NULL,
  subject_id    TEXT NOT NULL,
  subject_name  TEXT NOT NULL,
  period        VARCHAR(16) NOT NULL,
  value         TEXT NOT NULL,                   -- exact decimal string, in `unit`
  unit          TEXT NOT NULL,                   -- percent, pp, yuan, days, count
  threshold     TEXT NOT NULL,
  band          TEXT NOT NULL CHECK (band IN ('yellow', 'orange', 'red')),
  severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  message_zh    TEXT NOT NULL,
  message_en    TEXT NOT NULL,
  evidence      JSONB NOT NULL,
  params        JSONB NOT NULL,                  -- the parameter values the run used
  status        TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'inquiry_sent', 'response_received',
                  'closed_rectified', 'closed_not_rectified', 'resolved_by_data')),
  assignee      TEXT,
  version       INTEGER NOT NULL DEFAULT 1,
  first_run_id  BIGINT NOT NULL REFERENCES warning_run (id),
  last_run_id   BIGINT NOT NULL REFERENCES warning_run (id),
  first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  resolved_at   TIMESTAMPTZ,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX warning_filter ON warning (region_code, status, rule_id);
CREATE INDEX warning_subject ON warning (subject_type, subject_id);

-- Full history: every creation, data update, status change, assignment and comment.
CREATE TABLE warning_event (
  id            BIGSERIAL PRIMARY KEY,
  warning_id    BIGINT NOT NULL REFERENCES warning (id),
  at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor         TEXT NOT NULL,                   -- a user, or 'engine'
  kind          TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'reopened', 'resolved_by_data', 'status', 'assigned', 'comment')),
  from_status   TEXT,
  to_status     TEXT,
  comment       TEXT,
  detail        JSONB NOT NULL DEFAULT '{}'::jsonb,
  run_id        BIGINT REFERENCES warning_run (id)
);
CREATE INDEX warning_event_warning ON warning_event (warning_id, id);
