/**
 * Keeps payment_rollup (sql/duckdb/rollups/payment_rollup.sql) in step with the payment table.
 * The embedded databases belong to one process at a time (server/core/context.ts), so payments
 * cannot change under a running server: checking once per process, before the first query, is
 * enough. The check itself is cheap (row count and newest batch id).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Duck } from '../core/duck.ts';
import { SQL_DIR } from '../core/migrate.ts';

const ROLLUP_SQL = path.join(SQL_DIR, 'duckdb/rollups/payment_rollup.sql');
const ready = new WeakMap<Duck, Promise<void>>();

export function ensureRollups(duck: Duck): Promise<void> {
  let p = ready.get(duck);
  if (!p) {
    p = build(duck);
    ready.set(duck, p);
    // A failed build is retried by the next request rather than cached as failed.
    p.catch(() => ready.delete(duck));
  }
  return p;
}

async function build(duck: Duck): Promise<void> {
  const sql = fs.readFileSync(ROLLUP_SQL, 'utf8');
  // The definition's hash is part of the name: a changed definition rebuilds the rollup.
  const name = `payment_rollup@${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 12)}`;
  await duck.run(`CREATE TABLE IF NOT EXISTS rollup_state (name TEXT, source_rows BIGINT, source_max_batch BIGINT)`);
  const [now] = await duck.all<{ rows: string; batch: string | null }>(`SELECT count(*) AS rows, max(batch_id) AS batch FROM payment`);
  const [was] = await duck.all<{ rows: string; batch: string | null }>(
    `SELECT source_rows AS rows, source_max_batch AS batch FROM rollup_state WHERE name = ?`,
    [name],
  );
  const exists = (await duck.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'payment_rollup'`)).length > 0;
  if (exists && was && now && was.rows === now.rows && was.batch === now.batch) return;
  await duck.run(sql);
  await duck.run(`DELETE FROM rollup_state WHERE name LIKE 'payment_rollup@%'`);
  await duck.run(`INSERT INTO rollup_state VALUES (?, ?, ?)`, [
    name,
    Number(now?.rows ?? 0),
    now?.batch === null || now?.batch === undefined ? null : Number(now.batch),
  ]);
}

/** For tests and the ETL: forget that the rollup was checked (after payments change in-process). */
export function invalidateRollups(duck: Duck): void {
  ready.delete(duck);
}
