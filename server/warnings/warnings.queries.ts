/**
 * DuckDB SQL builders for the warning engine (pure: text in, text and parameters out).
 * Rule SQL comes from sql/rules/*.sql; these functions only bind its parameters and scope it to
 * regions. Identifiers come from the rule registry (constants), values are always bound.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { EvidenceSource, SourceTable } from './rules.ts';

export interface BuiltQuery {
  sql: string;
  params: Record<string, DuckDBValue>;
}

/** Removes `--` comments and the trailing semicolon so a rule can be wrapped as a subquery. */
export function stripSql(sql: string): string {
  return sql
    .split('\n')
    .map((line) => {
      // A `--` inside a string literal would be cut too: rule files do not use one.
      const i = line.indexOf('--');
      return i >= 0 ? line.slice(0, i) : line;
    })
    .join('\n')
    .trim()
    .replace(/;\s*$/, '');
}

/** The $names a rule's SQL binds. */
export function sqlParamNames(sql: string): string[] {
  return [...new Set([...stripSql(sql).matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1] as string))];
}

export interface RegionScope {
  /** Only these regions (a region's own parameter set, or a run for one region). */
  include?: string[];
  /** All regions except these (they have their own parameters and run separately). */
  exclude?: string[];
}

/**
 * A rule's SQL with its parameters bound and its rows limited to a set of regions. Parameters are
 * bound as text (or NULL) and cast in the rule SQL, so thresholds compare as exact decimals.
 */
export function buildRuleQuery(ruleSql: string, values: Record<string, string | null>, scope: RegionScope = {}): BuiltQuery {
  const body = stripSql(ruleSql);
  const params: Record<string, DuckDBValue> = {};
  for (const name of sqlParamNames(body)) {
    if (!(name in values)) throw new Error(`rule SQL uses $${name} but no value was given`);
    params[name] = values[name] ?? null;
  }
  const where: string[] = [];
  if (scope.include) {
    params.scope_include = listValue(scope.include);
    where.push('list_contains($scope_include::VARCHAR[], CAST(r.region_code AS VARCHAR))');
  }
  if (scope.exclude && scope.exclude.length > 0) {
    params.scope_exclude = listValue(scope.exclude);
    where.push('NOT list_contains($scope_exclude::VARCHAR[], CAST(r.region_code AS VARCHAR))');
  }
  if (where.length === 0) return { sql: body, params };
  return { sql: `SELECT * FROM (\n${body}\n) AS r WHERE ${where.join(' AND ')}`, params };
}

const SOURCE_TABLES: ReadonlySet<SourceTable> = new Set([
  'payment',
  'budget_line',
  'budget_adjustment',
  'disclosure_line',
  'bond',
  'bond_spending',
  'debt_position',
  'debt_repayment',
  'overdue_debt',
  'fiscal_capacity',
  'audit_finding',
  'rectification_update',
  'enterprise_financials',
  'asset_card',
  'plan_indicator',
]);

function castFor(v: string | number): string {
  if (typeof v === 'number') return 'INTEGER';
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? 'DATE' : 'VARCHAR';
}

function whereClause(src: EvidenceSource): { sql: string; params: Record<string, DuckDBValue> } {
  if (!SOURCE_TABLES.has(src.table)) throw new Error(`not a source table: ${src.table}`);
  const params: Record<string, DuckDBValue> = {};
  let n = 0;
  const bind = (v: string | number) => {
    const name = `p${n++}`;
    params[name] = v;
    return `CAST($${name} AS ${castFor(v)})`;
  };
  const parts = src.where.map((c) => {
    if (!/^[a-z_]+$/.test(c.column)) throw new Error(`unsafe column: ${c.column}`);
    const col = `t.${c.column}`;
    if (c.op === 'in') {
      const values = Array.isArray(c.value) ? c.value : [c.value];
      if (values.length === 0) return 'false';
      return `${col} IN (${values.map(bind).join(', ')})`;
    }
    if (Array.isArray(c.value)) throw new Error(`operator ${c.op} takes one value`);
    return `${col} ${c.op} ${bind(c.value)}`;
  });
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

/** The source rows behind a warning (first `limit`), with the load batch each came from. */
export function buildEvidenceRows(src: EvidenceSource, limit: number): BuiltQuery {
  const w = whereClause(src);
  return {
    sql: `SELECT t.*, b.source_name AS batch_source_name, CAST(b.loaded_at AS VARCHAR) AS batch_loaded_at
FROM ${src.table} AS t
LEFT JOIN load_batch AS b ON b.id = t.batch_id
WHERE ${w.sql}
ORDER BY ALL
LIMIT ${Math.max(1, Math.min(1000, Math.trunc(limit)))}`,
    params: w.params,
  };
}

/** How many source rows, per load batch (with its file), lie behind a warning. */
export function buildEvidenceBatches(src: EvidenceSource): BuiltQuery {
  const w = whereClause(src);
  return {
    sql: `SELECT t.batch_id, any_value(b.kind) AS kind, any_value(b.source_name) AS source_name, any_value(b.source_hash) AS source_hash,
       CAST(any_value(b.loaded_at) AS VARCHAR) AS loaded_at, COUNT(*) AS row_count
FROM ${src.table} AS t
LEFT JOIN load_batch AS b ON b.id = t.batch_id
WHERE ${w.sql}
GROUP BY t.batch_id
ORDER BY t.batch_id`,
    params: w.params,
  };
}
