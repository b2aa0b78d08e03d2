-- The security audit trail under row-level security (follows 004_rls.sql). Forward-only.
--
-- auth.audit_trail is one hash chain over every region: whoever appends must read the chain's
-- tail (the previous row's hash), whatever its region, or the chain forks and `caijian audit
-- verify` fails. So the application role may read every row and append any row; it still may not
-- UPDATE, DELETE or TRUNCATE (003_auth.sql), and RLS stays ENABLEd and FORCEd. A route that
-- shows the trail to people (the admins' audit search) filters it by the user's scope itself.
DROP POLICY IF EXISTS region_scope ON auth.audit_trail;
CREATE POLICY chain_read ON auth.audit_trail FOR SELECT TO caijian_app USING (true);
CREATE POLICY chain_append ON auth.audit_trail FOR INSERT TO caijian_app WITH CHECK (true);
