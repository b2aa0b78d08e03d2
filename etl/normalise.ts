/**
 * Value normalisation shared by every reader: full-width → half-width, codes, money, decimals,
 * dates. Money is handled as an integer number of fen (分). A JS number holds every integer
 * below 2^53 exactly, so fen counts up to ±90 trillion 元 are exact; anything larger is
 * refused rather than rounded. Fractions are never represented as floats: decimal strings are
 * shifted by string arithmetic.
 */

/** Matches any character the half-width conversion would change (full-width ASCII, ideographic space, nbsp). */
export const NEEDS_HALF_WIDTH = /[\uFF01-\uFF5E\u3000\u00A0]/;
/** Full-width digits, letters and spaces only: what text columns convert (（）and ，stay as written). */
const FULLWIDTH_ALNUM_SPACE = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000\u00A0]/g;
const FULLWIDTH_ANY = /[\uFF01-\uFF5E\u3000\u00A0]/g;

function halfChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c === 0x3000 || c === 0xa0) return ' ';
  return String.fromCharCode(c - 0xfee0);
}

/** Full-width digits/letters/spaces → half-width (text columns keep full-width punctuation). */
export function halfWidthText(s: string): string {
  return s.replace(FULLWIDTH_ALNUM_SPACE, halfChar);
}

/** Every full-width ASCII character → half-width (codes, numbers, dates, headers). */
export function halfWidthAll(s: string): string {
  return s.replace(FULLWIDTH_ANY, halfChar);
}

/** Header text as matched against kinds.ts: half-width, no spaces or line breaks, lower case. */
export function normHeader(s: string): string {
  return halfWidthAll(s).replace(/\s+/g, '').toLowerCase();
}

export type Unit = '元' | '万元' | '亿元';
/** Power of ten from the unit to 元. */
export const UNIT_POW: Record<Unit, number> = { 元: 0, 万元: 4, 亿元: 8 };

/** Finds "单位：万元" (or 元 / 亿元, 金额单位, with or without the colon) in a cell's text. */
export function findUnit(text: string): Unit | undefined {
  const m = /单位\s*[:：]?\s*(人民币)?\s*(万元|亿元|元)/.exec(halfWidthAll(text));
  return m ? (m[2] as Unit) : undefined;
}

export type NumberError = 'not_a_number' | 'precision' | 'out_of_range';

/**
 * Parses a decimal written by a person or a spreadsheet: spaces inside the number, thousands
 * separators, a leading +, full stops; "(123)" and "-" forms of negatives are not guessed.
 * Returns the digits without a decimal point and the number of fraction digits.
 */
export function parseDecimalParts(raw: string): { neg: boolean; digits: string; scale: number } | NumberError {
  let s = raw;
  if (NEEDS_HALF_WIDTH.test(s)) s = halfWidthAll(s);
  s = s.replace(/[\s,]/g, '');
  if (s === '') return 'not_a_number';
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return 'not_a_number';
  const frac = m[3] ?? '';
  return { neg: m[1] === '-', digits: (m[2] ?? '') + frac, scale: frac.length };
}

/**
 * Exact integer value × 10^pow of a decimal, or 'precision' if that is not an integer (more
 * decimals than the target allows after the unit is applied).
 */
function shiftToInteger(p: { neg: boolean; digits: string; scale: number }, pow: number): number | NumberError {
  let digits = p.digits;
  const shift = pow - p.scale;
  if (shift >= 0) digits = digits + '0'.repeat(shift);
  else {
    const cut = digits.length + shift;
    const dropped = digits.slice(cut);
    if (!/^0*$/.test(dropped)) return 'precision';
    digits = digits.slice(0, cut);
  }
  digits = digits.replace(/^0+/, '');
  if (digits === '') return 0;
  // 16 digits stay below 2^53 ≈ 9.007e15; beyond that a double could not hold the fen exactly.
  if (digits.length > 16) return 'out_of_range';
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return 'out_of_range';
  return p.neg ? -n : n;
}

const PLAIN_YUAN = /^-?\d{1,13}(\.\d{1,2})?$/;

/**
 * Fast path: a plain 元 amount with at most two decimals (nearly every cell of a big ledger) →
 * fen, or undefined when the text needs the general parser.
 */
export function plainYuanFen(raw: string): number | undefined {
  if (!PLAIN_YUAN.test(raw)) return undefined;
  const dot = raw.indexOf('.');
  if (dot < 0) return Number(raw) * 100;
  const neg = raw.charCodeAt(0) === 45;
  const w = Number(raw.slice(neg ? 1 : 0, dot));
  const f = raw.length - dot === 2 ? Number(raw.slice(dot + 1)) * 10 : Number(raw.slice(dot + 1));
  return neg ? -(w * 100 + f) : w * 100 + f;
}

/** Money in the given unit → integer fen. 1.234567 万元 = 1234567 fen; 1.2345678 万元 → 'precision'. */
export function parseMoneyFen(raw: string, unit: Unit): number | NumberError {
  if (unit === '元') {
    const fast = plainYuanFen(raw);
    if (fast !== undefined) return fast;
  }
  const p = parseDecimalParts(raw);
  if (typeof p === 'string') return p;
  const fen = shiftToInteger(p, UNIT_POW[unit] + 2);
  // NUMERIC(18,2): at most 16 integer digits.
  if (typeof fen === 'number' && Math.abs(fen) >= 1e18) return 'out_of_range';
  return fen;
}

/** Integer fen → "1234.56" (exact). */
export function fenToString(fen: number | bigint): string {
  const neg = fen < 0;
  const abs = (neg ? -BigInt(fen) : BigInt(fen)).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/** A non-money decimal (NUMERIC(20,4)) → canonical string with at most 4 decimals. */
export function parseDecimal4(raw: string): string | NumberError {
  const p = parseDecimalParts(raw);
  if (typeof p === 'string') return p;
  const v = shiftToInteger(p, 4);
  if (typeof v === 'string') return v;
  const neg = v < 0;
  const abs = String(Math.abs(v)).padStart(5, '0');
  return `${neg ? '-' : ''}${abs.slice(0, -4)}.${abs.slice(-4)}`;
}

export function parseInteger(raw: string): number | NumberError {
  const p = parseDecimalParts(raw);
  if (typeof p === 'string') return p;
  const v = shiftToInteger(p, 0);
  if (typeof v === 'string') return v === 'precision' ? 'not_a_number' : v;
  if (Math.abs(v) > 2147483647) return 'out_of_range';
  return v;
}

/**
 * A code (digits), zero-padded back to the smallest allowed width that fits: spreadsheets store
 * "001001" as the number 1001. Returns undefined when it cannot be a code of these widths.
 */
export function normaliseCode(raw: string, widths: readonly number[] | undefined): string | undefined {
  // Fast path: already digits of an allowed width.
  if (widths && widths.includes(raw.length)) {
    let digits = true;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c < 48 || c > 57) {
        digits = false;
        break;
      }
    }
    if (digits) return raw;
  }
  let s = raw;
  if (NEEDS_HALF_WIDTH.test(s)) s = halfWidthAll(s);
  if (s.includes(' ')) s = s.replace(/\s+/g, '');
  // A code read from a numeric spreadsheet cell may come as "2050101.0".
  if (s.endsWith('.0')) s = s.slice(0, -2);
  if (!/^\d+$/.test(s)) return undefined;
  if (!widths || widths.length === 0) return s;
  for (const w of widths) {
    if (s.length === w) return s;
  }
  for (const w of widths) {
    if (s.length < w) return s.padStart(w, '0');
  }
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] as number);
  if (d > max) return undefined;
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Excel serial day number (1900 date system) → ISO date. */
export function excelSerialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 200000) return undefined;
  const ms = Date.UTC(1899, 11, 30) + Math.floor(serial) * 86400000;
  const dt = new Date(ms);
  return isoDate(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/**
 * Dates as kinds.ts lists them: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, YYYY年M月D日, and
 * (from spreadsheets) an Excel serial number.
 */
export function parseDate(raw: string, allowSerial = false): string | undefined {
  let s = raw;
  if (NEEDS_HALF_WIDTH.test(s)) s = halfWidthAll(s);
  s = s.trim();
  // Fast path: already ISO.
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = Number(s.slice(0, 4));
    const m = Number(s.slice(5, 7));
    const d = Number(s.slice(8, 10));
    if (Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d)) return isoDate(y, m, d);
    return undefined;
  }
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(s);
  if (!m) m = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/.exec(s);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (allowSerial && /^\d{4,6}(\.\d+)?$/.test(s)) return excelSerialToIso(Number(s));
  return undefined;
}
