/**
 * What is loaded: one entry per live batch (file, kind, when, rows, reconciled or not) and totals
 * per table. Used by `caijian status` and by the API ("about the data").
 */
import type { Postgres } from '../server/core/pg.ts';
import type { ReconciliationLine } from './report.ts';
import { reconcileLines } from './reconcile.ts';

export interface BatchStatus {
  batch_id: number;
  kind: string;
  file: string;
  status: 'committed' | 'published';
  loaded_at: string;
  published_at: string | null;
  rows: number;
  rejected_rows: number;
  replaces: number | null;
  reconciled: boolean;
  reconciliation: ReconciliationLine[];
}

export interface TableTotal {
  table: string;
  batches: number;
  rows: number;
}

export interface EtlStatus {
  batches: BatchStatus[];
  tables: TableTotal[];
  all_reconciled: boolean;
}

export async function etlStatus(pg: Postgres): Promise<EtlStatus> {
  const rows = await pg.withConnection((tx) =>
    tx.query<{
      id: string;
      kind: string;
      source_name: string;
      status: 'committed' | 'published';
      loaded_at: Date;
      published_at: Date | null;
      row_count: string;
      rejected_count: string;
      replaces: string | null;
    }>(
      `SELECT id, kind, source_name, status, loaded_at, published_at, row_count, rejected_count, replaces
         FROM load_batch WHERE status <> 'replaced' ORDER BY id`,
    ),
  );
  const batches: BatchStatus[] = [];
  const tables = new Map<string, TableTotal>();
  for (const b of rows.rows) {
    const id = Number(b.id);
    const reconciliation = await reconcileLines(pg, id);
    const reconciled = b.status === 'published' && reconciliation.length > 0 && reconciliation.every((l) => l.reconciled);
    batches.push({
      batch_id: id,
      kind: b.kind,
      file: b.source_name,
      status: b.status,
      loaded_at: new Date(b.loaded_at).toISOString(),
      published_at: b.published_at ? new Date(b.published_at).toISOString() : null,
      rows: Number(b.row_count),
      rejected_rows: Number(b.rejected_count),
      replaces: b.replaces === null ? null : Number(b.replaces),
      reconciled,
      reconciliation,
    });
    for (const l of reconciliation) {
      if (l.column !== '*') continue;
      const t = tables.get(l.table) ?? { table: l.table, batches: 0, rows: 0 };
      t.batches++;
      t.rows += l.pg_rows ?? 0;
      tables.set(l.table, t);
    }
  }
  return {
    batches,
    tables: [...tables.values()].sort((a, b) => a.table.localeCompare(b.table)),
    all_reconciled: batches.every((b) => b.reconciled),
  };
}
