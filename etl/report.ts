/**
 * The load report: rejected rows, subtotal findings and reconciliation, with messages a finance
 * clerk can act on, in Chinese and English. The message names the file, sheet, row and column as
 * the clerk sees them in the source (the header text as written, row numbers as Excel shows them).
 */

export type RejectCode =
  | 'unknown_code'
  | 'unknown_region'
  | 'unknown_department'
  | 'unknown_project'
  | 'unknown_bond'
  | 'bad_code'
  | 'bad_date'
  | 'bad_year'
  | 'not_a_number'
  | 'precision'
  | 'out_of_range'
  | 'too_long'
  | 'missing_value'
  | 'bad_enum'
  | 'duplicate_key'
  | 'still_referenced'
  | 'bad_encoding'
  | 'unknown_kind'
  | 'missing_column'
  | 'bad_workbook'
  | 'field_count'
  | 'bad_quote'
  | 'bad_char'
  | 'duplicate_column';

export interface Reject {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
  code: RejectCode;
  message_zh: string;
  message_en: string;
  value?: string;
}

export interface SubtotalFinding {
  file: string;
  sheet?: string;
  /** For a department disclosure workbook: the table the subtotal row is in (read by rule R20). */
  table?: { region_code: string; department_code: string; year: number; phase: 'approved' | 'final'; table_no: number };
  row: number;
  label: string;
  column: string;
  /** As written in the subtotal row (元). */
  stated: string;
  /** Sum of the rows it covers (元). */
  computed: string;
  message_zh: string;
  message_en: string;
}

export interface ReconciliationLine {
  table: string;
  column: string; // '*' = row count
  source_rows: number;
  source_sum: string | null;
  pg_rows: number | null;
  pg_sum: string | null;
  duck_rows: number | null;
  duck_sum: string | null;
  reconciled: boolean;
}

export type LoadStatus = 'loaded' | 'already_loaded' | 'rejected';

export interface FileReport {
  file: string;
  kind: string | null;
  status: LoadStatus;
  batch_id: number | null;
  /** The batch this one replaced (a corrected file with the same name). */
  replaced_batch_id: number | null;
  rows: number;
  rejected_rows: number;
  /** First 1000 rejects; `rejects_total` counts them all. */
  rejects: Reject[];
  rejects_total: number;
  subtotals_checked: number;
  subtotal_findings: SubtotalFinding[];
  reconciliation: ReconciliationLine[];
  message_zh: string;
  message_en: string;
}

export const MAX_LISTED_REJECTS = 1000;

/** English label of a target column: "function_code" → "function code". */
export function fieldLabelEn(field: string): string {
  return field.replace(/_/g, ' ');
}

export interface Where {
  file: string;
  sheet?: string | undefined;
  row?: number | undefined;
  /** Header as written in the file. */
  column?: string | undefined;
  /** Target field, for the English label. */
  field?: string | undefined;
}

/** "payments.csv 第 12 行 "功能科目编码" 列：" and "row 12, column "function code": ". */
export function wherePrefix(w: Where): { zh: string; en: string } {
  let zh = w.file;
  const en: string[] = [];
  if (w.sheet !== undefined) {
    zh += ` 工作表“${shown(w.sheet)}”`;
    en.push(`sheet "${shown(w.sheet)}"`);
  }
  if (w.row !== undefined) {
    zh += ` 第 ${w.row} 行`;
    en.push(`row ${w.row}`);
  }
  if (w.column !== undefined) {
    zh += ` "${shown(w.column)}" 列`;
    en.push(`column "${w.field ? fieldLabelEn(w.field) : shown(w.column)}"`);
  }
  return { zh: `${zh}：`, en: en.length ? `${en.join(', ')}: ` : `${w.file}: ` };
}

/**
 * A source value as a message shows it: control characters as their visible symbols (␀ for NUL:
 * Postgres JSON cannot hold \u0000, and a terminal should not run an escape sequence), and cut
 * to `max` characters with the full length said, so a huge cell does not bloat the report.
 */
export function shown(value: string, max = 80): string {
  const cut = value.length > max ? value.slice(0, max) : value;
  // eslint-disable-next-line no-control-regex
  const visible = cut.replace(/[\u0000-\u001f\u007f]/g, (ch) => String.fromCharCode(ch === '\u007f' ? 0x2421 : 0x2400 + ch.charCodeAt(0)));
  return value.length > max ? `${visible}…(${value.length})` : visible;
}

export function makeReject(w: Where, code: RejectCode, zh: string, en: string, value?: string): Reject {
  const p = wherePrefix(w);
  const r: Reject = { file: w.file, code, message_zh: p.zh + zh, message_en: p.en + en };
  if (w.sheet !== undefined) r.sheet = shown(w.sheet);
  if (w.row !== undefined) r.row = w.row;
  if (w.column !== undefined) r.column = shown(w.column);
  if (value !== undefined) r.value = shown(value, 200);
  return r;
}

/** Collects rejects: keeps the first 1000, counts all, counts distinct rows. */
export class RejectLog {
  readonly listed: Reject[] = [];
  total = 0;
  rows = 0;
  private lastRow = '';

  add(r: Reject): void {
    this.total++;
    const rowKey = `${r.sheet ?? ''}\u0000${r.row ?? ''}`;
    if (r.row === undefined || rowKey !== this.lastRow) this.rows++;
    this.lastRow = rowKey;
    if (this.listed.length < MAX_LISTED_REJECTS) this.listed.push(r);
  }
}

const REF_ZH: Record<string, [string, string]> = {
  function_class: ['科目编码', '不在支出功能分类中'],
  economic_class: ['经济科目编码', '不在支出经济分类中'],
};

/** Message for a code that is not in its reference table. */
export function unknownRefMessage(ref: string, value: string, region?: string): { code: RejectCode; zh: string; en: string } {
  switch (ref) {
    case 'region':
      return { code: 'unknown_region', zh: `区划代码 ${value} 不在行政区划中`, en: `${value} is not a known region code` };
    case 'department':
      return {
        code: 'unknown_department',
        zh: `单位编码 ${value} 不是区划 ${region} 的预算单位`,
        en: `${value} is not a known department of region ${region}`,
      };
    case 'project':
      return {
        code: 'unknown_project',
        zh: `项目编码 ${value} 不是区划 ${region} 的预算项目`,
        en: `${value} is not a known project of region ${region}`,
      };
    case 'bond':
      return { code: 'unknown_bond', zh: `债券编码 ${value} 不在已登记的债券中`, en: `${value} is not a known bond of region ${region}` };
    case 'function_class':
    case 'economic_class': {
      const [label, tail] = REF_ZH[ref] as [string, string];
      const en = ref === 'function_class' ? 'function class' : 'economic class';
      return { code: 'unknown_code', zh: `${label} ${value} ${tail}`, en: `${value} is not a known ${en}` };
    }
    default:
      return { code: 'unknown_code', zh: `编码 ${value} 未登记`, en: `${value} is not a known ${ref}` };
  }
}

export function emptyReport(file: string): FileReport {
  return {
    file,
    kind: null,
    status: 'rejected',
    batch_id: null,
    replaced_batch_id: null,
    rows: 0,
    rejected_rows: 0,
    rejects: [],
    rejects_total: 0,
    subtotals_checked: 0,
    subtotal_findings: [],
    reconciliation: [],
    message_zh: '',
    message_en: '',
  };
}
