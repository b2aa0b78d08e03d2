/**
 * The overview's monthly curve: cumulative execution rate against time progress (序时进度 =
 * days elapsed ÷ days in the year, DOMAIN.md), month by month up to the as-of date.
 */
import { addMoney } from '../../format/money';

export interface CurvePoint {
  month: number;
  executed: string;
  cumulative: string;
  /** cumulative ÷ adjusted budget (a ratio, not money: float is fine). */
  rate: number | null;
  timeProgress: number;
}

function daysInYear(year: number): number {
  return (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86_400_000;
}

/** Time progress at the end of `month` (or at `asOf` inside that month). */
export function timeProgressAt(year: number, month: number, asOf?: string): number {
  let end = Date.UTC(year, month, 0); // last day of the month
  if (asOf) {
    const a = Date.parse(`${asOf}T00:00:00Z`);
    if (a < end) end = a;
  }
  return ((end - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / daysInYear(year);
}

export function buildCurve(
  year: number,
  monthly: { month: number; executed: string }[],
  adjusted: string,
  asOf: string | null,
): CurvePoint[] {
  const lastMonth = asOf && asOf.startsWith(String(year)) ? Number(asOf.slice(5, 7)) : 12;
  const byMonth = new Map(monthly.map((m) => [m.month, m.executed]));
  const out: CurvePoint[] = [];
  let cumulative = '0.00';
  const denominator = Number(adjusted);
  for (let m = 1; m <= lastMonth; m++) {
    const executed = byMonth.get(m) ?? '0.00';
    cumulative = addMoney(cumulative, executed);
    out.push({
      month: m,
      executed,
      cumulative,
      rate: denominator ? Number(cumulative) / denominator : null,
      timeProgress: timeProgressAt(year, m, m === lastMonth && asOf ? asOf : undefined),
    });
  }
  return out;
}
