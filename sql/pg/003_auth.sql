-- caijian accounts, sessions and the security audit trail (GB/T 22239-2019 level 3: identification,
-- access control, security audit; OWASP ASVS level 2). Forward-only.
--
-- Everything lives in its own schema `auth`: credentials, sessions and the audit trail are not
-- business facts, are never mirrored into DuckDB, and a separate schema lets a deployment grant
-- the application role exactly what it needs here without touching the fact tables.

CREATE SCHEMA auth;

-- ── Accounts ───────────────────────────────────────────────────────────────
-- Accounts are disabled, never deleted: the audit trail keeps naming them.
CREATE TABLE auth.user_account (
  id              BIGSERIAL PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  display_name    TEXT NOT NULL DEFAULT '',
  role            TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'auditor', 'deputy', 'observer')),
  -- No FK to region: accounts (the first admin) exist before any region is loaded, and region
  -- rows are replaced by reloads. A code missing from `region` scopes the user to that code only.
  region_code     CHAR(6) NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
  password_hash   TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  password_changed_at TIMESTAMPTZ NOT NULL,
  -- Set by an admin reset: the user must choose a new password before doing anything else.
  must_change_password BOOLEAN NOT NULL DEFAULT false,
  -- TOTP secrets are sealed (AES-256-GCM) with a key kept outside the database.
  totp_secret     TEXT,
  totp_pending_secret TEXT,
  -- Last accepted 30-second step: a code is accepted once (RFC 6238 §5.2, ASVS 2.8.4).
  totp_last_step  BIGINT,
  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until    TIMESTAMPTZ,
  disabled_at     TIMESTAMPTZ,
  created_at      TIMESTAMPTZ NOT NULL,
  last_login_at   TIMESTAMPTZ
);

-- ── Sessions ───────────────────────────────────────────────────────────────
-- The session id is 256 random bits held only by the browser; the table keeps its SHA-256, so
-- a read of this table (a backup, a replica) does not yield usable sessions.
CREATE TABLE auth.session (
  id_hash         TEXT PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  user_id         BIGINT NOT NULL REFERENCES auth.user_account (id) ON DELETE CASCADE,
  created_at      TIMESTAMPTZ NOT NULL,
  last_seen_at    TIMESTAMPTZ NOT NULL,
  expires_at      TIMESTAMPTZ NOT NULL,   -- absolute limit, fixed at login
  ip              TEXT,
  user_agent      TEXT
);
CREATE INDEX session_by_user ON auth.session (user_id);
CREATE INDEX session_by_expiry ON auth.session (expires_at);

-- ── Security audit trail ───────────────────────────────────────────────────
-- Append-only and hash-chained: hash = sha256(prev_hash || canonical row), computed by the
-- application (server/auth/audit-trail.repository.ts) under one advisory lock so that seq has no
-- gaps and each row names its predecessor. `caijian audit verify` recomputes the chain.
-- Retention: at least 180 days (Cybersecurity Law of the PRC art. 21: network logs kept no less
-- than six months; GB/T 22239-2019 level 3 asks that audit records be protected from deletion,
-- modification and overwriting). The application never deletes rows and the schema has no purge
-- path: removing history older than the retention period is a deliberate DBA act.
CREATE TABLE auth.audit_trail (
  seq             BIGINT PRIMARY KEY CHECK (seq > 0),
  occurred_at     TIMESTAMPTZ NOT NULL,          -- UTC instant of the event
  user_id         BIGINT,                        -- null for an unknown user (a failed login)
  username        TEXT,                          -- as typed for a failed login, else the account's
  role            TEXT,
  region_code     CHAR(6),
  action          TEXT NOT NULL,                 -- auth.login, auth.logout, access.denied, data.export, data.load, data.change, user.create …
  object_type     TEXT,
  object_id       TEXT,
  outcome         TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  detail          JSONB NOT NULL DEFAULT '{}'::jsonb,
  ip              TEXT,
  prev_hash       TEXT NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash            TEXT NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_trail_time ON auth.audit_trail (occurred_at);
CREATE INDEX audit_trail_user ON auth.audit_trail (user_id, occurred_at);

CREATE FUNCTION auth.audit_trail_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'auth.audit_trail is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON auth.audit_trail
  FOR EACH ROW EXECUTE FUNCTION auth.audit_trail_refuse_change();
-- Row triggers do not fire on TRUNCATE.
CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON auth.audit_trail
  FOR EACH STATEMENT EXECUTE FUNCTION auth.audit_trail_refuse_change();

-- ── Privileges ─────────────────────────────────────────────────────────────
-- The table owner (who runs migrations) can always disable a trigger; the application should
-- log in as a member of caijian_app, which may read and append to the audit trail and nothing
-- more. Creating a role needs CREATEROLE: where the migrator lacks it, the role is left to the
-- DBA and the trigger is the enforcement.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caijian_app') THEN
    BEGIN
      CREATE ROLE caijian_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN
      NULL;  -- created concurrently by another database's migration, or not allowed here
    END;
  END IF;
END
$$;

REVOKE ALL ON auth.audit_trail FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caijian_app') THEN
    GRANT USAGE ON SCHEMA auth TO caijian_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON auth.user_account, auth.session TO caijian_app;
    GRANT USAGE ON SEQUENCE auth.user_account_id_seq TO caijian_app;
    GRANT SELECT, INSERT ON auth.audit_trail TO caijian_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON auth.audit_trail FROM caijian_app;
  END IF;
END
$$;
