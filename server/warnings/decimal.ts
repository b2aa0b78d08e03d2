/**
 * Exact decimal arithmetic for measured values: rule SQL returns a numerator and a denominator as
 * exact decimal strings (DuckDB DECIMAL), and the value a user sees is their quotient rounded
 * half away from zero — computed on BigInt so that 150 ÷ 100 is "150.00" %, never 149.99999.
 */

interface Scaled {
  n: bigint;
  scale: number;
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

export function isDecimal(s: string): boolean {
  return DECIMAL_RE.test(s);
}

function parse(s: string): Scaled {
  const t = s.trim();
  if (!DECIMAL_RE.test(t)) throw new Error(`not a decimal: "${s}"`);
  const neg = t.startsWith('-');
  const [i = '0', f = ''] = (neg ? t.slice(1) : t).split('.');
  const n = BigInt(i + f) * (neg ? -1n : 1n);
  return { n, scale: f.length };
}

function format(n: bigint, scale: number): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${neg && n !== 0n ? '-' : ''}${whole}${frac}`;
}

/** (num ÷ den) × factor, rounded half away from zero to `dp` decimals. */
export function divide(num: string, den: string, factor = 1, dp = 2): string {
  const a = parse(num);
  const b = parse(den);
  if (b.n === 0n) throw new Error('division by zero');
  // num/den = (a.n / 10^a.s) / (b.n / 10^b.s) = a.n × 10^b.s / (b.n × 10^a.s)
  let p = a.n * BigInt(factor) * 10n ** BigInt(b.scale + dp);
  let q = b.n * 10n ** BigInt(a.scale);
  if (q < 0n) {
    p = -p;
    q = -q;
  }
  const neg = p < 0n;
  const abs = neg ? -p : p;
  let r = abs / q;
  if ((abs % q) * 2n >= q) r += 1n;
  return format(neg ? -r : r, dp);
}

/** Compare two decimal strings: −1, 0, 1. */
export function compare(x: string, y: string): number {
  const a = parse(x);
  const b = parse(y);
  const s = Math.max(a.scale, b.scale);
  const an = a.n * 10n ** BigInt(s - a.scale);
  const bn = b.n * 10n ** BigInt(s - b.scale);
  return an < bn ? -1 : an > bn ? 1 : 0;
}
