/**
 * Source kinds: the one declaration of every tabular file the platform accepts.
 *
 * The ETL detects a file's kind from its header row, maps each column to a table column, and
 * validates values by `type`. The demo generator (fixtures/) writes its files from these same
 * declarations, so a header rename here changes both. Headers are matched after normalisation
 * (full-width → half-width, spaces removed, case-folded); the first header is the canonical
 * Chinese one, the others are accepted aliases (English included).
 *
 * The department disclosure workbooks (部门预算/决算公开, 9 sheets) are not a flat table; they
 * are declared separately in `disclosure.ts`.
 */

export type ColumnType =
  | 'region' // 6-digit administrative code, must exist in the region hierarchy
  | 'year' // fiscal year, 4 digits
  | 'code' // a classification or entity code: digits, zero-padded back to `width` when stored as a number
  | 'text'
  | 'int'
  | 'date' // YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日, or an Excel date
  | 'money' // amount in 元 after applying the file's unit (元/万元/亿元); NUMERIC(18,2)
  | 'decimal' // a measure that is not money (rates, quantities, indicator values): NUMERIC(20,4)
  | 'enum';

/** What a code column must exist in; checked against Postgres before anything is written. */
export type Reference = 'region' | 'function_class' | 'economic_class' | 'department' | 'project' | 'bond' | 'budget_type';

export interface ColumnSpec {
  /** Column in the target table. */
  field: string;
  /** Accepted headers; the first is canonical (what the generator writes). */
  headers: readonly string[];
  type: ColumnType;
  required: boolean;
  /** For `code`: the digit widths allowed (zero-padded back to the smallest that fits). */
  widths?: readonly number[];
  /** For `enum`: source text → stored value. */
  values?: Readonly<Record<string, string>>;
  ref?: Reference;
}

export interface KindSpec {
  kind: string;
  table: string;
  titleZh: string;
  titleEn: string;
  columns: readonly ColumnSpec[];
  /** Fields forming the natural key; a repeated key is rejected as a duplicate. */
  key: readonly string[];
  /**
   * Reference data (regions, classifications, departments, projects) is upserted by key: a
   * corrected file updates rows in place. Facts are replaced batch by batch.
   */
  reference?: boolean;
  /** Load order among kinds (reference data first). */
  order: number;
}

const BUDGET_TYPES = {
  一般公共预算: 'general',
  一般公共: 'general',
  general: 'general',
  政府性基金预算: 'fund',
  政府性基金: 'fund',
  fund: 'fund',
  国有资本经营预算: 'capital',
  国有资本经营: 'capital',
  capital: 'capital',
  社会保险基金预算: 'social',
  社会保险基金: 'social',
  social: 'social',
} as const;

const DEBT_TYPES = {
  一般债务: 'general',
  一般: 'general',
  general: 'general',
  专项债务: 'special',
  专项: 'special',
  special: 'special',
} as const;

const region: ColumnSpec = {
  field: 'region_code',
  headers: ['区划代码', '行政区划代码', 'region_code'],
  type: 'region',
  required: true,
  ref: 'region',
};
const year: ColumnSpec = { field: 'year', headers: ['年度', '预算年度', 'year'], type: 'year', required: true };
const department: ColumnSpec = {
  field: 'department_code',
  headers: ['单位编码', '部门编码', '预算单位编码', 'department_code'],
  type: 'code',
  widths: [6, 9, 12],
  required: true,
  ref: 'department',
};
const project: ColumnSpec = { field: 'project_code', headers: ['项目编码', 'project_code'], type: 'text', required: false, ref: 'project' };
const functionCode: ColumnSpec = {
  field: 'function_code',
  headers: ['功能科目编码', '功能分类科目编码', '支出功能分类科目编码', 'function_code'],
  type: 'code',
  widths: [3, 5, 7],
  required: true,
  ref: 'function_class',
};
const economicCode: ColumnSpec = {
  field: 'economic_code',
  headers: ['经济科目编码', '经济分类科目编码', '部门经济分类科目编码', 'economic_code'],
  type: 'code',
  widths: [3, 5],
  required: false,
  ref: 'economic_class',
};
const budgetType: ColumnSpec = {
  field: 'budget_type',
  headers: ['预算类型', '预算类别', 'budget_type'],
  type: 'enum',
  values: BUDGET_TYPES,
  required: true,
};
const debtType: ColumnSpec = { field: 'debt_type', headers: ['债务类型', 'debt_type'], type: 'enum', values: DEBT_TYPES, required: true };
const bondCode: ColumnSpec = {
  field: 'bond_code',
  headers: ['债券编码', '债券代码', 'bond_code'],
  type: 'text',
  required: true,
  ref: 'bond',
};

export const KINDS: readonly KindSpec[] = [
  {
    kind: 'regions',
    table: 'region',
    titleZh: '行政区划',
    titleEn: 'Regions',
    order: 0,
    reference: true,
    key: ['code'],
    columns: [
      { field: 'code', headers: ['区划代码', '行政区划代码', 'code'], type: 'code', widths: [6], required: true },
      { field: 'name', headers: ['区划名称', 'name'], type: 'text', required: true },
      { field: 'parent_code', headers: ['上级区划代码', '上级代码', 'parent_code'], type: 'code', widths: [6], required: false },
      {
        field: 'level',
        headers: ['级次', 'level'],
        type: 'enum',
        values: {
          省: 'province',
          省级: 'province',
          市: 'city',
          市级: 'city',
          区: 'district',
          县: 'district',
          区县: 'district',
          区县级: 'district',
          province: 'province',
          city: 'city',
          district: 'district',
        },
        required: true,
      },
    ],
  },
  {
    kind: 'function_classes',
    table: 'function_class',
    titleZh: '支出功能分类科目',
    titleEn: 'Expenditure function classification',
    order: 0,
    reference: true,
    key: ['code'],
    columns: [
      { field: 'code', headers: ['科目编码', '功能科目编码', 'code'], type: 'code', widths: [3, 5, 7], required: true },
      { field: 'name', headers: ['科目名称', '功能科目名称', 'name'], type: 'text', required: true },
    ],
  },
  {
    kind: 'economic_classes',
    table: 'economic_class',
    titleZh: '支出经济分类科目',
    titleEn: 'Expenditure economic classification',
    order: 0,
    reference: true,
    key: ['code'],
    columns: [
      { field: 'code', headers: ['经济科目编码', '经济分类科目编码', 'economic_code'], type: 'code', widths: [3, 5], required: true },
      { field: 'name', headers: ['经济科目名称', '经济分类科目名称', 'economic_name'], type: 'text', required: true },
      {
        field: 'scheme',
        headers: ['分类体系', 'scheme'],
        type: 'enum',
        values: {
          部门: 'department',
          部门预算支出经济分类: 'department',
          政府: 'government',
          政府预算支出经济分类: 'government',
          department: 'department',
          government: 'government',
        },
        required: true,
      },
    ],
  },
  {
    kind: 'departments',
    table: 'department',
    titleZh: '预算单位',
    titleEn: 'Departments',
    order: 1,
    reference: true,
    key: ['region_code', 'code'],
    columns: [
      region,
      { field: 'code', headers: ['单位编码', '部门编码', 'code'], type: 'code', widths: [6, 9, 12], required: true },
      { field: 'name', headers: ['单位名称', '部门名称', 'name'], type: 'text', required: true },
      { field: 'parent_code', headers: ['上级单位编码', 'parent_code'], type: 'code', widths: [6, 9, 12], required: false },
    ],
  },
  {
    kind: 'projects',
    table: 'project',
    titleZh: '预算项目',
    titleEn: 'Budget projects',
    order: 2,
    reference: true,
    key: ['region_code', 'code'],
    columns: [
      region,
      { field: 'code', headers: ['项目编码', 'code'], type: 'text', required: true },
      { field: 'name', headers: ['项目名称', 'name'], type: 'text', required: true },
      department,
      functionCode,
      budgetType,
      { field: 'start_year', headers: ['起始年度', 'start_year'], type: 'year', required: true },
      { field: 'end_year', headers: ['结束年度', 'end_year'], type: 'year', required: false },
    ],
  },
  {
    kind: 'budget_lines',
    table: 'budget_line',
    titleZh: '预算指标',
    titleEn: 'Budget lines',
    order: 3,
    key: [], // aggregates may repeat a combination across sheets; no natural key
    columns: [
      region,
      year,
      {
        field: 'phase',
        headers: ['阶段', '指标阶段', 'phase'],
        type: 'enum',
        values: {
          批复: 'approved',
          年初预算: 'approved',
          approved: 'approved',
          调整: 'adjusted',
          调整后: 'adjusted',
          adjusted: 'adjusted',
          执行: 'executed',
          executed: 'executed',
          决算: 'final',
          final: 'final',
        },
        required: true,
      },
      budgetType,
      department,
      project,
      functionCode,
      economicCode,
      {
        field: 'expense_kind',
        headers: ['支出类型', '支出性质', 'expense_kind'],
        type: 'enum',
        values: { 基本支出: 'basic', 基本: 'basic', basic: 'basic', 项目支出: 'project', 项目: 'project', project: 'project' },
        required: true,
      },
      { field: 'amount', headers: ['金额', 'amount'], type: 'money', required: true },
    ],
  },
  {
    kind: 'adjustments',
    table: 'budget_adjustment',
    titleZh: '预算调整',
    titleEn: 'Budget adjustments',
    order: 3,
    key: ['region_code', 'doc_no', 'department_code', 'project_code', 'function_code', 'economic_code'],
    columns: [
      region,
      year,
      { field: 'adjusted_on', headers: ['调整日期', 'adjusted_on'], type: 'date', required: true },
      { field: 'doc_no', headers: ['调整文号', '文号', 'doc_no'], type: 'text', required: true },
      department,
      project,
      functionCode,
      economicCode,
      { field: 'amount', headers: ['调整金额', 'amount'], type: 'money', required: true },
      { field: 'reason', headers: ['调整原因', 'reason'], type: 'text', required: false },
    ],
  },
  {
    kind: 'payments',
    table: 'payment',
    titleZh: '国库集中支付明细',
    titleEn: 'Payments ledger',
    order: 4,
    key: ['region_code', 'voucher_no'],
    columns: [
      region,
      { field: 'paid_on', headers: ['支付日期', 'paid_on'], type: 'date', required: true },
      { field: 'voucher_no', headers: ['凭证号', '支付凭证号', 'voucher_no'], type: 'text', required: true },
      department,
      project,
      functionCode,
      { ...economicCode, required: true },
      budgetType,
      { field: 'payee', headers: ['收款人', '收款人全称', 'payee'], type: 'text', required: true },
      {
        field: 'payee_kind',
        headers: ['收款人类型', 'payee_kind'],
        type: 'enum',
        values: { 单位: 'organisation', organisation: 'organisation', 个人: 'individual', individual: 'individual' },
        required: true,
      },
      { field: 'amount', headers: ['支付金额', '金额', 'amount'], type: 'money', required: true },
    ],
    // year is derived from paid_on by the ETL
  },
  {
    kind: 'performance',
    table: 'performance_target',
    titleZh: '绩效目标',
    titleEn: 'Performance targets',
    order: 3,
    key: ['region_code', 'year', 'project_code', 'indicator'],
    columns: [
      region,
      year,
      { ...project, required: true },
      { field: 'indicator', headers: ['绩效指标', '指标名称', 'indicator'], type: 'text', required: true },
      { field: 'indicator_type', headers: ['指标类型', 'indicator_type'], type: 'text', required: true },
      { field: 'unit', headers: ['计量单位', 'unit'], type: 'text', required: false },
      { field: 'target_value', headers: ['目标值', 'target_value'], type: 'decimal', required: false },
      { field: 'actual_value', headers: ['实际值', '完成值', 'actual_value'], type: 'decimal', required: false },
    ],
  },
  {
    kind: 'plan_indicators',
    table: 'plan_indicator',
    titleZh: '经济计划指标',
    titleEn: 'Plan indicators',
    order: 3,
    key: ['region_code', 'plan', 'indicator_code', 'period'],
    columns: [
      region,
      {
        field: 'plan',
        headers: ['规划类型', 'plan'],
        type: 'enum',
        values: { 年度计划: 'annual', annual: 'annual', 五年规划: 'five_year', 中长期规划: 'five_year', five_year: 'five_year' },
        required: true,
      },
      { field: 'indicator_code', headers: ['指标编码', 'indicator_code'], type: 'text', required: true },
      { field: 'name', headers: ['指标名称', 'name'], type: 'text', required: true },
      { field: 'unit', headers: ['计量单位', 'unit'], type: 'text', required: false },
      { field: 'period', headers: ['期间', '统计期', 'period'], type: 'text', required: true },
      { field: 'target_value', headers: ['目标值', 'target_value'], type: 'decimal', required: false },
      { field: 'actual_value', headers: ['实际值', 'actual_value'], type: 'decimal', required: false },
      {
        field: 'direction',
        headers: ['指标方向', 'direction'],
        type: 'enum',
        values: {
          越高越好: 'higher_better',
          正向: 'higher_better',
          higher_better: 'higher_better',
          越低越好: 'lower_better',
          逆向: 'lower_better',
          lower_better: 'lower_better',
        },
        required: true,
      },
    ],
  },
  {
    kind: 'enterprises',
    table: 'enterprise_financials',
    titleZh: '国有企业财务',
    titleEn: 'State enterprise financials',
    order: 3,
    key: ['region_code', 'year', 'enterprise_code'],
    columns: [
      region,
      year,
      { field: 'enterprise_code', headers: ['企业编码', '统一社会信用代码', 'enterprise_code'], type: 'text', required: true },
      { field: 'name', headers: ['企业名称', 'name'], type: 'text', required: true },
      {
        field: 'kind',
        headers: ['企业类型', 'kind'],
        type: 'enum',
        values: {
          一般企业: 'enterprise',
          非金融企业: 'enterprise',
          enterprise: 'enterprise',
          金融企业: 'financial',
          financial: 'financial',
        },
        required: true,
      },
      { field: 'supervisor', headers: ['监管部门', '主管部门', 'supervisor'], type: 'text', required: false },
      { field: 'total_assets', headers: ['资产总额', 'total_assets'], type: 'money', required: true },
      { field: 'total_liabilities', headers: ['负债总额', 'total_liabilities'], type: 'money', required: true },
      { field: 'owners_equity', headers: ['所有者权益', 'owners_equity'], type: 'money', required: true },
      { field: 'revenue', headers: ['营业收入', 'revenue'], type: 'money', required: true },
      { field: 'profit', headers: ['利润总额', 'profit'], type: 'money', required: true },
      { field: 'state_capital_begin', headers: ['年初国有资本', 'state_capital_begin'], type: 'money', required: true },
      { field: 'state_capital_end', headers: ['年末国有资本', 'state_capital_end'], type: 'money', required: true },
    ],
  },
  {
    kind: 'asset_cards',
    table: 'asset_card',
    titleZh: '行政事业性国有资产卡片',
    titleEn: 'Administrative asset cards',
    order: 3,
    key: ['region_code', 'year', 'card_no'],
    columns: [
      region,
      year,
      { field: 'card_no', headers: ['卡片编号', '资产编号', 'card_no'], type: 'text', required: true },
      department,
      {
        field: 'category',
        headers: ['资产类别', 'category'],
        type: 'enum',
        values: {
          土地: 'land',
          land: 'land',
          房屋: 'building',
          房屋及构筑物: 'building',
          building: 'building',
          车辆: 'vehicle',
          vehicle: 'vehicle',
          设备: 'equipment',
          通用设备: 'equipment',
          专用设备: 'equipment',
          equipment: 'equipment',
          其他: 'other',
          other: 'other',
        },
        required: true,
      },
      { field: 'name', headers: ['资产名称', 'name'], type: 'text', required: true },
      { field: 'acquired_on', headers: ['取得日期', 'acquired_on'], type: 'date', required: false },
      { field: 'original_value', headers: ['原值', '账面原值', 'original_value'], type: 'money', required: true },
      { field: 'net_value', headers: ['净值', '账面净值', 'net_value'], type: 'money', required: true },
      {
        field: 'status',
        headers: ['使用状态', 'status'],
        type: 'enum',
        values: {
          在用: 'in_use',
          使用中: 'in_use',
          in_use: 'in_use',
          闲置: 'idle',
          idle: 'idle',
          出租: 'rented',
          出租出借: 'rented',
          rented: 'rented',
          已处置: 'disposed',
          处置: 'disposed',
          disposed: 'disposed',
        },
        required: true,
      },
      { field: 'quantity', headers: ['数量', '面积', 'quantity'], type: 'decimal', required: false },
    ],
  },
  {
    kind: 'natural_resources',
    table: 'natural_resource',
    titleZh: '国有自然资源',
    titleEn: 'State natural resources',
    order: 3,
    key: ['region_code', 'year', 'kind', 'name'],
    columns: [
      region,
      year,
      {
        field: 'kind',
        headers: ['资源类型', 'kind'],
        type: 'enum',
        values: {
          土地: 'land',
          土地资源: 'land',
          land: 'land',
          矿产: 'mineral',
          矿产资源: 'mineral',
          mineral: 'mineral',
          森林: 'forest',
          森林资源: 'forest',
          forest: 'forest',
          水: 'water',
          水资源: 'water',
          water: 'water',
          草原: 'grassland',
          grassland: 'grassland',
          湿地: 'wetland',
          wetland: 'wetland',
          海洋: 'ocean',
          ocean: 'ocean',
        },
        required: true,
      },
      { field: 'name', headers: ['资源名称', 'name'], type: 'text', required: true },
      { field: 'unit', headers: ['计量单位', 'unit'], type: 'text', required: true },
      { field: 'quantity', headers: ['数量', 'quantity'], type: 'decimal', required: true },
      { field: 'value', headers: ['价值', '估值', 'value'], type: 'money', required: false },
    ],
  },
  {
    kind: 'debt_positions',
    table: 'debt_position',
    titleZh: '政府债务限额及余额',
    titleEn: 'Debt limits and balances',
    order: 3,
    key: ['region_code', 'year', 'debt_type'],
    columns: [
      region,
      year,
      debtType,
      { field: 'limit_amount', headers: ['债务限额', '限额', 'limit_amount'], type: 'money', required: true },
      { field: 'balance_amount', headers: ['债务余额', '余额', 'balance_amount'], type: 'money', required: true },
    ],
  },
  {
    kind: 'bonds',
    table: 'bond',
    titleZh: '政府债券发行',
    titleEn: 'Government bonds',
    order: 2,
    reference: true,
    key: ['region_code', 'code'],
    columns: [
      region,
      { field: 'code', headers: ['债券编码', '债券代码', 'code'], type: 'text', required: true },
      { field: 'name', headers: ['债券名称', 'name'], type: 'text', required: true },
      debtType,
      {
        field: 'purpose',
        headers: ['债券用途', '发行类型', 'purpose'],
        type: 'enum',
        values: { 新增债券: 'new', 新增: 'new', new: 'new', 再融资债券: 'refinancing', 再融资: 'refinancing', refinancing: 'refinancing' },
        required: true,
      },
      { field: 'amount', headers: ['发行金额', 'amount'], type: 'money', required: true },
      { field: 'coupon_rate', headers: ['票面利率(%)', '票面利率', 'coupon_rate'], type: 'decimal', required: true },
      { field: 'term_years', headers: ['期限(年)', '期限', 'term_years'], type: 'int', required: true },
      { field: 'issued_on', headers: ['发行日期', 'issued_on'], type: 'date', required: true },
      { field: 'matures_on', headers: ['到期日期', 'matures_on'], type: 'date', required: true },
    ],
  },
  {
    kind: 'bond_uses',
    table: 'bond_use',
    titleZh: '债券资金安排',
    titleEn: 'Bond money allocated to projects',
    order: 3,
    key: ['region_code', 'bond_code', 'project_code'],
    columns: [
      region,
      bondCode,
      { ...project, required: true },
      { field: 'amount', headers: ['安排金额', 'amount'], type: 'money', required: true },
    ],
  },
  {
    kind: 'bond_spending',
    table: 'bond_spending',
    titleZh: '债券资金支出',
    titleEn: 'Bond money spent',
    order: 3,
    key: [],
    columns: [
      region,
      bondCode,
      { ...project, required: true },
      { field: 'spent_on', headers: ['支出日期', 'spent_on'], type: 'date', required: true },
      { field: 'amount', headers: ['支出金额', 'amount'], type: 'money', required: true },
    ],
  },
  {
    kind: 'debt_repayments',
    table: 'debt_repayment',
    titleZh: '还本付息',
    titleEn: 'Debt service schedule and repayments',
    order: 3,
    key: ['region_code', 'bond_code', 'kind', 'due_on'],
    columns: [
      region,
      bondCode,
      {
        field: 'kind',
        headers: ['类别', 'kind'],
        type: 'enum',
        values: { 计划: 'scheduled', 应还: 'scheduled', scheduled: 'scheduled', 实际: 'actual', 实还: 'actual', actual: 'actual' },
        required: true,
      },
      { field: 'due_on', headers: ['日期', '还款日期', 'due_on'], type: 'date', required: true },
      { field: 'principal', headers: ['本金', 'principal'], type: 'money', required: true },
      { field: 'interest', headers: ['利息', 'interest'], type: 'money', required: true },
    ],
  },
  {
    kind: 'overdue_debts',
    table: 'overdue_debt',
    titleZh: '逾期债务',
    titleEn: 'Overdue debt',
    order: 3,
    key: ['region_code', 'year', 'debt_type', 'creditor'],
    columns: [
      region,
      year,
      debtType,
      { field: 'creditor', headers: ['债权人', 'creditor'], type: 'text', required: true },
      { field: 'amount', headers: ['逾期金额', 'amount'], type: 'money', required: true },
      { field: 'overdue_since', headers: ['逾期起始日期', 'overdue_since'], type: 'date', required: true },
    ],
  },
  {
    kind: 'fiscal_capacity',
    table: 'fiscal_capacity',
    titleZh: '综合财力构成',
    titleEn: 'Fiscal capacity components',
    order: 3,
    key: ['region_code', 'year', 'component'],
    columns: [
      region,
      year,
      {
        field: 'component',
        headers: ['项目', '构成项目', 'component'],
        type: 'enum',
        values: {
          一般公共预算收入: 'general_revenue',
          general_revenue: 'general_revenue',
          上级补助收入: 'transfer_revenue',
          转移性收入: 'transfer_revenue',
          transfer_revenue: 'transfer_revenue',
          政府性基金收入: 'fund_revenue',
          政府性基金预算收入: 'fund_revenue',
          fund_revenue: 'fund_revenue',
          国有资本经营收入: 'capital_revenue',
          国有资本经营预算收入: 'capital_revenue',
          capital_revenue: 'capital_revenue',
          一般公共预算支出: 'general_expenditure',
          general_expenditure: 'general_expenditure',
          政府性基金支出: 'fund_expenditure',
          政府性基金预算支出: 'fund_expenditure',
          fund_expenditure: 'fund_expenditure',
        },
        required: true,
      },
      { field: 'amount', headers: ['金额', 'amount'], type: 'money', required: true },
    ],
  },
  {
    kind: 'audit_findings',
    table: 'audit_finding',
    titleZh: '审计查出问题',
    titleEn: 'Audit findings',
    order: 3,
    key: ['region_code', 'finding_code'],
    columns: [
      region,
      { field: 'finding_code', headers: ['问题编号', 'finding_code'], type: 'text', required: true },
      { field: 'audit_year', headers: ['审计年度', 'audit_year'], type: 'year', required: true },
      { field: 'report_code', headers: ['报告编号', 'report_code'], type: 'text', required: true },
      { field: 'report_title', headers: ['报告名称', 'report_title'], type: 'text', required: true },
      { field: 'audited_unit', headers: ['被审计单位', 'audited_unit'], type: 'text', required: true },
      { ...department, required: false },
      { field: 'category', headers: ['问题类别', 'category'], type: 'text', required: true },
      { field: 'description', headers: ['问题描述', 'description'], type: 'text', required: true },
      { field: 'amount', headers: ['涉及金额', 'amount'], type: 'money', required: false },
      {
        field: 'rectification_type',
        headers: ['整改类型', 'rectification_type'],
        type: 'enum',
        values: {
          立行立改: 'immediate',
          immediate: 'immediate',
          分阶段整改: 'staged',
          分阶段: 'staged',
          staged: 'staged',
          持续整改: 'ongoing',
          持续: 'ongoing',
          ongoing: 'ongoing',
        },
        required: true,
      },
      { field: 'deadline', headers: ['整改期限', 'deadline'], type: 'date', required: false },
    ],
  },
  {
    kind: 'rectifications',
    table: 'rectification_update',
    titleZh: '审计整改情况',
    titleEn: 'Rectification updates',
    order: 4,
    key: ['region_code', 'finding_code', 'updated_on'],
    columns: [
      region,
      { field: 'finding_code', headers: ['问题编号', 'finding_code'], type: 'text', required: true },
      { field: 'updated_on', headers: ['更新日期', '报告日期', 'updated_on'], type: 'date', required: true },
      {
        field: 'status',
        headers: ['整改状态', 'status'],
        type: 'enum',
        values: {
          未整改: 'not_started',
          未开始: 'not_started',
          not_started: 'not_started',
          整改中: 'in_progress',
          正在整改: 'in_progress',
          in_progress: 'in_progress',
          已整改: 'rectified',
          整改完成: 'rectified',
          rectified: 'rectified',
          未完成整改: 'not_rectified',
          无法整改: 'not_rectified',
          not_rectified: 'not_rectified',
        },
        required: true,
      },
      { field: 'amount_rectified', headers: ['整改金额', 'amount_rectified'], type: 'money', required: false },
      { field: 'measures', headers: ['整改措施', 'measures'], type: 'text', required: false },
      { field: 'rules_issued', headers: ['制定制度数', 'rules_issued'], type: 'int', required: false },
    ],
  },
  {
    kind: 'policies',
    table: 'policy_document',
    titleZh: '财经政策文件',
    titleEn: 'Policy documents',
    order: 3,
    key: ['region_code', 'doc_no'],
    columns: [
      region,
      { field: 'doc_no', headers: ['文号', '发文字号', 'doc_no'], type: 'text', required: true },
      { field: 'title', headers: ['标题', '文件标题', 'title'], type: 'text', required: true },
      { field: 'issuer', headers: ['发文机关', 'issuer'], type: 'text', required: true },
      { field: 'issued_on', headers: ['发文日期', '成文日期', 'issued_on'], type: 'date', required: true },
      { field: 'body', headers: ['正文', 'body'], type: 'text', required: true },
    ],
  },
];

export function kindSpec(kind: string): KindSpec {
  const spec = KINDS.find((k) => k.kind === kind);
  if (!spec) throw new Error(`unknown kind: ${kind}`);
  return spec;
}

/** Canonical header row of a kind, as the generator writes it. */
export function canonicalHeaders(kind: string): string[] {
  return kindSpec(kind).columns.map((c) => c.headers[0] as string);
}
