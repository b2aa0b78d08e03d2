/**
 * Row-level security (sql/pg/004_rls.sql) on PGlite and, with DATABASE_URL, a Postgres server:
 * the catalogue check (every table with a region column has RLS enabled and forced), the
 * application role's attributes, and what a scoped transaction actually sees and may write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Postgres } from '../server/core/pg.ts';
import { APP_ROLE, SCOPE_SETTING } from '../server/auth/region-scope.ts';
import { seedPgRegions } from '../server/auth/testing.ts';
import { pgTargets } from './db.ts';

const scoped = (pg: Postgres, scope: string | null) =>
  pg.scoped(async (q) => {
    await q(`SET LOCAL ROLE ${APP_ROLE}`);
    if (scope !== null) await q(`SELECT set_config($1, $2, true)`, [SCOPE_SETTING, scope]);
  });

describe.each(pgTargets())('row-level security on $name', (target) => {
  let pg: Postgres;
  beforeAll(async () => {
    pg = await target.open();
    await seedPgRegions(pg);
    await pg.withConnection(async (tx) => {
      const b = await tx.query<{ id: string }>(`SELECT min(id) AS id FROM load_batch`);
      await tx.query(
        `INSERT INTO debt_position (region_code, year, debt_type, limit_amount, balance_amount, batch_id) VALUES
           ('990100', 2026, 'general', 10, 5, $1), ('990101', 2026, 'general', 10, 5, $1),
           ('990102', 2026, 'general', 10, 5, $1), ('880100', 2026, 'general', 10, 5, $1)`,
        [b.rows[0]!.id],
      );
    });
  });
  afterAll(async () => {
    await pg?.close();
  });

  it('has no table with a region column lacking ENABLE + FORCE row-level security', async () => {
    const tables = await pg.withConnection((tx) =>
      tx.query<{ t: string; rls: boolean; force: boolean }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS t, c.relrowsecurity AS rls, c.relforcerowsecurity AS force
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'region_code' AND NOT a.attisdropped)
          ORDER BY 1`,
      ),
    );
    const lacking = tables.rows.filter((t) => !t.rls || !t.force).map((t) => t.t);
    console.log(`RLS catalogue (${target.name}): ${tables.rows.length} tables with region_code, ${lacking.length} lacking ENABLE+FORCE`);
    expect(tables.rows.length).toBeGreaterThan(20);
    expect(lacking).toEqual([]);
  });

  it('runs requests as a role that is neither superuser, BYPASSRLS nor owner of a regional table', async () => {
    const role = await pg.withConnection((tx) =>
      tx.query<{ rolsuper: boolean; rolbypassrls: boolean }>(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [APP_ROLE]),
    );
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    const owned = await pg.withConnection((tx) =>
      tx.query(`SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1`, [APP_ROLE]),
    );
    expect(owned.rows).toEqual([]);
    const who = await scoped(pg, '990102').transaction((tx) =>
      tx.query<{ u: string; bypass: boolean }>(
        `SELECT current_user AS u, (SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user) AS bypass`,
      ),
    );
    expect(who.rows).toEqual([{ u: APP_ROLE, bypass: false }]);
  });

  it('shows a scoped transaction only its regions, and nothing without a scope', async () => {
    const regions = async (p: Postgres) =>
      (await p.db.selectFrom('debt_position').select('region_code').orderBy('region_code').execute()).map((r) => r.region_code);
    expect(await regions(scoped(pg, '990102'))).toEqual(['990102']);
    expect(await regions(scoped(pg, '990100,990101,990102'))).toEqual(['990100', '990101', '990102']);
    expect(await regions(scoped(pg, null))).toEqual([]);
    expect(await regions(scoped(pg, ''))).toEqual([]);
    // The owner (migrations, ETL) is not filtered.
    expect(await regions(pg)).toEqual(['880100', '990100', '990101', '990102']);
    // Through a view too (security_invoker, server/core/migrate.ts).
    const viaView = await scoped(pg, '990102').transaction((tx) =>
      tx.query<{ region_code: string }>(`SELECT DISTINCT region_code FROM v_debt_position`),
    );
    expect(viaView.rows.map((r) => r.region_code)).toEqual(['990102']);
  });

  it('refuses writes outside the scope and writes by the app role to fact tables', async () => {
    const s = scoped(pg, '990102');
    await pg.withConnection((tx) =>
      tx.query(`INSERT INTO warning_rule (id, area, name_zh, name_en, description_zh, description_en, formula, sql_file, defaults)
                VALUES ('RT', 'debt', 'x', 'x', 'x', 'x', 'x', 'x', '{}') ON CONFLICT DO NOTHING`),
    );
    await expect(
      s.transaction((tx) =>
        tx.query(`INSERT INTO warning_rule_param (rule_id, region_code, name, value, updated_by) VALUES ('RT', '880100', 'x', '1', 't')`),
      ),
    ).rejects.toThrow(/row-level security/);
    await s.transaction((tx) =>
      tx.query(`INSERT INTO warning_rule_param (rule_id, region_code, name, value, updated_by) VALUES ('RT', '990102', 'x', '1', 't')`),
    );
    await expect(s.transaction((tx) => tx.query(`DELETE FROM debt_position`))).rejects.toThrow(/permission denied/);
    await expect(s.transaction((tx) => tx.query(`UPDATE debt_position SET balance_amount = 0`))).rejects.toThrow(/permission denied/);
    // Nothing of the scope survives the transaction on the pooled connection.
    const after = await pg.withConnection((tx) =>
      tx.query<{ u: string; s: string | null }>(`SELECT current_user AS u, current_setting($1, true) AS s`, [SCOPE_SETTING]),
    );
    expect(after.rows[0]!.u).not.toBe(APP_ROLE);
    expect(after.rows[0]!.s ?? '').toBe('');
  });
});
