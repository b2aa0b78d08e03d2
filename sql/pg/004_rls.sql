-- Row-level security by region (issue 5; GB/T 22239-2019 level 3 access control down to the
-- record; OWASP ASVS 4.0.3 V4.2.1 for the cross-tenant rule). Forward-only.
--
-- How a request sees data: the server opens a transaction, runs `SET LOCAL ROLE caijian_app`
-- and `SELECT set_config('caijian.region_scope', '<code>,<code>,…', true)` (server/auth/
-- region-scope.ts scopedPg). caijian_app is neither owner nor BYPASSRLS, so the policies below
-- apply; both settings end with the transaction. No setting = no rows (deny by default).
--
-- Who is not filtered: the role that ran this migration (the owner: migrations, ETL loads, the
-- warning engine's scheduled runs, the auth service) keeps a policy that shows it everything.
-- FORCE makes the owner subject to policies at all, so a deployment whose owner is not a
-- superuser is still covered by an explicit policy rather than by the owner exemption.
-- A superuser bypasses RLS whatever the table says; that is why requests never run as one.
--
-- New tables: a later migration that adds a table with region_code calls
-- `SELECT caijian_region_rls('schema.table');` (test/rls.test.ts fails until it does).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caijian_app') THEN
    RAISE EXCEPTION 'role caijian_app is missing: create it (CREATE ROLE caijian_app NOLOGIN) as a user with CREATEROLE, then migrate again';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'caijian_app' AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'role caijian_app must be neither SUPERUSER nor BYPASSRLS';
  END IF;
  -- The migrator must be able to SET ROLE caijian_app (a superuser always can).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'caijian_app', 'MEMBER') THEN
    EXECUTE format('GRANT caijian_app TO %I', current_user);
  END IF;
END
$$;

-- The scope as an array; NULL (no setting) matches nothing.
CREATE FUNCTION caijian_region_scope() RETURNS bpchar[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT string_to_array(nullif(current_setting('caijian.region_scope', true), ''), ',')::bpchar[]
$$;

CREATE FUNCTION caijian_region_rls(t regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  nullable boolean;
BEGIN
  SELECT NOT a.attnotnull INTO nullable FROM pg_attribute a WHERE a.attrelid = t AND a.attname = 'region_code' AND NOT a.attisdropped;
  IF nullable IS NULL THEN
    RAISE EXCEPTION '% has no region_code column', t;
  END IF;
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('DROP POLICY IF EXISTS region_owner ON %s', t);
  EXECUTE format('DROP POLICY IF EXISTS region_scope ON %s', t);
  EXECUTE format('CREATE POLICY region_owner ON %s TO %I USING (true) WITH CHECK (true)', t, current_user);
  -- A NULL region (a warning run over every region, a multi-region load batch) is system
  -- metadata every signed-in user may see; it carries no figures of its own.
  EXECUTE format(
    'CREATE POLICY region_scope ON %s TO caijian_app USING (%s region_code = ANY (caijian_region_scope())) WITH CHECK (region_code = ANY (caijian_region_scope()))',
    t, CASE WHEN nullable THEN 'region_code IS NULL OR' ELSE '' END);
END
$$;

-- Every table with a region_code column that exists now, in the application's schemas.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.oid::regclass AS t
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'region_code' AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'auth')
  LOOP
    PERFORM caijian_region_rls(r.t);
  END LOOP;
END
$$;

-- What a request may do. Reads everywhere (rows filtered above); writes only where the
-- application writes during a request (the warning workflow and rule parameters).
GRANT USAGE ON SCHEMA public TO caijian_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO caijian_app;
REVOKE SELECT ON schema_migration FROM caijian_app;
GRANT INSERT, UPDATE ON warning_rule, warning_run, warning, warning_event, warning_rule_param_change TO caijian_app;
GRANT INSERT, UPDATE, DELETE ON warning_rule_param TO caijian_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO caijian_app;
-- Tables added later by the owner are readable by requests too (still filtered once they get RLS).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO caijian_app;
