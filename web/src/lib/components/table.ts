/**
 * Column model shared by DataTable and exports: the table and its files show the same cells, except
 * where a column names a separate `exportValue` (a full text the screen shortens).
 */
import { formatMoney, formatPoints, formatRate, plainMoney, type MoneyUnit } from '../format/money';
import type { ExportTable } from '../export/export';
import type { Cell } from '../api/types';

export type ColumnKind = 'text' | 'code' | 'money' | 'rate' | 'points' | 'int';

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Text shown instead of the raw value (a translated code, a name with fallback). */
  text?: (row: Cell) => string;
  /** Tooltip of a cell (the UTC time behind a local one, a full text behind a shortened one). */
  title?: (row: Cell) => string;
  /**
   * The value the export writes when it differs from the screen's `text`: a file carries the full
   * value, not one shortened to fit a table cell.
   */
  exportValue?: (row: Cell) => string | null;
}

export function cellDisplay(c: Column, row: Cell, unit: MoneyUnit): string {
  if (c.text) return c.text(row);
  const v = row[c.key];
  switch (c.kind) {
    case 'money':
      return formatMoney(v == null ? null : String(v), unit);
    case 'rate':
      return formatRate(v as number | null);
    case 'points':
      return formatPoints(v as number | null);
    case 'int':
      return v == null ? '—' : Number(v).toLocaleString('en-US');
    default:
      return v == null ? '' : String(v);
  }
}

/** The export of a table: money in the selected unit as plain numbers; rates as percent numbers. */
export function exportTable(columns: Column[], rows: Cell[], unit: MoneyUnit, unitLabel: string): ExportTable {
  return {
    columns: columns.map((c) => ({
      header: c.kind === 'money' ? `${c.label}（${unitLabel}）` : c.kind === 'rate' || c.kind === 'points' ? `${c.label}（%）` : c.label,
      kind: c.kind === 'money' || c.kind === 'rate' || c.kind === 'points' || c.kind === 'int' ? 'number' : 'text',
    })),
    rows: rows.map((r) =>
      columns.map((c) => {
        if (c.exportValue) return c.exportValue(r);
        const v = r[c.key];
        if (c.text) return c.text(r);
        if (v == null) return null;
        if (c.kind === 'money') return plainMoney(String(v), unit);
        if (c.kind === 'rate' || c.kind === 'points') return (Number(v) * 100).toFixed(2);
        return String(v);
      }),
    ),
  };
}
