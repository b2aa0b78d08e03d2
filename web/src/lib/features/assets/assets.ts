/** Data shaping for the state-assets page. */
import type { Cell } from '../../api/types';

export const ASSET_KINDS = ['enterprise', 'financial', 'administrative', 'natural'] as const;
export const ASSET_STATUSES = ['in_use', 'idle', 'rented', 'disposed'] as const;

/** Trend rows (year, kind, assets) → the years and one series of amounts per kind (null when absent). */
export function trendSeries(rows: Cell[]): { years: number[]; byKind: Record<string, (string | null)[]> } {
  const years = [...new Set(rows.map((r) => Number(r.year)))].sort((a, b) => a - b);
  const byKind: Record<string, (string | null)[]> = {};
  for (const k of ASSET_KINDS) {
    byKind[k] = years.map((y) => {
      const r = rows.find((x) => Number(x.year) === y && x.kind === k);
      return r ? String(r.assets) : null;
    });
  }
  return { years, byKind };
}

/** Category × status rows → one row per category with a column per status (original value, 元). */
export function categoryPivot(rows: Cell[]): Cell[] {
  const out = new Map<string, Cell>();
  for (const r of rows) {
    const c = String(r.category);
    const row = out.get(c) ?? { category: c, ...Object.fromEntries(ASSET_STATUSES.map((s) => [s, null])) };
    row[String(r.status)] = r.original_value ?? null;
    out.set(c, row);
  }
  return [...out.values()];
}
