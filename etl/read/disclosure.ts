/**
 * Reader of the standard department disclosure workbook (etl/disclosure.ts): one workbook per
 * department, year and phase, up to 9 sheets. Produces `disclosure_line` rows: coded tables store
 * their 项 (7-digit function) or 款 (5-digit economic) rows and check the 类/款 rows and 合计
 * against them; balance tables (1, 4) store their items and check their 合计/总计 lines; table 7
 * (三公) is stored whole, its identities checked and reported.
 */
import { DISCLOSURE_TABLES, type DisclosureTable, type ItemLine } from '../disclosure.ts';
import {
  fenToString,
  findUnit,
  halfWidthAll,
  normHeader,
  normaliseCode,
  parseDecimalParts,
  parseMoneyFen,
  type Unit,
} from '../normalise.ts';
import { makeReject, shown, type RejectCode, type RejectLog, type SubtotalFinding } from '../report.ts';
import type { StageWriter } from '../stage.ts';
import type { RefSets } from '../validate.ts';
import type { XlsxSheet } from './xlsx.ts';

const TITLE = /^(.*?)(\d{4})年部门(预算|决算)(.+)$/;
const ORG = /编制单位[:：]\s*(.+?)\s*$/;
const TOTAL = /(合计|总计|小计)$/;

function stripQuotes(s: string): string {
  return s.replace(/[“”"‘’']/g, '');
}

function tableByName(name: string): DisclosureTable | undefined {
  const n = normHeader(stripQuotes(name));
  const key = (t: DisclosureTable) => normHeader(stripQuotes(t.name));
  // Exact name first, then the longest name the title ends with: "财政拨款收支总表" also ends
  // with "收支总表" (table 1).
  return (
    DISCLOSURE_TABLES.find((t) => n === key(t)) ??
    [...DISCLOSURE_TABLES].sort((a, b) => key(b).length - key(a).length).find((t) => n.endsWith(key(t)))
  );
}

interface Title {
  deptName: string;
  year: number;
  phase: 'approved' | 'final';
  table: DisclosureTable;
  row: number;
}

function findTitle(sheet: XlsxSheet): Title | undefined {
  for (let r = 1; r <= Math.min(3, sheet.rows.length - 1); r++) {
    for (const cell of sheet.rows[r] ?? []) {
      const t = TITLE.exec(halfWidthAll(cell).replace(/\s+/g, ''));
      if (!t) continue;
      const table = tableByName(t[4] as string) ?? tableBySheetName(sheet.name);
      if (!table) continue;
      return { deptName: t[1] as string, year: Number(t[2]), phase: t[3] === '预算' ? 'approved' : 'final', table, row: r };
    }
  }
  return undefined;
}

function tableBySheetName(name: string): DisclosureTable | undefined {
  const m = /^\s*(\d)\s*/.exec(halfWidthAll(name));
  return m ? DISCLOSURE_TABLES.find((t) => t.no === Number(m[1])) : undefined;
}

export function isDisclosureWorkbook(sheets: readonly XlsxSheet[]): boolean {
  return sheets.some((s) => findTitle(s) !== undefined);
}

export interface DisclosureOptions {
  file: string;
  refs: RefSets;
  stage: StageWriter;
  rejects: RejectLog;
  subtotals: SubtotalFinding[];
  skip?: ReadonlySet<string> | undefined;
  stopStagingOnReject: boolean;
}

function isNumberText(s: string): boolean {
  const t = s.trim();
  return t !== '' && typeof parseDecimalParts(t) !== 'string';
}

function itemCode(lines: readonly ItemLine[], label: string): ItemLine | undefined {
  const n = normHeader(label).replace(/^[一二三四五六七八九十]+[、.]/, '');
  return lines.find((l) => l.labels.some((x) => normHeader(x) === n || normHeader(x).replace(/^[一二三四五六七八九十]+[、.]/, '') === n));
}

export function parseDisclosureWorkbook(sheets: readonly XlsxSheet[], o: DisclosureOptions): { rows: number; subtotalsChecked: number } {
  let rows = 0;
  let subtotalsChecked = 0;
  const rej = (
    sheet: string,
    row: number | undefined,
    column: string | undefined,
    code: RejectCode,
    zh: string,
    en: string,
    value?: string,
  ) => o.rejects.add(makeReject({ file: o.file, sheet, row, column }, code, zh, en, value));
  // The department table being read: a subtotal finding names it, so that R20 can report it.
  let table: SubtotalFinding['table'];
  const finding = (sheet: string, row: number, label: string, column: string, stated: bigint, computed: bigint) => {
    subtotalsChecked++;
    if (stated === computed) return;
    o.subtotals.push({
      file: o.file,
      sheet,
      ...(table ? { table } : {}),
      row,
      label,
      column,
      stated: fenToString(stated),
      computed: fenToString(computed),
      message_zh: `${o.file} 工作表“${sheet}”第 ${row} 行“${label}”的“${column}”为 ${fenToString(stated)} 元，与明细合计 ${fenToString(computed)} 元不符`,
      message_en: `sheet "${sheet}", row ${row}: "${label}" states ${fenToString(stated)} for "${column}" but its rows add up to ${fenToString(computed)}`,
    });
  };

  // Department, year and phase: the same for every sheet.
  let dept: { region: string; code: string } | undefined;
  let deptTried = false;
  for (let si = 0; si < sheets.length; si++) {
    const sheet = sheets[si] as XlsxSheet;
    const title = findTitle(sheet);
    if (!title) continue;
    const t = title.table;
    let unit: Unit = '元';
    let orgName: string | undefined;
    let headerStart = -1;
    for (let r = title.row + 1; r < sheet.rows.length; r++) {
      const cells = sheet.rows[r] as string[];
      let isMeta = false;
      for (const c of cells) {
        const org = ORG.exec(halfWidthAll(c).trim());
        if (org) {
          orgName = (org[1] as string).replace(/\s+/g, '');
          isMeta = true;
        }
        const u = c.includes('单位') ? findUnit(c) : undefined;
        if (u) {
          unit = u;
          isMeta = true;
        }
      }
      if (isMeta) continue;
      if (cells.some((c) => c.trim() !== '')) {
        headerStart = r;
        break;
      }
    }
    if (!deptTried) {
      deptTried = true;
      const name = (orgName ?? title.deptName).replace(/\s+/g, '');
      const hits = o.refs.departmentByName.get(name) ?? [];
      if (hits.length === 1) {
        const [region, code] = (hits[0] as string).split('|') as [string, string];
        dept = { region, code };
      } else {
        rej(
          sheet.name,
          title.row,
          '编制单位',
          'unknown_department',
          hits.length === 0 ? `编制单位“${name}”不在已登记的预算单位中` : `编制单位“${name}”对应多个预算单位，无法确定`,
          hits.length === 0
            ? `the reporting unit "${name}" is not a known department`
            : `the reporting unit "${name}" matches several departments`,
          name,
        );
      }
    }
    if (!dept || headerStart < 0) continue;
    // Header: one or two rows, until the first row that holds a number.
    let dataStart = headerStart + 1;
    while (dataStart < sheet.rows.length && dataStart < headerStart + 3) {
      const cells = sheet.rows[dataStart] as string[];
      const first = normHeader(cells.find((c) => c.trim() !== '') ?? '');
      // A 合计 in the second header row is the vertically merged "合计" column header, not the total row.
      if (cells.some((c, i) => (sheet.numeric[dataStart] as boolean[])[i] || isNumberText(c)) || first.startsWith('注')) break;
      if (TOTAL.test(first) && dataStart > headerStart + 1) break;
      dataStart++;
    }
    const upper = sheet.rows[headerStart] as string[];
    const leaf = sheet.rows[dataStart - 1] as string[];
    const width = Math.max(upper.length, leaf.length);
    const lh = (c: number) => normHeader(leaf[c] ?? '');
    const uh = (c: number) => normHeader(upper[c] ?? '');
    const measureCols = (measures: readonly { measure: string; header: string; group?: string }[]) => {
      const used = new Set<number>();
      return measures.map((m) => {
        for (let c = 0; c < width; c++) {
          if (used.has(c) || lh(c) !== normHeader(m.header)) continue;
          if (m.group && uh(c) !== normHeader(m.group)) continue;
          used.add(c);
          return c;
        }
        return -1;
      });
    };
    const base = { region: dept.region, year: String(title.year), phase: title.phase, dept: dept.code, no: String(t.no) };
    table = { region_code: dept.region, department_code: dept.code, year: title.year, phase: title.phase, table_no: t.no };
    const write = (lineCode: string, lineName: string, measure: string, fen: number, rowNo: number) => {
      if (o.stopStagingOnReject && o.rejects.total > 0) return;
      o.stage.write(
        [base.region, base.year, base.phase, base.dept, base.no, lineCode, lineName, measure, fenToString(fen)],
        [fen],
        rowNo,
        si,
      );
      rows++;
    };
    const money = (raw: string, rowNo: number, column: string): number | undefined => {
      const s = halfWidthAll(raw).trim();
      if (s === '' || s === '-' || s === '—') return 0;
      const v = parseMoneyFen(s, unit);
      if (typeof v === 'number') return v;
      rej(
        sheet.name,
        rowNo,
        column,
        v,
        v === 'precision' ? `“${shown(raw)}”（单位${unit}）换算为元后超过两位小数（精确到分）` : `“${shown(raw)}” 不是数字`,
        v === 'precision'
          ? `"${shown(raw)}" (in ${unit}) has more precision than the fen after conversion to 元`
          : `"${shown(raw)}" is not a number`,
        raw,
      );
      return undefined;
    };
    const spec = t.spec;

    if (spec.layout === 'coded') {
      const codeCol = [...Array(width).keys()].find((c) => /编码|代码/.test(lh(c)) || /编码|代码/.test(uh(c))) ?? 0;
      const nameCol = [...Array(width).keys()].find((c) => /名称/.test(lh(c)) || /名称/.test(uh(c))) ?? codeCol + 1;
      const cols = measureCols(spec.measures);
      const leafLen = spec.codeKind === 'function' ? 7 : 5;
      const widths = spec.codeKind === 'function' ? [3, 5, 7] : [3, 5];
      const known = spec.codeKind === 'function' ? o.refs.function_class : o.refs.economic_class;
      const stored: { code: string; fens: number[] }[] = [];
      const subs: { row: number; label: string; code: string | null; fens: (number | undefined)[] }[] = [];
      const seen = new Map<string, number>();
      for (let r = dataStart; r < sheet.rows.length; r++) {
        const cells = sheet.rows[r] as string[];
        if (!cells.some((c) => c.trim() !== '')) continue;
        if (o.skip?.has(`${si}:${r}`)) continue;
        const rawCode = (cells[codeCol] ?? '').trim();
        const name = halfWidthAll(cells[nameCol] ?? '')
          .trim()
          .replace(/^\s+/, '');
        const code = rawCode ? normaliseCode(rawCode, widths) : undefined;
        if (!code) {
          const label = normHeader(rawCode || name);
          if (TOTAL.test(label)) {
            subs.push({ row: r, label, code: null, fens: cols.map((c) => (c >= 0 ? money(cells[c] ?? '', r, leaf[c] ?? '') : undefined)) });
            continue;
          }
          if (/^(注|说明)/.test(label) || label.includes('空表') || label === '') continue;
          rej(
            sheet.name,
            r,
            leaf[codeCol] || '科目编码',
            'bad_code',
            `“${rawCode || name}” 不是科目编码`,
            `"${rawCode || name}" is not a classification code`,
            rawCode,
          );
          continue;
        }
        const fens = cols.map((c) => (c >= 0 ? money(cells[c] ?? '', r, leaf[c] ?? '') : 0));
        if (fens.some((f) => f === undefined)) continue;
        if (code.length < leafLen) {
          subs.push({ row: r, label: `${code} ${name}`.trim(), code, fens });
          continue;
        }
        if (!known.has(code)) {
          const what = spec.codeKind === 'function' ? ['支出功能分类', 'function class'] : ['支出经济分类', 'economic class'];
          rej(
            sheet.name,
            r,
            leaf[codeCol] || '科目编码',
            'unknown_code',
            `科目编码 ${code} 不在${what[0]}中`,
            `${code} is not a known ${what[1]}`,
            rawCode,
          );
          continue;
        }
        const first = seen.get(code);
        if (first !== undefined) {
          rej(
            sheet.name,
            r,
            leaf[codeCol] || '科目编码',
            'duplicate_key',
            `科目编码 ${code} 与第 ${first} 行重复`,
            `code ${code} duplicates row ${first}`,
            code,
          );
          continue;
        }
        seen.set(code, r);
        stored.push({ code, fens: fens as number[] });
        spec.measures.forEach((m, k) => write(code, name, m.measure, fens[k] as number, r));
      }
      for (const s of subs) {
        spec.measures.forEach((m, k) => {
          const stated = s.fens[k];
          if (stated === undefined || (cols[k] as number) < 0) return;
          let sum = 0n;
          for (const row of stored) if (s.code === null || row.code.startsWith(s.code)) sum += BigInt(row.fens[k] as number);
          finding(sheet.name, s.row, s.label, leaf[cols[k] as number] || m.header, BigInt(stated), sum);
        });
      }
    } else if (spec.layout === 'balance') {
      const labelCols = [...Array(width).keys()].filter((c) => /项目/.test(lh(c)) || (/项目/.test(uh(c)) && !/金额|数/.test(lh(c))));
      let left = { label: 0, amount: 1 };
      let right = { label: 2, amount: 3 };
      if (labelCols.length >= 2) {
        left = { label: labelCols[0] as number, amount: (labelCols[0] as number) + 1 };
        right = { label: labelCols[1] as number, amount: (labelCols[1] as number) + 1 };
      }
      const sides = [
        {
          col: left,
          lines: spec.left,
          subtotals: spec.leftSubtotals,
          items: [] as { fen: number }[],
          subs: [] as { row: number; label: string; fen: number; before: number }[],
        },
        {
          col: right,
          lines: spec.right,
          subtotals: spec.rightSubtotals,
          items: [] as { fen: number }[],
          subs: [] as { row: number; label: string; fen: number; before: number }[],
        },
      ];
      const seen = new Set<string>();
      for (let r = dataStart; r < sheet.rows.length; r++) {
        const cells = sheet.rows[r] as string[];
        if (o.skip?.has(`${si}:${r}`)) continue;
        for (const side of sides) {
          const label = halfWidthAll(cells[side.col.label] ?? '').trim();
          const raw = cells[side.col.amount] ?? '';
          if (label === '' && raw.trim() === '') continue;
          if (label === '' || /^(注|说明)/.test(label)) continue;
          const fen = money(raw, r, leaf[side.col.amount] || '金额');
          if (fen === undefined) continue;
          const nl = normHeader(label);
          if (side.subtotals.some((s) => normHeader(s) === nl) || TOTAL.test(nl)) {
            side.subs.push({ row: r, label, fen, before: side.items.length });
            continue;
          }
          const item = itemCode(side.lines, label);
          if (!item) {
            rej(
              sheet.name,
              r,
              leaf[side.col.label] || '项目',
              'unknown_code',
              `“${label}”不是${t.name}的标准项目`,
              `"${label}" is not a standard line of table ${t.no}`,
              label,
            );
            continue;
          }
          if (seen.has(item.code)) {
            rej(
              sheet.name,
              r,
              leaf[side.col.label] || '项目',
              'duplicate_key',
              `项目“${label}”重复`,
              `line "${label}" appears twice`,
              label,
            );
            continue;
          }
          seen.add(item.code);
          side.items.push({ fen });
          write(item.code, label, 'amount', fen, r);
        }
      }
      for (const side of sides) {
        for (const s of side.subs) {
          // "…总计" covers every item of its side; "本年…合计" the items above it.
          const upto = /总计$/.test(normHeader(s.label)) ? side.items.length : s.before;
          let sum = 0n;
          for (let k = 0; k < upto; k++) sum += BigInt((side.items[k] as { fen: number }).fen);
          finding(sheet.name, s.row, s.label, leaf[side.col.amount] || '金额', BigInt(s.fen), sum);
        }
      }
    } else {
      const cols = measureCols(spec.measures);
      for (let r = dataStart; r < sheet.rows.length; r++) {
        const cells = sheet.rows[r] as string[];
        if (!cols.some((c) => c >= 0 && (cells[c] ?? '').trim() !== '')) continue;
        if (o.skip?.has(`${si}:${r}`)) break;
        const fens = cols.map((c, k) => (c >= 0 ? money(cells[c] ?? '', r, leaf[c] || (spec.measures[k]?.header ?? '')) : 0));
        if (fens.some((f) => f === undefined)) break;
        const by = new Map(spec.measures.map((m, k) => [m.measure, BigInt(fens[k] as number)]));
        spec.measures.forEach((m, k) => write('sangong', '“三公”经费', m.measure, fens[k] as number, r));
        const g = (k: string) => by.get(k) ?? 0n;
        if (by.has('total')) finding(sheet.name, r, '合计', '合计', g('total'), g('overseas') + g('vehicle_total') + g('reception'));
        if (by.has('vehicle_total'))
          finding(sheet.name, r, '小计', '公务用车购置及运行费', g('vehicle_total'), g('vehicle_purchase') + g('vehicle_operation'));
        break; // one data row
      }
    }
  }
  if (!deptTried) {
    o.rejects.add(
      makeReject(
        { file: o.file },
        'bad_workbook',
        '工作簿中没有可识别的部门预决算公开表（标题应为“××2026年部门预算收支总表”）',
        'no standard disclosure table found (titles like "××2026年部门预算收支总表")',
      ),
    );
  }
  return { rows, subtotalsChecked };
}
