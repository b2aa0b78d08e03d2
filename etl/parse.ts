/**
 * Source file → validated, normalised stage file. Picks the reader (CSV / XLSX / disclosure
 * workbook), finds the header and kind, runs every row through the validator and counts what the
 * source holds (rows, money sums, subtotal checks) for the reconciliation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CSV_FULL_WIDTH, CSV_SUSPECT, CSV_UNBALANCED, readCsv } from './read/csv.ts';
import { readXlsx, type XlsxSheet } from './read/xlsx.ts';
import { isDisclosureWorkbook, parseDisclosureWorkbook } from './read/disclosure.ts';
import { kindSpec } from './kinds.ts';
import { NEEDS_HALF_WIDTH } from './normalise.ts';
import { RejectLog, makeReject, shown, type SubtotalFinding } from './report.ts';
import { WorkbookRejected } from './read/zip.ts';
import { KeySet, StageWriter } from './stage.ts';
import { DISCLOSURE_INFO, DISCLOSURE_KIND, tableInfo, type TableInfo } from './tables.ts';
import { FlatValidator, detectHeader, duplicateColumns, hasFullWidth, unitAbove, type HeaderMatch, type RefSets } from './validate.ts';

export interface ParseOptions {
  file: string;
  /** Name used in messages (the file's base name). */
  name: string;
  kind?: string | undefined;
  refs: RefSets;
  /** Postgres varchar limits per table. */
  maxLen: Map<string, Map<string, number>>;
  stagePath: string;
  batchId: number;
  acceptPartial: boolean;
  skip?: ReadonlySet<string> | undefined;
  onBytes?: ((done: number, total: number) => void) | undefined;
}

export interface ParseResult {
  kind: string | null;
  info: TableInfo | null;
  stage: StageWriter | null;
  rejects: RejectLog;
  subtotals: SubtotalFinding[];
  subtotalsChecked: number;
  sheets: string[];
  /** Rows the source holds that were accepted. */
  rows: number;
}

class Abort extends Error {}

export function sourceType(file: string): 'csv' | 'xlsx' | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  return undefined;
}

function quoteColsOf(info: TableInfo): Set<number> {
  // Quote-check only columns that can hold free text; codes, dates and numbers never need it.
  const text = new Set<string>(['line_name']);
  if (info.kind !== DISCLOSURE_KIND) {
    for (const c of kindSpec(info.kind).columns) if (c.type === 'text' || c.type === 'enum') text.add(c.field);
  }
  return new Set(info.columns.map((c, i) => (text.has(c) ? i : -1)).filter((i) => i >= 0));
}

function newStage(o: ParseOptions, info: TableInfo): StageWriter {
  return new StageWriter(o.stagePath, info.columns, info.money.length, quoteColsOf(info), o.batchId);
}

export async function parseSource(o: ParseOptions): Promise<ParseResult> {
  const res: ParseResult = {
    kind: null,
    info: null,
    stage: null,
    rejects: new RejectLog(),
    subtotals: [],
    subtotalsChecked: 0,
    sheets: [],
    rows: 0,
  };
  const type = sourceType(o.file);
  if (!type) {
    res.rejects.add(
      makeReject(
        { file: o.name },
        'unknown_kind',
        '不支持的文件类型（应为 .csv 或 .xlsx）',
        'unsupported file type (expected .csv or .xlsx)',
      ),
    );
    return res;
  }
  try {
    if (type === 'csv') await parseCsv(o, res);
    else await parseWorkbook(o, res);
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
  } finally {
    res.stage?.close();
  }
  return res;
}

function noHeaderReject(o: ParseOptions, res: ParseResult, sheet?: string): void {
  res.rejects.add(
    makeReject(
      { file: o.name, sheet },
      o.kind ? 'missing_column' : 'unknown_kind',
      o.kind
        ? `找不到“${kindSpec(o.kind).titleZh}”的表头行（必填列：${kindSpec(o.kind)
            .columns.filter((c) => c.required)
            .map((c) => c.headers[0])
            .join('、')}）`
        : '无法从表头识别数据类型，请检查表头或用 --kind 指定',
      o.kind
        ? `no header row of kind "${o.kind}" found (required columns: ${kindSpec(o.kind)
            .columns.filter((c) => c.required)
            .map((c) => c.field)
            .join(', ')})`
        : 'the kind of data cannot be recognised from the header; check the header row or give --kind',
    ),
  );
}

/** Refuses a header that names a column twice; true if it did. */
function refuseDuplicateColumns(o: ParseOptions, res: ParseResult, cells: readonly string[], match: HeaderMatch, sheet?: string): boolean {
  const dups = duplicateColumns(cells, match);
  for (const d of dups) {
    res.rejects.add(
      makeReject(
        { file: o.name, sheet, row: match.headerRow + 1, column: d.header },
        'duplicate_column',
        `表头中“${d.header}”与“${d.first}”是同一列，无法确定以哪一列为准，未载入任何数据；请删除或改名其中一列`,
        `the header names the same column twice ("${d.header}" and "${d.first}"), so which one holds the data cannot be told; nothing was loaded. Remove or rename one of them`,
      ),
    );
  }
  return dups.length > 0;
}

/**
 * Whether a CSV record that spans lines is one record rather than rows swallowed by a stray
 * quote: as many fields as the header (trailing empty ones aside), line breaks only in free-text
 * columns, and no line inside a field with nearly a row's worth of commas.
 */
function isOneRecord(cells: readonly string[], width: number, textFields: ReadonlySet<number>): boolean {
  if (cells.length < width || headerWidth(cells) > width) return false;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i] as string;
    if (v.indexOf('\n') < 0) continue;
    if (!textFields.has(i)) return false;
    const lines = v.split('\n');
    for (let k = 1; k < lines.length; k++) {
      let commas = 0;
      for (const ch of lines[k] as string) if (ch === ',') commas++;
      if (commas >= Math.max(width - 2, 1)) return false;
    }
  }
  return true;
}

/** Fields of a header row up to its last non-empty one. */
function headerWidth(cells: readonly string[]): number {
  let n = cells.length;
  while (n > 0 && (cells[n - 1] as string).trim() === '') n--;
  return n;
}

async function parseCsv(o: ParseOptions, res: ParseResult): Promise<void> {
  const head: string[][] = [];
  let validator: FlatValidator | undefined;
  const total = fs.statSync(o.file).size;
  const counters = { subtotalsChecked: 0 };
  let width = 0;
  /** Source fields of free-text columns: the only ones a quoted line break may be in. */
  let textFields = new Set<number>();
  const start = (match: HeaderMatch) => {
    if (refuseDuplicateColumns(o, res, head[match.headerRow] ?? [], match)) throw new Abort();
    const spec = match.spec;
    width = headerWidth(head[match.headerRow] ?? []);
    textFields = new Set(spec.columns.map((c, i) => (c.type === 'text' ? (match.src[i] ?? -1) : -1)).filter((i) => i >= 0));
    const info = tableInfo(spec.kind);
    res.kind = spec.kind;
    res.info = info;
    res.stage = newStage(o, info);
    validator = new FlatValidator({
      file: o.name,
      sheetIdx: 0,
      skip: o.skip,
      spec,
      match,
      fileUnit: unitAbove(head, match.headerRow),
      refs: o.refs,
      maxLen: o.maxLen.get(info.table) ?? new Map(),
      stage: res.stage,
      rejects: res.rejects,
      keys: spec.key.length ? new KeySet() : undefined,
      subtotals: res.subtotals,
      counters,
      fromSpreadsheet: false,
      stopStagingOnReject: !o.acceptPartial,
      headerWidth: width,
    });
  };
  await readCsv(
    o.file,
    (cells, recNo, line, flags) => {
      if (validator) {
        if (flags & CSV_UNBALANCED) validator.unbalanced(recNo, cells.length - 1, line);
        else validator.row(cells, recNo, (flags & CSV_FULL_WIDTH) !== 0 && NEEDS_HALF_WIDTH.test(line), (flags & CSV_SUSPECT) !== 0);
        return;
      }
      head.push(cells);
      const m = detectHeader(head, o.kind);
      if (m) start(m);
      else if (head.length >= 30) {
        noHeaderReject(o, res);
        throw new Abort();
      }
    },
    {
      onBytes: o.onBytes ? (b) => o.onBytes?.(b, total) : undefined,
      acceptSpan: (cells) => validator === undefined || isOneRecord(cells, width, textFields),
    },
  );
  if (!validator) {
    noHeaderReject(o, res);
    return;
  }
  (validator as FlatValidator).finish();
  res.rows = (validator as FlatValidator).rows;
  res.subtotalsChecked = counters.subtotalsChecked;
}

async function parseWorkbook(o: ParseOptions, res: ParseResult): Promise<void> {
  let sheets: XlsxSheet[];
  try {
    sheets = await readXlsx(o.file);
  } catch (err) {
    const m = shown(err instanceof Error ? err.message : String(err), 300);
    res.rejects.add(
      err instanceof WorkbookRejected
        ? makeReject({ file: o.name }, 'bad_workbook', err.zh, err.en)
        : makeReject({ file: o.name }, 'bad_workbook', `无法读取 Excel 文件：${m}`, `the Excel file cannot be read: ${m}`),
    );
    return;
  }
  res.sheets = sheets.map((s) => s.name);
  if ((!o.kind || o.kind === DISCLOSURE_KIND) && isDisclosureWorkbook(sheets)) {
    res.kind = DISCLOSURE_KIND;
    res.info = DISCLOSURE_INFO;
    res.stage = newStage(o, DISCLOSURE_INFO);
    const out = parseDisclosureWorkbook(sheets, {
      file: o.name,
      refs: o.refs,
      stage: res.stage,
      rejects: res.rejects,
      subtotals: res.subtotals,
      skip: o.skip,
      stopStagingOnReject: !o.acceptPartial,
    });
    res.rows = out.rows;
    res.subtotalsChecked = out.subtotalsChecked;
    return;
  }
  const counters = { subtotalsChecked: 0 };
  let keys: KeySet | undefined;
  let found = false;
  for (let si = 0; si < sheets.length; si++) {
    const sheet = sheets[si] as XlsxSheet;
    const rows = sheet.rows.slice(1);
    const match = detectHeader(rows, res.kind ?? o.kind);
    if (!match) continue; // a sheet of notes or an empty sheet
    found = true;
    if (refuseDuplicateColumns(o, res, rows[match.headerRow] ?? [], match, sheet.name)) return;
    const spec = match.spec;
    if (!res.info) {
      res.kind = spec.kind;
      res.info = tableInfo(spec.kind);
      res.stage = newStage(o, res.info);
      keys = spec.key.length ? new KeySet() : undefined;
    }
    const v = new FlatValidator({
      file: o.name,
      sheet: sheet.name,
      sheetIdx: si,
      skip: o.skip,
      spec,
      match,
      fileUnit: unitAbove(rows, match.headerRow),
      refs: o.refs,
      maxLen: o.maxLen.get(res.info.table) ?? new Map(),
      stage: res.stage as StageWriter,
      rejects: res.rejects,
      keys,
      subtotals: res.subtotals,
      counters,
      fromSpreadsheet: true,
      stopStagingOnReject: !o.acceptPartial,
    });
    for (let r = match.headerRow + 2; r < sheet.rows.length; r++) {
      const cells = sheet.rows[r] as string[];
      v.row(cells, r, hasFullWidth(cells), true);
    }
    v.finish();
    res.rows += v.rows;
  }
  res.subtotalsChecked = counters.subtotalsChecked;
  if (!found) noHeaderReject(o, res);
}

/** Cheap kind detection for ordering a directory: header of a CSV's first 64 KiB, or the workbook. */
export async function peekKind(file: string): Promise<string | undefined> {
  const type = sourceType(file);
  if (type === 'csv') {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const { SourceDecoder } = await import('./read/decode.ts');
      let text: string;
      try {
        text = new SourceDecoder().decode(buf.subarray(0, n));
      } catch {
        return undefined;
      }
      const lines = text.split(/\r?\n/).slice(0, 30);
      const { parseQuotedRecord } = await import('./read/csv.ts');
      return detectHeader(lines.map((l) => parseQuotedRecord(l)))?.spec.kind;
    } finally {
      fs.closeSync(fd);
    }
  }
  if (type === 'xlsx') {
    try {
      const sheets = await readXlsx(file);
      if (isDisclosureWorkbook(sheets)) return DISCLOSURE_KIND;
      for (const s of sheets) {
        const m = detectHeader(s.rows.slice(1));
        if (m) return m.spec.kind;
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
