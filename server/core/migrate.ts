/**
 * Schema management.
 * - Postgres: forward-only numbered migrations in sql/pg/NNN_name.sql, each applied once in its
 *   own transaction and recorded in schema_migration.
 * - DuckDB: sql/duckdb/*.sql is idempotent (CREATE … IF NOT EXISTS) and applied at every open.
 * - Views: sql/views/*.sql are written in the SQL both engines accept (CREATE OR REPLACE VIEW)
 *   and applied to both at every open, so a rule or a page reads the same definition in either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Postgres } from './pg.ts';
import type { Duck } from './duck.ts';

export const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql');

function sqlFiles(dir: string): { name: string; sql: string }[] {
  const full = path.join(SQL_DIR, dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(full, name), 'utf8') }));
}

export async function migratePostgres(pg: Postgres): Promise<string[]> {
  const applied: string[] = [];
  await pg.withConnection(async (tx) => {
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  });
  for (const { name, sql } of sqlFiles('pg')) {
    await pg.transaction(async (tx) => {
      // Serialise concurrent migrators (two processes starting at once against one server).
      await tx.query(`LOCK TABLE schema_migration IN EXCLUSIVE MODE`);
      const done = await tx.query(`SELECT 1 FROM schema_migration WHERE name = $1`, [name]);
      if (done.rowCount) return;
      await tx.query(sql);
      await tx.query(`INSERT INTO schema_migration (name) VALUES ($1)`, [name]);
      applied.push(name);
    });
  }
  for (const { sql } of sqlFiles('views')) {
    await pg.transaction(async (tx) => {
      await tx.query(sql);
    });
  }
  // A view normally reads its tables with its owner's rights, which would let a request (role
  // caijian_app) past row-level security (004_rls.sql). security_invoker makes the policies of
  // the caller apply; set after every CREATE OR REPLACE, which may reset it.
  await pg.transaction(async (tx) => {
    const views = await tx.query<{ v: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND n.nspname IN ('public', 'auth')`,
    );
    for (const { v } of views.rows) await tx.query(`ALTER VIEW ${v} SET (security_invoker = true)`);
  });
  return applied;
}

export async function migrateDuck(duck: Duck): Promise<void> {
  for (const { sql } of [...sqlFiles('duckdb'), ...sqlFiles('views')]) await duck.run(sql);
}
