/**
 * Money arrives from the API as exact decimal strings in 元 ("1234567.80"). It is formatted and
 * added here as integer fen (BigInt), never as floating point, so totals on screen equal the
 * SQL totals to the fen. Numbers (`toChartNumber`) are for bar heights only.
 */

export type MoneyUnit = 'yuan' | 'wan' | 'yi';
export const MONEY_UNITS: MoneyUnit[] = ['yuan', 'wan', 'yi'];

/** Fen per display unit: 1 元 = 100 分, 1 万元 = 10⁶ 分, 1 亿元 = 10¹⁰ 分. */
const FEN_PER_UNIT: Record<MoneyUnit, bigint> = { yuan: 100n, wan: 1_000_000n, yi: 10_000_000_000n };

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "1234.5" → 123450n. More than two decimals are rounded half away from zero. */
export function toFen(value: string): bigint {
  const m = DECIMAL_RE.exec(value.trim());
  if (!m) throw new Error(`not a decimal amount: "${value}"`);
  const [, sign, int = '0', frac = ''] = m;
  let fen = BigInt(int) * 100n + BigInt((frac + '00').slice(0, 2));
  if (frac.length > 2 && Number(frac[2]) >= 5) fen += 1n;
  return sign === '-' ? -fen : fen;
}

/** 123450n → "1234.50" */
export function fenToString(fen: bigint): string {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export function addMoney(...values: (string | null | undefined)[]): string {
  return fenToString(values.reduce<bigint>((s, v) => (v == null ? s : s + toFen(v)), 0n));
}

export function subtractMoney(a: string, b: string): string {
  return fenToString(toFen(a) - toFen(b));
}

/** Divides exactly and rounds half away from zero to `decimals` places; returns digits and sign. */
function scaled(fen: bigint, unit: MoneyUnit, decimals: number): { neg: boolean; int: bigint; frac: string } {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  const scale = 10n ** BigInt(decimals);
  const divisor = FEN_PER_UNIT[unit];
  const q = (abs * scale * 2n + divisor) / (divisor * 2n);
  return { neg: neg && q !== 0n, int: q / scale, frac: decimals ? (q % scale).toString().padStart(decimals, '0') : '' };
}

function group(int: bigint): string {
  return int.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "12345678.90", 'wan' → "1,234.57" (no unit suffix: the column header names the unit). */
export function formatMoney(value: string | null | undefined, unit: MoneyUnit, decimals = 2): string {
  if (value == null || value === '') return '—';
  const { neg, int, frac } = scaled(toFen(value), unit, decimals);
  return `${neg ? '-' : ''}${group(int)}${frac ? `.${frac}` : ''}`;
}

/** The same figure without thousands separators, for CSV/Excel cells ("1234.57"). */
export function plainMoney(value: string | null | undefined, unit: MoneyUnit, decimals = 2): string {
  if (value == null || value === '') return '';
  const { neg, int, frac } = scaled(toFen(value), unit, decimals);
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** For chart bar heights only: a float in the display unit. */
export function toChartNumber(value: string | null | undefined, unit: MoneyUnit): number {
  if (value == null || value === '') return 0;
  return Number(plainMoney(value, unit, 4));
}

/** 0.50012 → "50.01%"; null → "—". */
export function formatRate(r: number | null | undefined, decimals = 1): string {
  if (r == null || !Number.isFinite(r)) return '—';
  return `${(r * 100).toFixed(decimals)}%`;
}

/** Lag in percentage points: 0.1634 → "+16.3"; the header says "pp"/"个百分点". */
export function formatPoints(r: number | null | undefined, decimals = 1): string {
  if (r == null || !Number.isFinite(r)) return '—';
  const v = (r * 100).toFixed(decimals);
  return r > 0 ? `+${v}` : v;
}
