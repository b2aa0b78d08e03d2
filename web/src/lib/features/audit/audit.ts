/** Data shaping for the audit-rectification page. */
import type { Cell, RecurringChain } from '../../api/types';
import { addMoney } from '../../format/money';

/**
 * Year × category rows → one row per category with the number of findings in each audit year
 * (`y2024` …), the total and the amount involved (summed exactly); categories by total, most first.
 */
export function findingPivot(rows: Cell[]): { years: number[]; rows: Cell[] } {
  const years = [...new Set(rows.map((r) => Number(r.audit_year)))].sort((a, b) => a - b);
  const by = new Map<string, Cell>();
  for (const r of rows) {
    const c = String(r.category);
    const row = by.get(c) ?? { category: c, total: 0, amount: '0.00', ...Object.fromEntries(years.map((y) => [`y${y}`, 0])) };
    row[`y${r.audit_year}`] = Number(r.findings);
    row.total = Number(row.total) + Number(r.findings);
    row.amount = addMoney(String(row.amount), r.amount == null ? null : String(r.amount));
    by.set(c, row);
  }
  return {
    years,
    rows: [...by.values()].sort((a, b) => Number(b.total) - Number(a.total) || String(a.category).localeCompare(String(b.category))),
  };
}

/** Chains → one row per finding of each chain (the export of the recurring panel). */
export function chainRows(chains: RecurringChain[]): Cell[] {
  return chains.flatMap((c) =>
    c.chain.map((l, i) => ({
      subject: c.subject_name,
      band: c.band,
      step: i + 1,
      finding_code: l.finding_code,
      audit_year: l.audit_year,
      category: l.category,
      status: l.status,
      rectified_on: l.rectified_on,
      description: l.description,
    })),
  );
}
