/**
 * Reconciliation lines of a batch: for each table it wrote, the row count and the exact sum of
 * every money column as counted in the source file, in Postgres and in DuckDB. A line
 * reconciles when all three agree to the fen.
 */
import type { Postgres } from '../server/core/pg.ts';
import type { ReconciliationLine } from './report.ts';

/** Numeric text compared as exact decimals ("100.0" = "100.00"; null sum = 0). */
export function sameAmount(a: string | null, b: string | null): boolean {
  const norm = (s: string | null) => {
    if (s === null || s === '') return '0';
    const neg = s.startsWith('-');
    let [w = '', f = ''] = s.replace(/^[-+]/, '').split('.');
    w = w.replace(/^0+/, '');
    f = f.replace(/0+$/, '');
    const v = `${w || '0'}${f ? `.${f}` : ''}`;
    return neg && v !== '0' ? `-${v}` : v;
  };
  return norm(a) === norm(b);
}

export async function reconcileLines(pg: Postgres, batchId: number): Promise<ReconciliationLine[]> {
  const res = await pg.withConnection((tx) =>
    tx.query<{
      table_name: string;
      column_name: string;
      source_rows: string;
      source_sum: string | null;
      pg_rows: string | null;
      pg_sum: string | null;
      duck_rows: string | null;
      duck_sum: string | null;
    }>(`SELECT * FROM batch_reconciliation WHERE batch_id = $1 ORDER BY table_name, column_name`, [batchId]),
  );
  return res.rows.map((r) => {
    const count = r.column_name === '*';
    const reconciled =
      r.pg_rows !== null &&
      r.duck_rows !== null &&
      Number(r.source_rows) === Number(r.pg_rows) &&
      Number(r.pg_rows) === Number(r.duck_rows) &&
      (count || (sameAmount(r.source_sum, r.pg_sum) && sameAmount(r.pg_sum, r.duck_sum) && r.duck_sum !== null));
    return {
      table: r.table_name,
      column: r.column_name,
      source_rows: Number(r.source_rows),
      source_sum: r.source_sum,
      pg_rows: r.pg_rows === null ? null : Number(r.pg_rows),
      pg_sum: r.pg_sum,
      duck_rows: r.duck_rows === null ? null : Number(r.duck_rows),
      duck_sum: r.duck_sum,
      reconciled,
    };
  });
}
