/** Data shaping for the economy page: periods in order and indicator series for charts. */
import type { Cell } from '../../api/types';

/** "2026" → 12, "2026-Q3" → 9, "2026-09" → 9: how many months of its year a period covers. */
export function monthsCovered(period: string): number {
  if (/^\d{4}$/.test(period)) return 12;
  const q = /^\d{4}-Q([1-4])$/.exec(period);
  if (q) return 3 * Number(q[1]);
  const m = /^\d{4}-(\d{2})$/.exec(period);
  return m ? Number(m[1]) : 0;
}

/** Chart numbers from exact indicator strings (heights only; tables show the strings). */
export const num = (v: unknown): number | null => (v == null || v === '' ? null : Number(v));

/** Series rows of one region and plan → periods (in time order) with target and actual. */
export function seriesOf(
  rows: Cell[],
  region: string,
  plan: string,
): { periods: string[]; target: (number | null)[]; actual: (number | null)[] } {
  const mine = rows
    .filter((r) => r.region === region && r.plan === plan)
    .sort(
      (a, b) =>
        String(a.period).slice(0, 4).localeCompare(String(b.period).slice(0, 4)) ||
        monthsCovered(String(a.period)) - monthsCovered(String(b.period)) ||
        String(a.period).length - String(b.period).length,
    );
  return {
    periods: mine.map((r) => String(r.period)),
    target: mine.map((r) => num(r.target_value)),
    actual: mine.map((r) => num(r.actual_value)),
  };
}

/** The API's `behind` flag (a boolean in a generic row): true, false, or null when not judged. */
export const behindOf = (r: Cell): boolean | null => {
  const v = r.behind as unknown;
  return typeof v === 'boolean' ? v : null;
};
