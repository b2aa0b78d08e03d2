/**
 * XLSX reader (exceljs). Cells come back as text the same normalisation as CSV applies to:
 * numbers without binary noise (Excel shows 15 significant digits; so do we), date cells as
 * YYYY-MM-DD, rich text flattened, formulas as their cached result, merged cells as the text of
 * their master cell (so a group header covers all its sub-columns).
 *
 * The workbook is read whole: exceljs's streaming reader does not expose merged ranges, and
 * spreadsheets are bounded (1,048,576 rows) — ledgers that size come as CSV. The archive is
 * checked first (read/zip.ts: entry count and inflated size, before anything is inflated).
 */
import ExcelJS from 'exceljs';
import { WorkbookRejected, checkZip } from './zip.ts';

export interface XlsxSheet {
  name: string;
  /** rows[r] = cells of sheet row r (1-based; rows[0] unused), '' for an empty cell. */
  rows: string[][];
  /** Rows whose cells were numbers/dates, per column: true when the cell held a number. */
  numeric: boolean[][];
}

function isoOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Number → plain decimal text with at most 15 significant digits (drops 0.1+0.2 style noise). */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(Number(n.toPrecision(15)));
  if (!/e/i.test(s)) return s;
  // Very small or large: write it out without an exponent.
  return Number(n.toPrecision(15))
    .toFixed(20)
    .replace(/\.?0+$/, '');
}

export function cellText(v: ExcelJS.CellValue): { text: string; numeric: boolean } {
  if (v === null || v === undefined) return { text: '', numeric: false };
  if (typeof v === 'number') return { text: numberText(v), numeric: true };
  if (typeof v === 'string') return { text: v, numeric: false };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', numeric: false };
  if (v instanceof Date) return { text: isoOf(v), numeric: false };
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return { text: v.richText.map((t) => t.text).join(''), numeric: false };
    // A formula: its cached result; none (never calculated) is an empty cell, not "[object Object]".
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v && typeof (v as { text: unknown }).text === 'string') return { text: (v as { text: string }).text, numeric: false };
    if ('error' in v) return { text: '', numeric: false };
  }
  return { text: String(v), numeric: false };
}

/**
 * Defined names (named ranges) are not used here, and exceljs files them in plain objects keyed
 * by the sheet name they refer to: a name referring to a sheet called "__proto__" wrote into
 * Object.prototype. They are dropped as the workbook part is parsed.
 */
function dropDefinedNames(wb: ExcelJS.Workbook): void {
  const xlsx = wb.xlsx as unknown as { parseWorkbook(stream: unknown): Promise<{ definedNames?: unknown }> };
  const parse = xlsx.parseWorkbook.bind(xlsx);
  xlsx.parseWorkbook = async (stream) => {
    const model = await parse(stream);
    model.definedNames = [];
    return model;
  };
}

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype] as const;

function prototypeKeys(): Set<string | symbol>[] {
  return PROTOTYPES.map((p) => new Set(Reflect.ownKeys(p)));
}

/**
 * A second line of defence: any property a workbook's names added to a built-in prototype
 * (through a path not known today) is removed, and the workbook refused.
 */
function restorePrototypes(before: Set<string | symbol>[]): void {
  const added: string[] = [];
  PROTOTYPES.forEach((p, i) => {
    for (const k of Reflect.ownKeys(p)) {
      if (before[i]?.has(k)) continue;
      delete (p as Record<string | symbol, unknown>)[k];
      added.push(String(k));
    }
  });
  if (added.length)
    throw new WorkbookRejected(
      `工作簿中的名称试图改写程序内部对象（${added.slice(0, 5).join('、')}），疑为恶意文件，未读取`,
      `names in the workbook tried to change built-in objects (${added.slice(0, 5).join(', ')}); it looks hostile and was not read`,
    );
}

export async function readXlsx(file: string): Promise<XlsxSheet[]> {
  // Zip bombs and non-ZIP files are refused before exceljs inflates anything (see zip.ts).
  const bytes = await checkZip(file);
  const wb = new ExcelJS.Workbook();
  dropDefinedNames(wb);
  const before = prototypeKeys();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    // Excel never writes a DOCTYPE; entity declarations are an expansion (billion laughs) or
    // external-entity attack, which the XML parser refuses to expand. A character reference to
    // something XML does not allow (&#xD800;) is only malformed: it goes out as unreadable.
    if (err instanceof Error && /entity|doctype/i.test(err.message) && !/character entity/i.test(err.message))
      throw new WorkbookRejected(
        `工作簿的 XML 含有 Excel 不会写入的实体声明（${err.message}），疑为恶意文件，未读取`,
        `the workbook's XML holds entity declarations Excel never writes (${err.message}); it looks hostile and was not read`,
      );
    throw err;
  } finally {
    restorePrototypes(before);
  }
  const sheets: XlsxSheet[] = [];
  wb.eachSheet((ws) => {
    const rows: string[][] = [[]];
    const numeric: boolean[][] = [[]];
    const width = ws.columnCount;
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = new Array<string>(width).fill('');
      const nums: boolean[] = new Array<boolean>(width).fill(false);
      for (let c = 1; c <= width; c++) {
        const cell = row.getCell(c);
        const src = cell.isMerged && cell.master && cell.master !== cell ? cell.master : cell;
        const t = cellText(src.value);
        cells[c - 1] = t.text;
        nums[c - 1] = t.numeric;
      }
      rows.push(cells);
      numeric.push(nums);
    }
    sheets.push({ name: ws.name, rows, numeric });
  });
  return sheets;
}
