/**
 * XLSX reader (exceljs). Cells come back as text the same normalisation as CSV applies to:
 * numbers without binary noise (Excel shows 15 significant digits; so do we), date cells as
 * YYYY-MM-DD, rich text flattened, formulas as their cached result, merged cells as the text of
 * their master cell (so a group header covers all its sub-columns).
 *
 * The workbook is read whole: exceljs's streaming reader does not expose merged ranges, and
 * spreadsheets are bounded (1,048,576 rows) — ledgers that size come as CSV.
 */
import ExcelJS from 'exceljs';

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
    if ('result' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v && typeof (v as { text: unknown }).text === 'string') return { text: (v as { text: string }).text, numeric: false };
    if ('error' in v) return { text: '', numeric: false };
  }
  return { text: String(v), numeric: false };
}

export async function readXlsx(file: string): Promise<XlsxSheet[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
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
