/**
 * Validation of flat source kinds (etl/kinds.ts): header → kind detection, per-cell
 * normalisation and checks, references, in-file duplicate keys and subtotal rows. Valid rows are
 * written straight to the stage (see stage.ts) so memory does not grow with the file.
 */
import { KINDS, type ColumnSpec, type ColumnType, type KindSpec } from './kinds.ts';
import {
  NEEDS_HALF_WIDTH,
  fenToString,
  findUnit,
  halfWidthAll,
  halfWidthText,
  normHeader,
  normaliseCode,
  parseDate,
  parseDecimal4,
  parseInteger,
  parseMoneyFen,
  plainYuanFen,
  type NumberError,
  type Unit,
} from './normalise.ts';
import { makeReject, shown, unknownRefMessage, type RejectCode, type RejectLog, type SubtotalFinding, type Where } from './report.ts';
import { FenSum, KeySet, type StageWriter } from './stage.ts';
import { REPLACEMENT } from './read/decode.ts';
import { BAD_CHARS } from './read/csv.ts';

// ── Header detection ─────────────────────────────────────────────────────────

const UNIT_SUFFIX = /[(（]\s*(万元|亿元|元)\s*[)）]$/;

interface HeaderIndex {
  spec: KindSpec;
  byHeader: Map<string, number>;
}

const HEADER_INDEX: HeaderIndex[] = KINDS.map((spec) => {
  const byHeader = new Map<string, number>();
  spec.columns.forEach((c, i) => {
    for (const h of c.headers) if (!byHeader.has(normHeader(h))) byHeader.set(normHeader(h), i);
  });
  return { spec, byHeader };
});

export interface HeaderMatch {
  spec: KindSpec;
  /** Index of the (last) header row among the rows given. */
  headerRow: number;
  /** Per spec column: source cell index (-1 = absent). */
  src: number[];
  /** Per spec column: header as written. */
  header: string[];
  /** Per spec column: unit from the header ("金额(万元)"), if any. */
  unit: (Unit | undefined)[];
  matched: number;
}

function matchRow(cells: readonly string[], idx: HeaderIndex, upper?: readonly string[]): HeaderMatch | undefined {
  const n = idx.spec.columns.length;
  const src = new Array<number>(n).fill(-1);
  const header = new Array<string>(n).fill('');
  const unit = new Array<Unit | undefined>(n).fill(undefined);
  let matched = 0;
  let unmatched = 0;
  for (let c = 0; c < cells.length; c++) {
    const candidates = [cells[c] ?? ''];
    if (upper) candidates.push(upper[c] ?? '', (upper[c] ?? '') + (cells[c] ?? ''));
    let hit = false;
    for (const cand of candidates) {
      if (!cand.trim()) continue;
      const text = halfWidthAll(cand).trim();
      const u = UNIT_SUFFIX.exec(text);
      const key = normHeader(u ? text.slice(0, u.index) : text);
      const i = idx.byHeader.get(key);
      if (i !== undefined && src[i] === -1) {
        src[i] = c;
        header[i] = cand.trim();
        unit[i] = u ? (u[1] as Unit) : undefined;
        matched++;
        hit = true;
        break;
      }
    }
    if (!hit && (cells[c] ?? '').trim()) unmatched++;
  }
  const required = idx.spec.columns.every((col, i) => !col.required || src[i] !== -1);
  if (!required || matched === 0) return undefined;
  // Too many foreign headers: this is not the kind (scored, not refused, so a note column is fine).
  if (unmatched > matched) return undefined;
  return { spec: idx.spec, headerRow: -1, src, header, unit, matched };
}

/**
 * Finds the header row among the first rows of a sheet (title and unit rows may come first) and
 * the kind it belongs to. Two-level headers (a merged group over sub-columns) are matched by
 * trying the lower row, then the upper one, for each column.
 */
export function detectHeader(rows: readonly (readonly string[])[], kind?: string): HeaderMatch | undefined {
  const indexes = kind ? HEADER_INDEX.filter((h) => h.spec.kind === kind) : HEADER_INDEX;
  let best: HeaderMatch | undefined;
  let tie = false;
  for (let r = 0; r < Math.min(rows.length, 30); r++) {
    const cells = rows[r] as readonly string[];
    for (const idx of indexes) {
      for (const upper of [undefined, r > 0 ? rows[r - 1] : undefined]) {
        const m = matchRow(cells, idx, upper);
        if (!m) continue;
        m.headerRow = r;
        if (!best || m.matched > best.matched) {
          best = m;
          tie = false;
        } else if (m.matched === best.matched && m.spec !== best.spec && m.headerRow === best.headerRow) tie = true;
      }
    }
    if (best) break; // the first row that is a header wins: data rows must not be taken for one
  }
  return tie ? undefined : best;
}

/**
 * Header cells that name a column the header already has ("金额" twice, or "支付金额" beside its
 * alias "金额"): which one holds the data cannot be known, so the file is refused.
 */
export function duplicateColumns(cells: readonly string[], match: HeaderMatch): { header: string; first: string }[] {
  const idx = HEADER_INDEX.find((h) => h.spec === match.spec);
  if (!idx) return [];
  const out: { header: string; first: string }[] = [];
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c] ?? '';
    if (!cell.trim()) continue;
    const text = halfWidthAll(cell).trim();
    const u = UNIT_SUFFIX.exec(text);
    const i = idx.byHeader.get(normHeader(u ? text.slice(0, u.index) : text));
    if (i !== undefined && match.src[i] !== c) out.push({ header: cell.trim(), first: match.header[i] ?? '' });
  }
  return out;
}

/** "单位：万元" in any cell of the rows above the header. */
export function unitAbove(rows: readonly (readonly string[])[], headerRow: number): Unit | undefined {
  for (let r = 0; r <= headerRow && r < rows.length; r++) {
    for (const cell of rows[r] ?? []) {
      if (!cell || !cell.includes('单位')) continue;
      const u = findUnit(cell);
      if (u) return u;
    }
  }
  return undefined;
}

// ── References ───────────────────────────────────────────────────────────────

/** Codes that exist: what Postgres holds plus what earlier files of the same load brought. */
export interface RefSets {
  region: Set<string>;
  function_class: Set<string>;
  economic_class: Set<string>;
  /** region → codes (nested so that a lookup builds no "region|code" string per row) */
  department: Map<string, Set<string>>;
  project: Map<string, Set<string>>;
  bond: Map<string, Set<string>>;
  /** department name → "region|code" list (disclosure workbooks name their department). */
  departmentByName: Map<string, string[]>;
}

/** Adds region/code to a nested reference map. */
export function addRef(map: Map<string, Set<string>>, region: string, code: string): void {
  let set = map.get(region);
  if (!set) map.set(region, (set = new Set()));
  set.add(code);
}

export function emptyRefs(): RefSets {
  return {
    region: new Set(),
    function_class: new Set(),
    economic_class: new Set(),
    department: new Map(),
    project: new Map(),
    bond: new Map(),
    departmentByName: new Map(),
  };
}

// ── Target columns ───────────────────────────────────────────────────────────

export interface TargetColumn {
  field: string;
  type: ColumnType | 'derived';
  /** Index into spec.columns, or -1 for a derived column. */
  spec: number;
}

/** The table columns a kind writes, in stage order (batch_id last). */
export function targetColumns(spec: KindSpec): TargetColumn[] {
  const cols: TargetColumn[] = spec.columns.map((c, i) => ({ field: c.field, type: c.type, spec: i }));
  if (spec.kind === 'payments') cols.push({ field: 'year', type: 'derived', spec: -1 });
  if (spec.kind === 'function_classes' || spec.kind === 'economic_classes') {
    cols.push({ field: 'level', type: 'derived', spec: -1 }, { field: 'parent_code', type: 'derived', spec: -1 });
  }
  cols.push({ field: 'batch_id', type: 'derived', spec: -1 });
  return cols;
}

// ── Row validation ───────────────────────────────────────────────────────────

/** Longest text a cell may hold: an Excel cell's limit (a longer one is garbage, not a name). */
export const MAX_TEXT = 32_767;

/** Control characters (tab, LF and CR aside) a free-text cell may not hold. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const SUBTOTAL = /(合计|小计|总计)$/;
const NOTE = /^(注|说明|备注|填表说明)[:：]?/;

interface Compiled {
  col: ColumnSpec;
  src: number;
  header: string;
  unit: Unit;
  maxLen: number | undefined;
  enumMap: Map<string, string> | undefined;
  isText: boolean;
}

export interface ValidatorOptions {
  file: string;
  sheet?: string | undefined;
  sheetIdx: number;
  /** Rows to leave out ("sheetIdx:row"): duplicates found in Postgres on a first attempt. */
  skip?: ReadonlySet<string> | undefined;
  spec: KindSpec;
  match: HeaderMatch;
  fileUnit: Unit | undefined;
  refs: RefSets;
  /** Postgres varchar limits of the target table. */
  maxLen: Map<string, number>;
  stage: StageWriter;
  rejects: RejectLog;
  /** Shared across sheets of one file (duplicates span sheets). */
  keys: KeySet | undefined;
  subtotals: SubtotalFinding[];
  counters: { subtotalsChecked: number };
  fromSpreadsheet: boolean;
  /** Stop staging rows once a reject has been seen (a rejected file loads nothing anyway). */
  stopStagingOnReject: boolean;
  /** CSV: the number of header fields. A row with more non-empty fields is misaligned. */
  headerWidth?: number;
}

/**
 * Validates the rows of one sheet (or one CSV) of a flat kind and stages the valid ones.
 * Reference kinds are held until `finish()` so rows can refer to each other (a region's parent).
 */
export class FlatValidator {
  private readonly cols: Compiled[];
  private readonly out: (string | null)[];
  private readonly fens: number[];
  private readonly moneyTarget: number[];
  private readonly regionIdx: number;
  private readonly keyIdx: number[];
  private readonly yearIdx: number;
  private readonly paidIdx: number;
  private readonly dateCache = new Map<string, string | null>();
  private readonly held: (string | null)[][] = [];
  private readonly heldFens: number[][] = [];
  private readonly heldRows: number[] = [];
  private readonly sinceSub: FenSum[];
  private readonly sinceStart: FenSum[];
  private readonly targets: TargetColumn[];
  rows = 0;

  constructor(private readonly o: ValidatorOptions) {
    const spec = o.spec;
    this.cols = spec.columns.map((col, i) => ({
      col,
      src: o.match.src[i] ?? -1,
      header: o.match.header[i] || (col.headers[0] as string),
      unit: o.match.unit[i] ?? o.fileUnit ?? '元',
      maxLen: o.maxLen.get(col.field),
      // Keys as written and normalised: the exact text hits without normalising each value.
      enumMap: col.values
        ? new Map(Object.entries(col.values).flatMap(([k, v]) => [[normHeader(k), v] as const, [k, v] as const]))
        : undefined,
      isText: col.type === 'text',
    }));
    this.targets = targetColumns(spec);
    this.out = new Array<string | null>(this.targets.length).fill(null);
    this.moneyTarget = this.targets.map((t, i) => (t.type === 'money' ? i : -1)).filter((i) => i >= 0);
    this.fens = new Array<number>(this.moneyTarget.length).fill(0);
    this.regionIdx = spec.columns.findIndex((c) => c.type === 'region');
    this.keyIdx = spec.key.map((k) => this.targets.findIndex((t) => t.field === k));
    this.yearIdx = this.targets.findIndex((t) => t.field === 'year' && t.type === 'derived');
    this.paidIdx = this.targets.findIndex((t) => t.field === 'paid_on');
    this.sinceSub = this.moneyTarget.map(() => new FenSum());
    this.sinceStart = this.moneyTarget.map(() => new FenSum());
  }

  private where(row: number, c?: Compiled): Where {
    return { file: this.o.file, sheet: this.o.sheet, row, column: c?.header, field: c?.col.field };
  }

  private reject(row: number, c: Compiled | undefined, code: RejectCode, zh: string, en: string, value?: string): void {
    this.o.rejects.add(makeReject(this.where(row, c), code, zh, en, value));
  }

  /**
   * One source row. `fw`: the row has full-width characters somewhere (tested once per line).
   * `check`: the row may hold control characters or undecodable bytes (CSV: tested once per chunk).
   */
  row(cells: readonly string[], rowNo: number, fw: boolean, check = false): void {
    const cols = this.cols;
    // Blank row (often the end of a sheet): skip silently.
    let blank = true;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i] as string;
      if (v !== '' && v.trim() !== '') {
        blank = false;
        break;
      }
    }
    if (blank) return;
    if (this.o.skip && this.o.skip.has(`${this.o.sheetIdx}:${rowNo}`)) return;
    // An unquoted comma (1,000.00 or a payee name) shifts every later field: reject the row rather
    // than load a wrong amount.
    const width = this.o.headerWidth;
    if (width !== undefined && cells.length > width) {
      let extra = cells.length;
      while (extra > width && (cells[extra - 1] as string).trim() === '') extra--;
      if (extra > width) {
        this.reject(
          rowNo,
          undefined,
          'field_count',
          `本行有 ${extra} 个字段，表头只有 ${width} 个：可能有未加引号的逗号（如金额 1,000.00 或名称中的逗号）`,
          `the row has ${extra} fields but the header has ${width}: probably an unquoted comma (an amount such as 1,000.00, or a comma in a name)`,
          cells.join(','),
        );
        return;
      }
    }
    if (check && this.badChars(cells, rowNo)) return;
    // Subtotal / total / note rows: checked, not loaded.
    for (let i = 0; i < 3 && i < cells.length; i++) {
      const v = cells[i] as string;
      if (v.indexOf('计') >= 0 || v.indexOf('注') >= 0 || v.indexOf('说明') >= 0) {
        const t = normHeader(v);
        if (SUBTOTAL.test(t) && this.isLabelRow(cells)) {
          this.subtotal(cells, rowNo, t, fw);
          return;
        }
        if (i === 0 && NOTE.test(t) && this.isLabelRow(cells)) return;
      }
    }

    const out = this.out;
    let ok = true;
    const rejectsBefore = this.o.rejects.total;
    let m = 0;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i] as Compiled;
      let raw = c.src >= 0 ? (cells[c.src] ?? '') : '';
      if (fw) raw = c.isText ? halfWidthText(raw) : halfWidthAll(raw);
      raw = raw.trim();
      const type = c.col.type;
      if (raw === '') {
        out[i] = null;
        if (type === 'money') this.fens[m++] = 0;
        if (c.col.required) {
          this.reject(rowNo, c, 'missing_value', `${c.header} 不能为空`, `a value is required`);
          ok = false;
        }
        continue;
      }
      switch (type) {
        case 'text': {
          const max = c.maxLen ?? MAX_TEXT;
          if (CONTROL_CHARS.test(raw)) {
            this.badChar(rowNo, c, raw);
            ok = false;
          } else if (raw.length > max) {
            this.reject(
              rowNo,
              c,
              'too_long',
              `“${shown(raw)}” 超过 ${max} 个字符`,
              `"${shown(raw)}" is longer than ${max} characters`,
              raw,
            );
            ok = false;
          }
          out[i] = raw;
          break;
        }
        case 'region': {
          const v = raw.length === 6 && /^\d{6}$/.test(raw) ? raw : normaliseCode(raw, [6]);
          if (v === undefined) {
            this.reject(rowNo, c, 'bad_code', `“${shown(raw)}” 不是 6 位区划代码`, `"${shown(raw)}" is not a 6-digit region code`, raw);
            ok = false;
          } else if (!this.o.refs.region.has(v)) {
            const msg = unknownRefMessage('region', v);
            this.reject(rowNo, c, msg.code, msg.zh, msg.en, raw);
            ok = false;
          }
          out[i] = v ?? null;
          break;
        }
        case 'code': {
          const v = normaliseCode(raw, c.col.widths);
          if (v === undefined) {
            const w = (c.col.widths ?? []).join('/');
            this.reject(rowNo, c, 'bad_code', `“${shown(raw)}” 不是 ${w} 位数字编码`, `"${shown(raw)}" is not a ${w}-digit code`, raw);
            ok = false;
          } else if (c.col.ref === 'function_class' || c.col.ref === 'economic_class') {
            if (!this.o.refs[c.col.ref].has(v)) {
              const msg = unknownRefMessage(c.col.ref, v);
              this.reject(rowNo, c, msg.code, msg.zh, msg.en, raw);
              ok = false;
            }
          }
          out[i] = v ?? null;
          break;
        }
        case 'year': {
          const v = parseInteger(raw);
          if (typeof v !== 'number' || v < 1990 || v > 2100) {
            this.reject(rowNo, c, 'bad_year', `“${shown(raw)}” 不是有效年度`, `"${shown(raw)}" is not a valid year`, raw);
            ok = false;
            out[i] = null;
          } else out[i] = String(v);
          break;
        }
        case 'int': {
          const v = parseInteger(raw);
          if (typeof v !== 'number') {
            this.numberReject(rowNo, c, v, raw);
            ok = false;
            out[i] = null;
          } else out[i] = String(v);
          break;
        }
        case 'date': {
          let v = this.dateCache.get(raw);
          if (v === undefined) {
            v = parseDate(raw, this.o.fromSpreadsheet) ?? null;
            if (this.dateCache.size > 5000) this.dateCache.clear();
            this.dateCache.set(raw, v);
          }
          if (v === null) {
            this.reject(
              rowNo,
              c,
              'bad_date',
              `“${shown(raw)}” 不是有效日期（应为 2026-03-31、2026/3/31 或 2026年3月31日）`,
              `"${shown(raw)}" is not a valid date (expected 2026-03-31, 2026/3/31 or 2026年3月31日)`,
              raw,
            );
            ok = false;
          }
          out[i] = v;
          break;
        }
        case 'money': {
          const plain = c.unit === '元' ? plainYuanFen(raw) : undefined;
          if (plain !== undefined) {
            // Already canonical: stage the text as written.
            out[i] = raw;
            this.fens[m++] = plain;
            break;
          }
          const fen = parseMoneyFen(raw, c.unit);
          if (typeof fen !== 'number') {
            this.numberReject(rowNo, c, fen, raw);
            ok = false;
            out[i] = null;
            this.fens[m++] = 0;
          } else {
            out[i] = fenToString(fen);
            this.fens[m++] = fen;
          }
          break;
        }
        case 'decimal': {
          const v = parseDecimal4(raw);
          if (v === 'precision') {
            this.reject(rowNo, c, 'precision', `“${shown(raw)}” 小数位超过 4 位`, `"${shown(raw)}" has more than 4 decimal places`, raw);
            ok = false;
            out[i] = null;
          } else if (v === 'not_a_number' || v === 'out_of_range') {
            this.numberReject(rowNo, c, v, raw);
            ok = false;
            out[i] = null;
          } else out[i] = v;
          break;
        }
        case 'enum': {
          const v = c.enumMap?.get(raw) ?? c.enumMap?.get(normHeader(raw));
          if (v === undefined) {
            const allowed = Object.keys(c.col.values ?? {})
              .filter((k) => /[\u4e00-\u9fff]/.test(k))
              .join('、');
            this.reject(
              rowNo,
              c,
              'bad_enum',
              `“${shown(raw)}” 不是可接受的取值（${allowed}）`,
              `"${shown(raw)}" is not one of the accepted values`,
              raw,
            );
            ok = false;
          }
          out[i] = v ?? null;
          break;
        }
      }
    }
    // References that depend on the row's region.
    if (ok) {
      const region = this.regionIdx >= 0 ? out[this.regionIdx] : null;
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i] as Compiled;
        const ref = c.col.ref;
        if (ref !== 'department' && ref !== 'project' && ref !== 'bond') continue;
        const v = out[i];
        if (v === null || v === undefined || region === null || region === undefined) continue;
        if (!this.o.refs[ref].get(region)?.has(v)) {
          const msg = unknownRefMessage(ref, v, region);
          this.reject(rowNo, c, msg.code, msg.zh, msg.en, v);
          ok = false;
        }
      }
    }
    if (this.yearIdx >= 0) {
      const paid = out[this.paidIdx];
      out[this.yearIdx] = paid ? paid.slice(0, 4) : null;
    }
    if (ok && this.keyIdx.length > 0 && this.o.keys) {
      const first = this.o.keys.addParts(out, this.keyIdx, rowNo);
      if (first !== -1) {
        const keyText = this.o.spec.key.map((f, j) => `${f}=${out[this.keyIdx[j] as number] ?? ''}`).join(', ');
        this.o.rejects.add(
          makeReject(
            { file: this.o.file, sheet: this.o.sheet, row: rowNo },
            'duplicate_key',
            `与第 ${first} 行重复（${keyText}）`,
            `duplicates row ${first} (${keyText})`,
            keyText,
          ),
        );
        ok = false;
      }
    }
    if (!ok || this.o.rejects.total !== rejectsBefore) return;
    for (let k = 0; k < this.fens.length; k++) {
      const f = this.fens[k] as number;
      (this.sinceSub[k] as FenSum).add(f);
      (this.sinceStart[k] as FenSum).add(f);
    }
    this.rows++;
    if (this.o.spec.reference) {
      this.held.push(out.slice());
      this.heldFens.push(this.fens.slice());
      this.heldRows.push(rowNo);
      return;
    }
    if (this.o.stopStagingOnReject && this.o.rejects.total > 0) return;
    this.o.stage.write(out, this.fens, rowNo, this.o.sheetIdx);
  }

  /** Cells with a NUL or undecodable bytes: rejected, naming each column. */
  private badChars(cells: readonly string[], rowNo: number): boolean {
    let bad = false;
    for (const c of this.cols) {
      const v = c.src >= 0 ? cells[c.src] : undefined;
      if (!v || !BAD_CHARS.test(v)) continue;
      bad = true;
      if (v.includes(REPLACEMENT))
        this.reject(
          rowNo,
          c,
          'bad_encoding',
          `“${shown(v)}” 含有无法按文件编码（UTF-8 或 GBK）解码的字节（�），请检查该行或将文件整体另存为 UTF-8`,
          `"${shown(v)}" has bytes that are not valid in the file's encoding (UTF-8 or GBK), shown as �; check the row or save the whole file as UTF-8`,
          v,
        );
      else this.badChar(rowNo, c, v);
    }
    return bad;
  }

  private badChar(rowNo: number, c: Compiled, v: string): void {
    this.reject(
      rowNo,
      c,
      'bad_char',
      `“${shown(v)}” 含有控制字符（显示为 ␀、␛ 等），不能载入`,
      `"${shown(v)}" holds control characters (shown as ␀, ␛ …) that cannot be loaded`,
      v,
    );
  }

  /**
   * A CSV line whose quoted field never closes (see read/csv.ts): `field` is the index of that
   * field. Blank-looking lines are rejected too: the quote is all they hold.
   */
  unbalanced(rowNo: number, field: number, line: string): void {
    const c = this.cols.find((x) => x.src === field);
    this.reject(
      rowNo,
      c,
      'bad_quote',
      `第 ${field + 1} 个字段以引号开始但没有结束引号（缺少右引号？），本行未载入，其后各行照常读取`,
      `field ${field + 1} opens a quote that is never closed (a missing closing quote?); the row is not loaded, the rows after it are read as usual`,
      line,
    );
  }

  private numberReject(rowNo: number, c: Compiled, e: NumberError, raw: string): void {
    if (e === 'precision')
      this.reject(
        rowNo,
        c,
        'precision',
        `“${shown(raw)}”${c.unit === '元' ? '' : `（单位${c.unit}）`}换算为元后超过两位小数（精确到分）`,
        `"${shown(raw)}"${c.unit === '元' ? '' : ` (in ${c.unit})`} has more precision than the fen after conversion to 元`,
        raw,
      );
    else if (e === 'out_of_range')
      this.reject(rowNo, c, 'out_of_range', `“${shown(raw)}” 超出可存储的范围`, `"${shown(raw)}" is out of range`, raw);
    else this.reject(rowNo, c, 'not_a_number', `“${shown(raw)}” 不是数字`, `"${shown(raw)}" is not a number`, raw);
  }

  /** A row with a label and no code in the code/key columns (so "合计" in a name column of a real row is not taken). */
  private isLabelRow(cells: readonly string[]): boolean {
    for (const c of this.cols) {
      if (c.src < 0) continue;
      if ((c.col.type === 'code' || c.col.type === 'region') && (cells[c.src] ?? '').trim() !== '' && /\d/.test(cells[c.src] ?? ''))
        return false;
    }
    return true;
  }

  private subtotal(cells: readonly string[], rowNo: number, label: string, fw: boolean): void {
    const isSub = label.endsWith('小计');
    let m = 0;
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols[i] as Compiled;
      if (c.col.type !== 'money') continue;
      const k = m++;
      if (c.src < 0) continue;
      let raw = cells[c.src] ?? '';
      if (fw) raw = halfWidthAll(raw);
      raw = raw.trim();
      if (raw === '') continue;
      const stated = parseMoneyFen(raw, c.unit);
      if (typeof stated !== 'number') continue;
      const sum = isSub ? (this.sinceSub[k] as FenSum) : (this.sinceStart[k] as FenSum);
      this.o.counters.subtotalsChecked++;
      const computed = sum.value();
      if (computed !== BigInt(stated)) {
        const p = { zh: `${this.o.file}${this.o.sheet ? ` 工作表“${this.o.sheet}”` : ''} 第 ${rowNo} 行` };
        this.o.subtotals.push({
          file: this.o.file,
          ...(this.o.sheet !== undefined ? { sheet: this.o.sheet } : {}),
          row: rowNo,
          label,
          column: c.header,
          stated: fenToString(stated),
          computed: fenToString(computed),
          message_zh: `${p.zh}“${label}”的“${c.header}”为 ${fenToString(stated)} 元，与明细行合计 ${fenToString(computed)} 元不符`,
          message_en: `${this.o.sheet ? `sheet "${this.o.sheet}", ` : ''}row ${rowNo}: "${label}" states ${fenToString(stated)} for "${c.col.field}" but its rows add up to ${fenToString(computed)}`,
        });
      }
    }
    if (isSub) for (const s of this.sinceSub) s.reset();
  }

  /** Reference kinds: resolve in-file relations, then stage the held rows. */
  finish(): void {
    if (!this.o.spec.reference) return;
    const kind = this.o.spec.kind;
    const codeIdx = this.targets.findIndex((t) => t.field === 'code');
    const parentIdx = this.targets.findIndex((t) => t.field === 'parent_code');
    const levelIdx = this.targets.findIndex((t) => t.field === 'level' && t.type === 'derived');
    const inFile = new Set(this.held.map((r) => r[codeIdx] as string));
    const known =
      kind === 'function_classes' ? this.o.refs.function_class : kind === 'economic_classes' ? this.o.refs.economic_class : undefined;
    const parentCol = this.cols.find((c) => c.col.field === 'parent_code');
    for (let r = 0; r < this.held.length; r++) {
      const row = this.held[r] as (string | null)[];
      const rowNo = this.heldRows[r] as number;
      const code = row[codeIdx] as string;
      if (levelIdx >= 0) {
        row[levelIdx] = String((code.length - 1) >> 1);
        const parent = code.length > 3 ? code.slice(0, code.length - 2) : null;
        // Parent only when it is itself a known class (a file may hold the 项 level only).
        row[parentIdx] = parent && (inFile.has(parent) || known?.has(parent)) ? parent : null;
      }
      if (kind === 'regions') {
        const parent = row[parentIdx];
        if (parent && !inFile.has(parent) && !this.o.refs.region.has(parent)) {
          const msg = unknownRefMessage('region', parent);
          this.reject(rowNo, parentCol, msg.code, msg.zh, msg.en, parent);
          this.rows--;
          continue;
        }
      }
      if (this.o.stopStagingOnReject && this.o.rejects.total > 0) continue;
      this.o.stage.write(row, this.heldFens[r] as number[], rowNo, this.o.sheetIdx);
    }
  }
}

/** Whether any cell has full-width characters (spreadsheet rows; CSV tests the line). */
export function hasFullWidth(cells: readonly string[]): boolean {
  for (const c of cells) if (c && NEEDS_HALF_WIDTH.test(c)) return true;
  return false;
}
