import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDuck, pgTargets } from './db.ts';
import type { Duck } from '../server/core/duck.ts';

// The DuckDB mirror must have every column of every Postgres table it mirrors, with the same
// kind of type, or a publish would silently drop or reshape data.
// Warning tracking (sql/pg/002_warnings.sql) lives in Postgres only: it is workflow state, not facts.
const NOT_MIRRORED = new Set([
  'batch_reconciliation',
  'fiscal_year',
  'schema_migration',
  'warning_rule',
  'warning_rule_param',
  'warning_rule_param_change',
  'warning_run',
  'warning',
  'warning_event',
]);

function family(pgType: string): string {
  const t = pgType.toLowerCase();
  if (t.startsWith('numeric') || t.startsWith('decimal')) return t.replace('numeric', 'decimal');
  if (['integer', 'int4'].includes(t)) return 'integer';
  if (['smallint', 'int2'].includes(t)) return 'smallint';
  if (['bigint', 'int8'].includes(t)) return 'bigint';
  if (t.startsWith('character varying') || t.startsWith('varchar') || t === 'text' || t.startsWith('character') || t.startsWith('char'))
    return 'text';
  if (t === 'jsonb' || t === 'json') return 'json';
  if (t.startsWith('timestamp')) return 'timestamptz';
  return t;
}

describe.each(pgTargets())('schema on $name', (target) => {
  let duck: Duck;
  beforeAll(async () => {
    duck = await openTestDuck();
  });
  afterAll(async () => duck.close());

  it('mirrors every Postgres table column in DuckDB with the same type family', async () => {
    const pg = await target.open();
    try {
      const pgCols = await pg.withConnection((tx) =>
        tx.query<{ table_name: string; column_name: string; t: string }>(
          `SELECT table_name, column_name, format_type(atttypid, atttypmod) AS t
             FROM information_schema.columns c
             JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_name))::regclass AND a.attname = c.column_name
             JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
        ),
      );
      const duckCols = await duck.all<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT c.table_name, c.column_name, c.data_type
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE'`,
      );
      const duckMap = new Map(duckCols.map((c) => [`${c.table_name}.${c.column_name}`, family(c.data_type)]));
      const pgMirrored = pgCols.rows.filter((c) => !NOT_MIRRORED.has(c.table_name));
      expect(pgMirrored.length).toBeGreaterThan(100);
      const mismatches = pgMirrored
        .map((c) => ({ col: `${c.table_name}.${c.column_name}`, pg: family(c.t), duck: duckMap.get(`${c.table_name}.${c.column_name}`) }))
        .filter((m) => m.pg !== m.duck);
      expect(mismatches).toEqual([]);
      const pgTables = new Set(pgMirrored.map((c) => c.table_name));
      const extra = [...new Set(duckCols.map((c) => c.table_name))].filter((t) => !pgTables.has(t));
      expect(extra).toEqual([]);
    } finally {
      await pg.close();
    }
  });

  it('stores money exactly (NUMERIC(18,2) sums to the fen)', async () => {
    const pg = await target.open();
    try {
      const r = await pg.transaction(async (tx) => {
        await tx.query(`CREATE TEMP TABLE m (a NUMERIC(18,2))`);
        await tx.query(`INSERT INTO m SELECT 0.10 FROM generate_series(1, 1000)`);
        return tx.query<{ s: string }>(`SELECT sum(a)::text AS s FROM m`);
      });
      expect(r.rows[0]?.s).toBe('100.00');
    } finally {
      await pg.close();
    }
  });
});
