/**
 * The standard department disclosure workbook (部门预算公开 / 部门决算公开), declared once for the
 * demo generator (which writes it) and the ETL (which reads it). See DOMAIN.md "Standard source
 * tables".
 *
 * One workbook per department, year and phase. Every sheet looks like the real ones:
 *   row 1  title, merged across all columns: "{部门名称}{年度}年部门预算{表名}" (决算 for final accounts)
 *   row 2  "编制单位：{部门名称}" in column A and "单位：万元" (or 元 / 亿元) in the last column
 *   rows 3–4  header, two levels, with merged cells (a group header over its sub-columns; a
 *          single-level header merged vertically over rows 3–4)
 *   then   data rows, with subtotal / total rows (合计, 小计, 总计, and the 类/款 rows of a
 *          function-code table) that the ETL checks against their detail rows and does not store
 *   maybe  a note row ("注：…", or "本部门无…，本表为空表。" in an empty table 9)
 * Codes may be stored as numbers; amounts in the unit of row 2, possibly with thousands
 * separators or full-width digits.
 *
 * The department is identified by the name after 编制单位 (resolved against loaded departments;
 * unique across regions in practice because district departments carry the district's name), the
 * year and phase by the title.
 */

export type DisclosurePhase = 'approved' | 'final';

/** A row item of an item table (tables 1, 4, 7): label text → line_code. */
export interface ItemLine {
  code: string;
  labels: readonly string[]; // first is canonical
}

export type TableLayout =
  | {
      /** Two side-by-side item lists: income on the left, expenditure on the right. */
      layout: 'balance';
      left: readonly ItemLine[];
      right: readonly ItemLine[];
      /** Subtotal labels (checked, not stored). */
      leftSubtotals: readonly string[];
      rightSubtotals: readonly string[];
    }
  | {
      /** Rows by function class code (类/款/项; 项 rows stored) or economic code (类/款; 款 rows stored). */
      layout: 'coded';
      codeKind: 'function' | 'economic';
      /** Amount columns, in order: measure key and canonical header. */
      measures: readonly { measure: string; header: string; group?: string }[];
    }
  | {
      /** One data row of columns (三公). */
      layout: 'single';
      measures: readonly { measure: string; header: string; group?: string }[];
    };

export interface DisclosureTable {
  no: number;
  /** Table name as it appears in the title and (prefixed by its number) the sheet name. */
  name: string;
  spec: TableLayout;
}

const fnMeasures = [
  { measure: 'total', header: '合计' },
  { measure: 'basic', header: '基本支出' },
  { measure: 'project', header: '项目支出' },
] as const;

export const DISCLOSURE_TABLES: readonly DisclosureTable[] = [
  {
    no: 1,
    name: '收支总表',
    spec: {
      layout: 'balance',
      left: [
        { code: 'income_fiscal_general', labels: ['一般公共预算拨款收入', '一、一般公共预算拨款收入', '财政拨款收入'] },
        { code: 'income_fiscal_fund', labels: ['政府性基金预算拨款收入', '二、政府性基金预算拨款收入'] },
        { code: 'income_fiscal_capital', labels: ['国有资本经营预算拨款收入', '三、国有资本经营预算拨款收入'] },
        { code: 'income_business', labels: ['事业收入', '四、事业收入'] },
        { code: 'income_operating', labels: ['事业单位经营收入', '五、事业单位经营收入'] },
        { code: 'income_other', labels: ['其他收入', '六、其他收入'] },
        { code: 'carryover_begin', labels: ['上年结转结余', '上年结转'] },
      ],
      right: [
        { code: 'expenditure_basic', labels: ['基本支出', '一、基本支出'] },
        { code: 'expenditure_project', labels: ['项目支出', '二、项目支出'] },
        { code: 'carryover_end', labels: ['年末结转结余', '结转下年'] },
      ],
      leftSubtotals: ['本年收入合计', '收入总计'],
      rightSubtotals: ['本年支出合计', '支出总计'],
    },
  },
  {
    no: 2,
    name: '收入总表',
    spec: {
      layout: 'coded',
      codeKind: 'function',
      measures: [
        { measure: 'total', header: '合计' },
        { measure: 'carryover_begin', header: '上年结转结余' },
        { measure: 'fiscal_general', header: '一般公共预算拨款', group: '财政拨款收入' },
        { measure: 'fiscal_fund', header: '政府性基金预算拨款', group: '财政拨款收入' },
        { measure: 'fiscal_capital', header: '国有资本经营预算拨款', group: '财政拨款收入' },
        { measure: 'business', header: '事业收入' },
        { measure: 'other', header: '其他收入' },
      ],
    },
  },
  { no: 3, name: '支出总表', spec: { layout: 'coded', codeKind: 'function', measures: fnMeasures } },
  {
    no: 4,
    name: '财政拨款收支总表',
    spec: {
      layout: 'balance',
      left: [
        { code: 'fiscal_general', labels: ['一般公共预算拨款', '一、一般公共预算拨款'] },
        { code: 'fiscal_fund', labels: ['政府性基金预算拨款', '二、政府性基金预算拨款'] },
        { code: 'fiscal_capital', labels: ['国有资本经营预算拨款', '三、国有资本经营预算拨款'] },
      ],
      right: [
        { code: 'expenditure_general', labels: ['一般公共预算支出', '一、一般公共预算支出'] },
        { code: 'expenditure_fund', labels: ['政府性基金预算支出', '二、政府性基金预算支出'] },
        { code: 'expenditure_capital', labels: ['国有资本经营预算支出', '三、国有资本经营预算支出'] },
      ],
      leftSubtotals: ['收入总计'],
      rightSubtotals: ['支出总计'],
    },
  },
  { no: 5, name: '一般公共预算支出表', spec: { layout: 'coded', codeKind: 'function', measures: fnMeasures } },
  {
    no: 6,
    name: '一般公共预算基本支出表',
    spec: {
      layout: 'coded',
      codeKind: 'economic',
      measures: [
        { measure: 'total', header: '合计' },
        { measure: 'personnel', header: '人员经费' },
        { measure: 'operating', header: '公用经费' },
      ],
    },
  },
  {
    no: 7,
    name: '“三公”经费支出表',
    spec: {
      layout: 'single',
      measures: [
        { measure: 'total', header: '合计' },
        { measure: 'overseas', header: '因公出国（境）费' },
        { measure: 'vehicle_total', header: '小计', group: '公务用车购置及运行费' },
        { measure: 'vehicle_purchase', header: '公务用车购置费', group: '公务用车购置及运行费' },
        { measure: 'vehicle_operation', header: '公务用车运行费', group: '公务用车购置及运行费' },
        { measure: 'reception', header: '公务接待费' },
      ],
    },
  },
  { no: 8, name: '政府性基金预算支出表', spec: { layout: 'coded', codeKind: 'function', measures: fnMeasures } },
  { no: 9, name: '国有资本经营预算支出表', spec: { layout: 'coded', codeKind: 'function', measures: fnMeasures } },
];

/** "{phase word}" in titles and file names. */
export const PHASE_WORD: Record<DisclosurePhase, string> = { approved: '预算', final: '决算' };

/** Canonical sheet name: "1 收支总表" … */
export function sheetName(t: DisclosureTable): string {
  return `${t.no} ${t.name.replace(/[“”"]/g, '')}`;
}

/** Canonical title: "临江市教育局2025年部门预算收支总表". */
export function tableTitle(departmentName: string, year: number, phase: DisclosurePhase, t: DisclosureTable): string {
  return `${departmentName}${year}年部门${PHASE_WORD[phase]}${t.name}`;
}

/** Canonical file name: "临江市教育局2025年部门预算公开表.xlsx". */
export function workbookFileName(departmentName: string, year: number, phase: DisclosurePhase): string {
  return `${departmentName}${year}年部门${PHASE_WORD[phase]}公开表.xlsx`;
}
