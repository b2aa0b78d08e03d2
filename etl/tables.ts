/**
 * What each source kind writes: target table, columns in stage order, money columns, natural
 * key. Flat kinds come from kinds.ts; the disclosure workbook is one more kind.
 */
import { KINDS, kindSpec, type KindSpec } from './kinds.ts';
import { targetColumns } from './validate.ts';

export const DISCLOSURE_KIND = 'budget_disclosure';

export interface TableInfo {
  kind: string;
  table: string;
  /** Stage / COPY column order; batch_id last. */
  columns: string[];
  money: string[];
  key: string[];
  /** Nullable key columns (compared with IS NOT DISTINCT FROM). */
  nullableKey: Set<string>;
  reference: boolean;
  order: number;
  /** DuckDB insert order (zone maps for the drill-down). */
  sortBy?: string[];
  titleZh: string;
  titleEn: string;
}

function fromSpec(spec: KindSpec): TableInfo {
  const cols = targetColumns(spec);
  const info: TableInfo = {
    kind: spec.kind,
    table: spec.table,
    columns: cols.map((c) => c.field),
    money: cols.filter((c) => c.type === 'money').map((c) => c.field),
    key: [...spec.key],
    nullableKey: new Set(spec.columns.filter((c) => !c.required && spec.key.includes(c.field)).map((c) => c.field)),
    reference: spec.reference === true,
    order: spec.order,
    titleZh: spec.titleZh,
    titleEn: spec.titleEn,
  };
  if (spec.kind === 'payments') info.sortBy = ['year', 'department_code'];
  return info;
}

export const DISCLOSURE_INFO: TableInfo = {
  kind: DISCLOSURE_KIND,
  table: 'disclosure_line',
  columns: ['region_code', 'year', 'phase', 'department_code', 'table_no', 'line_code', 'line_name', 'measure', 'amount', 'batch_id'],
  money: ['amount'],
  key: ['region_code', 'year', 'phase', 'department_code', 'table_no', 'line_code', 'measure'],
  nullableKey: new Set(),
  reference: false,
  // After departments (1) and with the other facts.
  order: 3,
  titleZh: '部门预决算公开表',
  titleEn: 'Department budget disclosure tables',
};

const BY_KIND = new Map<string, TableInfo>([...KINDS.map((k) => [k.kind, fromSpec(k)] as const), [DISCLOSURE_KIND, DISCLOSURE_INFO]]);

export function tableInfo(kind: string): TableInfo {
  const info = BY_KIND.get(kind);
  if (!info) {
    kindSpec(kind); // throws the standard message
    throw new Error(`unknown kind: ${kind}`);
  }
  return info;
}

export function allTableInfos(): TableInfo[] {
  return [...BY_KIND.values()];
}

/** Every table the ETL writes (for recovery sweeps). */
export function loadedTables(): string[] {
  return [...new Set(allTableInfos().map((t) => t.table))];
}
