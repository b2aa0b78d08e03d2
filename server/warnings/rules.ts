/**
 * The rule registry (预警监测库): what each rule is, in words a finance reviewer can check, with
 * its parameters and defaults. The definition itself is the SQL file in sql/rules/ named by
 * `file`; thresholds there are bound parameters ($name), never text pasted into SQL.
 * Formulas and default thresholds: /work/shared/design/DOMAIN.md, "Formulas and thresholds" and
 * "Warning rules users expect".
 */

export type Area = 'budget' | 'debt' | 'revenue' | 'audit' | 'assets' | 'economy' | 'disclosure';
export const AREAS: readonly Area[] = ['budget', 'debt', 'revenue', 'audit', 'assets', 'economy', 'disclosure'];

/** How a measured value is shown: percent/pp = numerator ÷ denominator × 100. */
export type Unit = 'percent' | 'pp' | 'yuan' | 'days' | 'count';

export type ParamKind = 'percent' | 'date' | 'integer' | 'amount' | 'ratio';

export interface RuleParam {
  name: string;
  kind: ParamKind;
  /** Decimal string, ISO date, or null ("not set": for as_of, the latest payment loaded). */
  default: string | null;
  zh: string;
  en: string;
}

/** A source table and the rows of it behind a warning (for GET /api/warnings/:id/evidence). */
export interface EvidenceSource {
  table: SourceTable;
  where: { column: string; op: '=' | '<=' | '>=' | 'in'; value: string | number | (string | number)[] }[];
}

export type SourceTable =
  | 'payment'
  | 'budget_line'
  | 'budget_adjustment'
  | 'disclosure_line'
  | 'bond'
  | 'bond_spending'
  | 'debt_position'
  | 'debt_repayment'
  | 'overdue_debt'
  | 'fiscal_capacity'
  | 'audit_finding'
  | 'rectification_update'
  | 'enterprise_financials'
  | 'asset_card'
  | 'plan_indicator';

/** What the evidence builders see of a warning. */
export interface WarningKey {
  regionCode: string;
  subjectType: string;
  subjectId: string;
  period: string;
  evidence: Record<string, unknown>;
}

export interface RuleDef {
  id: string;
  area: Area;
  /** sql/rules/<file> */
  file: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  formula: string;
  unit: Unit;
  /** The measured quantity in a sentence ("执行进度滞后" / "execution lag"). */
  metricZh: string;
  metricEn: string;
  /** Whether a warning means the value is above or below the threshold. */
  direction: 'above' | 'below';
  params: RuleParam[];
  /** 'sql': the SQL file yields warning rows; 'recurring': pairs refined in recurring.service.ts. */
  engine: 'sql' | 'recurring';
  sources(w: WarningKey): EvidenceSource[];
}

const asOf: RuleParam = {
  name: 'as_of',
  kind: 'date',
  default: null,
  zh: '截至日期（空 = 已加载支付数据所到月份的月末）',
  en: 'As-of date (empty = the end of the latest month of loaded payments)',
};
const pct = (name: string, value: string, zh: string, en: string): RuleParam => ({ name, kind: 'percent', default: value, zh, en });
const int = (name: string, value: string, zh: string, en: string): RuleParam => ({ name, kind: 'integer', default: value, zh, en });

const yearOf = (w: WarningKey) => Number(String(w.evidence.year ?? w.period.slice(0, 4)));
const str = (v: unknown) => String(v ?? '');

const eq = (column: string, value: string | number) => ({ column, op: '=' as const, value });

function budgetSources(w: WarningKey, key: 'department_code' | 'project_code', years: number[]): EvidenceSource[] {
  const y = years.length === 1 ? eq('year', years[0] as number) : { column: 'year', op: 'in' as const, value: years };
  return [
    { table: 'budget_line', where: [eq('region_code', w.regionCode), y, eq(key, w.subjectId), eq('phase', 'approved')] },
    { table: 'budget_adjustment', where: [eq('region_code', w.regionCode), y, eq(key, w.subjectId)] },
  ];
}

export const RULES: readonly RuleDef[] = [
  {
    id: 'R1',
    area: 'budget',
    file: 'R01_execution_lag.sql',
    nameZh: '预算执行进度滞后',
    nameEn: 'Budget execution lags time progress',
    descriptionZh:
      '部门本年已支付金额占可执行预算（年初批复+调整）的比例，低于时间进度（已过天数÷全年天数）超过阈值。执行慢于时间进度，说明资金可能沉淀、项目推进不力。',
    descriptionEn:
      "A department's payments so far, as a share of its allocation (approved + adjustments), trail the share of the year elapsed by more than the threshold: money is sitting idle or projects are behind.",
    formula: 'lag = days_elapsed ÷ days_in_year − paid ÷ (approved + adjustments)',
    unit: 'pp',
    metricZh: '执行进度滞后',
    metricEn: 'execution lag',
    direction: 'above',
    params: [
      asOf,
      pct('yellow_pp', '10', '黄色预警线（百分点）', 'Yellow line (percentage points)'),
      pct('red_pp', '20', '红色预警线（百分点）', 'Red line (percentage points)'),
    ],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'payment',
        where: [
          eq('region_code', w.regionCode),
          eq('year', yearOf(w)),
          eq('department_code', w.subjectId),
          { column: 'paid_on', op: '<=', value: str(w.evidence.as_of) },
        ],
      },
      ...budgetSources(w, 'department_code', [yearOf(w)]),
    ],
  },
  {
    id: 'R2',
    area: 'budget',
    file: 'R02_project_low_execution.sql',
    nameZh: '项目执行率过低',
    nameEn: 'Project execution rate low late in the year',
    descriptionZh: '进入年度后期（时间进度达到设定比例）时，项目执行率（已支付÷可执行预算）仍低于阈值，年底前可能无法完成或突击花钱。',
    descriptionEn:
      "Late in the year (once the set share of the year has elapsed) a project's execution rate (paid ÷ allocation) is still below the threshold: it may not be delivered, or money may be rushed out at year end.",
    formula: 'rate = paid ÷ (approved + adjustments); flagged when days_elapsed ÷ days_in_year ≥ min_progress and rate < max_rate',
    unit: 'percent',
    metricZh: '项目执行率',
    metricEn: 'execution rate',
    direction: 'below',
    params: [
      asOf,
      pct('min_progress_pct', '75', '时间进度达到（%）后开始检查', 'Check once this share of the year has elapsed (%)'),
      pct('max_rate_pct', '20', '执行率低于（%）', 'Execution rate below (%)'),
    ],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'payment',
        where: [
          eq('region_code', w.regionCode),
          eq('year', yearOf(w)),
          eq('project_code', w.subjectId),
          { column: 'paid_on', op: '<=', value: str(w.evidence.as_of) },
        ],
      },
      ...budgetSources(w, 'project_code', [yearOf(w)]),
    ],
  },
  {
    id: 'R3',
    area: 'budget',
    file: 'R03_project_low_execution_years.sql',
    nameZh: '项目连续多年执行率低',
    nameEn: 'Project execution low several years running',
    descriptionZh: '项目在最近连续几个完整年度的执行率都低于阈值，预算安排可能脱离实际，应压减或收回。',
    descriptionEn:
      'A project spent less than the threshold share of its allocation in each of the last completed years: its budget may be out of line with need and a candidate for cuts.',
    formula: 'paid ÷ (approved + adjustments) < max_rate in each of the last `years` completed years',
    unit: 'percent',
    metricZh: '最近一年执行率',
    metricEn: 'latest year execution rate',
    direction: 'below',
    params: [
      asOf,
      int('years', '3', '连续年数', 'Years running'),
      pct('max_rate_pct', '50', '执行率低于（%）', 'Execution rate below (%)'),
    ],
    engine: 'sql',
    sources: (w) => {
      const [from, to] = w.period.split('-').map(Number) as [number, number];
      const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      return [
        {
          table: 'payment',
          where: [eq('region_code', w.regionCode), { column: 'year', op: 'in', value: years }, eq('project_code', w.subjectId)],
        },
        ...budgetSources(w, 'project_code', years),
      ];
    },
  },
  {
    id: 'R4',
    area: 'budget',
    file: 'R04_year_end_surge.sql',
    nameZh: '年底突击花钱',
    nameEn: 'Year-end spending surge',
    descriptionZh: '部门或项目11、12月支出占全年可执行预算的比例过高，或仅12月支出占比过高，存在年底突击花钱的迹象。',
    descriptionEn:
      "A department or project spent too large a share of its year's allocation in November and December, or in December alone: a sign of rushing money out at year end.",
    formula: '(Nov + Dec paid) ÷ allocation > novdec_pct, or Dec paid ÷ allocation > dec_pct',
    unit: 'percent',
    metricZh: '年末支出占比',
    metricEn: 'year-end spending share',
    direction: 'above',
    params: [
      asOf,
      pct('novdec_pct', '50', '11–12月支出占比上限（%）', 'Nov+Dec share above (%)'),
      pct('dec_pct', '30', '12月支出占比上限（%）', 'December share above (%)'),
    ],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'payment',
        where: [
          eq('region_code', w.regionCode),
          eq('year', yearOf(w)),
          eq(w.subjectType === 'project' ? 'project_code' : 'department_code', w.subjectId),
          { column: 'paid_on', op: '>=', value: `${yearOf(w)}-11-01` },
        ],
      },
      ...budgetSources(w, w.subjectType === 'project' ? 'project_code' : 'department_code', [yearOf(w)]),
    ],
  },
  {
    id: 'R5',
    area: 'budget',
    file: 'R05_sangong_over_budget.sql',
    nameZh: '“三公”经费超预算或明细不符',
    nameEn: '"Three public expenses" over budget or not adding up',
    descriptionZh:
      '部门“三公”经费（因公出国（境）费、公务接待费、公务用车购置及运行费）决算超过预算（合计或任一分项）；或公开的“三公”经费表合计不等于各分项之和。',
    descriptionEn:
      "A department spent more on official overseas trips, reception and vehicles (三公) than budgeted, in total or on one item; or its published 三公 table's total is not the sum of its parts.",
    formula: '(final − approved) ÷ approved on economic items 30212/30217/30231/31013; table 7 total − parts',
    unit: 'percent',
    metricZh: '“三公”经费超支比例',
    metricEn: 'overspend on 三公',
    direction: 'above',
    params: [pct('min_over_pct', '0', '超支比例超过（%）', 'Overspend above (%)')],
    engine: 'sql',
    sources: (w) =>
      w.subjectType === 'disclosure_table'
        ? [
            {
              table: 'disclosure_line',
              where: [
                eq('region_code', w.regionCode),
                eq('year', yearOf(w)),
                eq('department_code', w.subjectId.split('/')[0] as string),
                eq('table_no', 7),
              ],
            },
          ]
        : [
            {
              table: 'budget_line',
              where: [
                eq('region_code', w.regionCode),
                eq('year', yearOf(w)),
                eq('department_code', w.subjectId),
                { column: 'economic_code', op: 'in', value: ['30212', '30217', '30231', '31013'] },
              ],
            },
          ],
  },
  {
    id: 'R6',
    area: 'budget',
    file: 'R06_large_adjustment.sql',
    nameZh: '预算调整幅度过大',
    nameEn: 'Large budget adjustment',
    descriptionZh: '项目年度内调整（调增或调减）金额占年初批复预算的比例超过阈值，预算编制可能不够精准。',
    descriptionEn:
      "Adjustments during the year changed a project's approved budget by more than the threshold share: the budget may have been poorly prepared.",
    formula: '|adjusted − approved| ÷ approved > max_change',
    unit: 'percent',
    metricZh: '调整幅度',
    metricEn: 'adjustment',
    direction: 'above',
    params: [
      pct('max_change_pct', '20', '调整幅度超过（%）', 'Change above (%)'),
      pct('red_change_pct', '50', '红色预警线（%）', 'Red line (%)'),
    ],
    engine: 'sql',
    sources: (w) => budgetSources(w, 'project_code', [yearOf(w)]),
  },
  {
    id: 'R7',
    area: 'budget',
    file: 'R07_unitemised_budget.sql',
    nameZh: '预算细化不足',
    nameEn: 'Unitemised budget',
    descriptionZh: '部门预算中“其他”类经济分类科目（编码以99结尾）金额占比过高，预算编制不够细化、透明。',
    descriptionEn:
      'Too large a share of a department\'s budget sits in "other" economic items (codes ending in 99): the budget is not itemised.',
    formula: 'Σ approved on economic codes …99 ÷ Σ approved > max_share',
    unit: 'percent',
    metricZh: '“其他”科目占比',
    metricEn: 'share of "other" items',
    direction: 'above',
    params: [pct('max_share_pct', '20', '占比超过（%）', 'Share above (%)')],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'budget_line',
        where: [eq('region_code', w.regionCode), eq('year', yearOf(w)), eq('department_code', w.subjectId), eq('phase', 'approved')],
      },
    ],
  },
  {
    id: 'R8',
    area: 'budget',
    file: 'R08_high_carryover.sql',
    nameZh: '结转结余过高',
    nameEn: 'High carry-over',
    descriptionZh: '部门决算年末结转结余占当年可执行预算的比例超过阈值，资金使用效率不高。',
    descriptionEn:
      "A department's year-end carry-over in its final accounts is above the threshold share of the year's allocation: money was not used.",
    formula: 'carryover_end (final table 1) ÷ (approved + adjustments) > max_share',
    unit: 'percent',
    metricZh: '结转结余占比',
    metricEn: 'carry-over share',
    direction: 'above',
    params: [pct('max_share_pct', '20', '占比超过（%）', 'Share above (%)')],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'disclosure_line',
        where: [
          eq('region_code', w.regionCode),
          eq('year', yearOf(w)),
          eq('department_code', w.subjectId),
          eq('table_no', 1),
          eq('phase', 'final'),
        ],
      },
      ...budgetSources(w, 'department_code', [yearOf(w)]),
    ],
  },
  {
    id: 'R9',
    area: 'debt',
    file: 'R09_idle_special_bond.sql',
    nameZh: '专项债券资金闲置',
    nameEn: 'Idle special-bond money',
    descriptionZh: '新增专项债券发行满6个月支出不足一半，或满12个月仍未支出，债券资金闲置、形成利息浪费。',
    descriptionEn:
      'A new special bond has spent less than half its money six months after issue, or nothing after twelve: borrowed money is idle while interest runs.',
    formula: 'spent ÷ amount < min_spent after months_half months; spent = 0 after months_none months',
    unit: 'percent',
    metricZh: '债券资金支出进度',
    metricEn: 'share of bond money spent',
    direction: 'below',
    params: [
      asOf,
      pct('min_spent_pct', '50', '支出比例低于（%）', 'Spent share below (%)'),
      int('months_half', '6', '发行后月数（检查支出比例）', 'Months after issue (spent share check)'),
      int('months_none', '12', '发行后月数（检查零支出）', 'Months after issue (nothing spent check)'),
    ],
    engine: 'sql',
    sources: (w) => [
      { table: 'bond', where: [eq('region_code', w.regionCode), eq('code', w.subjectId)] },
      { table: 'bond_spending', where: [eq('region_code', w.regionCode), eq('bond_code', w.subjectId)] },
    ],
  },
  {
    id: 'R10',
    area: 'debt',
    file: 'R10_debt_ratio.sql',
    nameZh: '债务率',
    nameEn: 'Debt ratio',
    descriptionZh: '年末政府债务余额与综合财力之比。100%为全国警戒线；实践中分档：绿<120%，黄120%–200%，橙200%–300%，红≥300%。',
    descriptionEn:
      'Year-end government debt balance over comprehensive fiscal capacity. 100 % is the national warning line; bands used in practice: green < 120 %, yellow 120–200 %, orange 200–300 %, red ≥ 300 %.',
    formula: 'debt balance ÷ comprehensive fiscal capacity (v_fiscal_capacity)',
    unit: 'percent',
    metricZh: '债务率',
    metricEn: 'debt ratio',
    direction: 'above',
    params: [
      pct('yellow_pct', '120', '黄色（%）', 'Yellow from (%)'),
      pct('orange_pct', '200', '橙色（%）', 'Orange from (%)'),
      pct('red_pct', '300', '红色（%）', 'Red from (%)'),
    ],
    engine: 'sql',
    sources: (w) => [
      { table: 'debt_position', where: [eq('region_code', w.regionCode), eq('year', yearOf(w))] },
      { table: 'fiscal_capacity', where: [eq('region_code', w.regionCode), eq('year', yearOf(w))] },
    ],
  },
  {
    id: 'R11',
    area: 'debt',
    file: 'R11_debt_service_ratio.sql',
    nameZh: '偿债率与利息支出率',
    nameEn: 'Debt service and interest ratios',
    descriptionZh:
      '偿债率=当年应还本付息÷综合财力；利息支出率=一般债务利息÷一般公共预算支出（专项债务利息÷政府性基金支出），超过10%须制定财政重整计划。',
    descriptionEn:
      'Debt service ratio = principal and interest due in the year ÷ comprehensive fiscal capacity; interest ratio = general-debt interest ÷ general public budget expenditure (special: ÷ fund expenditure) — above 10 % calls for a fiscal restructuring plan.',
    formula: '(principal + interest due) ÷ capacity; interest ÷ expenditure',
    unit: 'percent',
    metricZh: '偿债/付息比率',
    metricEn: 'debt service / interest ratio',
    direction: 'above',
    params: [
      pct(
        'service_pct',
        '15',
        '偿债率超过（%，DOMAIN.md 未给出，假定值）',
        'Debt service ratio above (%; DOMAIN.md gives none: an assumption)',
      ),
      pct('interest_pct', '10', '利息支出率超过（%）', 'Interest ratio above (%)'),
    ],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'debt_repayment',
        where: [
          eq('region_code', w.regionCode),
          eq('kind', 'scheduled'),
          { column: 'due_on', op: '>=', value: `${yearOf(w)}-01-01` },
          { column: 'due_on', op: '<=', value: `${yearOf(w)}-12-31` },
        ],
      },
      { table: 'fiscal_capacity', where: [eq('region_code', w.regionCode), eq('year', yearOf(w))] },
    ],
  },
  {
    id: 'R12',
    area: 'debt',
    file: 'R12_overdue_debt_ratio.sql',
    nameZh: '逾期债务率',
    nameEn: 'Overdue debt ratio',
    descriptionZh: '逾期债务÷债务余额。分档（某省做法）：10%–20%低，20%–50%中，>50%高。',
    descriptionEn: 'Overdue debt ÷ debt balance. Bands used in one province: 10–20 % low, 20–50 % medium, > 50 % severe.',
    formula: 'overdue debt ÷ debt balance',
    unit: 'percent',
    metricZh: '逾期债务率',
    metricEn: 'overdue debt ratio',
    direction: 'above',
    params: [
      pct('low_pct', '10', '低（%）', 'Low from (%)'),
      pct('medium_pct', '20', '中（%）', 'Medium from (%)'),
      pct('severe_pct', '50', '高（%，超过）', 'Severe above (%)'),
    ],
    engine: 'sql',
    sources: (w) => [
      { table: 'overdue_debt', where: [eq('region_code', w.regionCode), eq('year', yearOf(w))] },
      { table: 'debt_position', where: [eq('region_code', w.regionCode), eq('year', yearOf(w))] },
    ],
  },
  {
    id: 'R13',
    area: 'debt',
    file: 'R13_debt_limit.sql',
    nameZh: '债务限额使用',
    nameEn: 'Debt limit utilisation',
    descriptionZh: '债务余额÷债务限额：超过100%为突破限额，超过90%提示关注。',
    descriptionEn: 'Debt balance ÷ debt limit: over 100 % is a breach, over 90 % a flag.',
    formula: 'balance ÷ limit',
    unit: 'percent',
    metricZh: '限额使用率',
    metricEn: 'limit utilisation',
    direction: 'above',
    params: [pct('flag_pct', '90', '提示（%）', 'Flag above (%)'), pct('breach_pct', '100', '突破（%）', 'Breach above (%)')],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'debt_position',
        where: [
          eq('region_code', w.regionCode),
          eq('year', yearOf(w)),
          ...(w.subjectType === 'debt_type' ? [eq('debt_type', w.subjectId)] : []),
        ],
      },
    ],
  },
  {
    id: 'R14',
    area: 'revenue',
    file: 'R14_revenue_decline.sql',
    nameZh: '一般公共预算收入同比下降',
    nameEn: 'General public budget revenue falls year on year',
    descriptionZh: '地区一般公共预算收入比上年下降，财政收入基础可能削弱。',
    descriptionEn: "A region's general public budget revenue is lower than the year before: its revenue base may be weakening.",
    formula: '(revenue − previous revenue) ÷ previous revenue < −min_decline',
    unit: 'percent',
    metricZh: '收入同比变化',
    metricEn: 'revenue change on the year',
    direction: 'below',
    params: [
      pct('min_decline_pct', '0', '降幅超过（%）', 'Fall above (%)'),
      pct('red_decline_pct', '10', '红色降幅（%）', 'Red fall above (%)'),
    ],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'fiscal_capacity',
        where: [
          eq('region_code', w.regionCode),
          { column: 'year', op: 'in', value: [yearOf(w) - 1, yearOf(w)] },
          eq('component', 'general_revenue'),
        ],
      },
    ],
  },
  {
    id: 'R15',
    area: 'audit',
    file: 'R15_recurring_audit_finding.sql',
    nameZh: '屡审屡犯',
    nameEn: 'Recurring audit finding',
    descriptionZh:
      '同一被审计单位的同类问题（或表述相近的问题）在最近3个审计年度中出现2次及以上，或已报整改完成的问题再次出现。列出跨年度的问题链。',
    descriptionEn:
      'The same audited unit has the same kind of problem (same category, or similarly worded) in at least 2 of the last 3 audit years, or a finding closed as rectified appears again. The chain of findings across years is listed.',
    formula:
      'same unit ∧ (same category ∨ wording score ≥ similarity) in ≥ min_years of the last window_years; or earlier one rectified. Wording score = 0.75 × Dice(problem types) + 0.25 × Dice(words + character bigrams), halved when the two name different items (通讯补贴 vs 交通补贴); wording alone when either names no known problem type',
    unit: 'count',
    metricZh: '问题出现年数',
    metricEn: 'years the problem appears',
    direction: 'above',
    params: [
      int('window_years', '3', '观察年数', 'Audit years looked at'),
      int('min_years', '2', '出现年数不少于', 'Years with the problem, at least'),
      {
        name: 'similarity',
        kind: 'ratio',
        default: '0.55',
        zh: '问题表述相似度阈值（0–1；问题类型相同且事项不冲突时≥0.75，无共同问题类型时≤0.25）',
        en: 'Wording similarity threshold (0–1; the same problem types on the same items score ≥ 0.75, no shared problem type ≤ 0.25)',
      },
    ],
    engine: 'recurring',
    sources: (w) => {
      const chain = Array.isArray(w.evidence.chain)
        ? (w.evidence.chain as { finding_code: string }[]).map((c) => c.finding_code)
        : [w.subjectId];
      return [
        { table: 'audit_finding', where: [eq('region_code', w.regionCode), { column: 'finding_code', op: 'in', value: chain }] },
        { table: 'rectification_update', where: [eq('region_code', w.regionCode), { column: 'finding_code', op: 'in', value: chain }] },
      ];
    },
  },
  {
    id: 'R16',
    area: 'audit',
    file: 'R16_rectification_overdue.sql',
    nameZh: '审计整改逾期',
    nameEn: 'Rectification overdue',
    descriptionZh: '审计查出问题已过整改期限，最新整改状态仍不是“已整改”。',
    descriptionEn: 'An audit finding is past its rectification deadline and its latest status is not "rectified".',
    formula: 'as_of − deadline > 0 ∧ latest status ≠ rectified',
    unit: 'days',
    metricZh: '逾期天数',
    metricEn: 'days overdue',
    direction: 'above',
    params: [asOf, int('red_days', '180', '红色（逾期天数超过）', 'Red after (days overdue)')],
    engine: 'sql',
    sources: (w) => [
      { table: 'audit_finding', where: [eq('region_code', w.regionCode), eq('finding_code', w.subjectId)] },
      { table: 'rectification_update', where: [eq('region_code', w.regionCode), eq('finding_code', w.subjectId)] },
    ],
  },
  {
    id: 'R17',
    area: 'assets',
    file: 'R17_soe_debt_and_losses.sql',
    nameZh: '国有企业负债率高或连续亏损',
    nameEn: 'State-owned enterprise highly indebted or loss-making',
    descriptionZh: '国有企业资产负债率超过警戒线（默认70%，金融企业除外），或连续两年亏损。',
    descriptionEn:
      'A state-owned enterprise has a debt-to-asset ratio above the line (default 70 %, financial enterprises excepted) or losses two years running.',
    formula: 'liabilities ÷ assets > max_debt_asset, or profit < 0 this year and last',
    unit: 'percent',
    metricZh: '资产负债率',
    metricEn: 'debt-to-asset ratio',
    direction: 'above',
    params: [pct('max_debt_asset_pct', '70', '资产负债率超过（%）', 'Debt-to-asset ratio above (%)')],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'enterprise_financials',
        where: [
          eq('region_code', w.regionCode),
          eq('enterprise_code', w.subjectId),
          { column: 'year', op: 'in', value: [yearOf(w) - 1, yearOf(w)] },
        ],
      },
    ],
  },
  {
    id: 'R18',
    area: 'assets',
    file: 'R18_idle_assets.sql',
    nameZh: '行政事业性资产闲置',
    nameEn: 'Idle administrative assets',
    descriptionZh: '部门闲置资产原值占在账资产（不含已处置）原值的比例超过阈值。',
    descriptionEn:
      "The original value of a department's idle assets is above the threshold share of all its assets on the books (disposed excluded).",
    formula: 'Σ original value (idle) ÷ Σ original value (not disposed) > max_idle',
    unit: 'percent',
    metricZh: '闲置资产占比',
    metricEn: 'idle share',
    direction: 'above',
    params: [pct('max_idle_pct', '10', '闲置占比超过（%）', 'Idle share above (%)')],
    engine: 'sql',
    sources: (w) => [
      { table: 'asset_card', where: [eq('region_code', w.regionCode), eq('year', yearOf(w)), eq('department_code', w.subjectId)] },
    ],
  },
  {
    id: 'R19',
    area: 'economy',
    file: 'R19_plan_indicator_behind.sql',
    nameZh: '计划指标进度滞后',
    nameEn: 'Plan indicator behind its pro-rata target',
    descriptionZh: '年度计划指标最新一期实际值落后于按时间进度折算的目标（越大越好的指标低于目标，越小越好的指标高于目标）。',
    descriptionEn:
      'The latest actual of an annual plan indicator is behind its target pro rata to the period (below it for higher-is-better indicators, above it for lower-is-better).',
    formula: 'actual ÷ (period target, or year target × months ÷ 12); behind beyond tolerance',
    unit: 'percent',
    metricZh: '完成进度（实际÷折算目标）',
    metricEn: 'actual ÷ pro-rata target',
    direction: 'below',
    params: [pct('tolerance_pct', '0', '允许偏差（%）', 'Tolerance (%)')],
    engine: 'sql',
    sources: (w) => [
      {
        table: 'plan_indicator',
        where: [
          eq('region_code', w.regionCode),
          eq('indicator_code', w.subjectId),
          { column: 'period', op: 'in', value: [w.period, w.period.slice(0, 4)] },
        ],
      },
    ],
  },
  {
    id: 'R20',
    area: 'disclosure',
    file: 'R20_table_identities.sql',
    nameZh: '公开表勾稽关系不符',
    nameEn: 'Table identities broken',
    descriptionZh:
      '部门公开表内部勾稽关系不成立：收支总表收入+上年结转≠支出+年末结转；支出表合计≠基本支出+项目支出；基本支出表合计≠人员经费+公用经费；合计、小计及类、款行≠所属明细之和。表格对不上，说明公开的数据本身有误，无法据此审查。',
    descriptionEn:
      "A department's published tables do not add up: table 1 income + carry-over in ≠ expenditure + carry-over out; an expenditure row's total ≠ basic + project; table 6 total ≠ personnel + operating; a total, subtotal or 类/款 row ≠ the sum of its rows. Tables that do not add up cannot be relied on in a review.",
    formula: 'max over the lines of a table of |left side − right side| > tolerance',
    unit: 'yuan',
    metricZh: '差额',
    metricEn: 'difference',
    direction: 'above',
    params: [{ name: 'tolerance', kind: 'amount', default: '0', zh: '允许差额（元）', en: 'Allowed difference (yuan)' }],
    engine: 'sql',
    sources: (w) => {
      const [dept = '', year = '0', phase = '', table = '0'] = w.subjectId.split('/');
      return [
        {
          table: 'disclosure_line',
          where: [
            eq('region_code', w.regionCode),
            eq('year', Number(year)),
            eq('department_code', dept),
            eq('phase', phase),
            eq('table_no', Number(table)),
          ],
        },
      ];
    },
  },
];

export function findRule(id: string): RuleDef | undefined {
  return RULES.find((r) => r.id === id);
}

/** Value of a parameter kind given by a user: checked before it is stored or bound. */
export function checkParamValue(p: RuleParam, v: string): string | undefined {
  switch (p.kind) {
    case 'date':
      // A calendar date: Date.parse takes 2026-02-30 as 2 March, which DuckDB then refuses to cast (a 500 mid-run).
      return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)
        ? undefined
        : `${p.name} must be a date YYYY-MM-DD`;
    case 'integer':
      return /^\d{1,4}$/.test(v) ? undefined : `${p.name} must be a whole number 0–9999`;
    case 'ratio':
      return /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/.test(v) ? undefined : `${p.name} must be a decimal between 0 and 1`;
    case 'percent':
      return /^-?\d{1,5}(\.\d{1,2})?$/.test(v) ? undefined : `${p.name} must be a percentage with at most 2 decimals`;
    case 'amount':
      return /^\d{1,16}(\.\d{1,2})?$/.test(v) ? undefined : `${p.name} must be an amount in yuan with at most 2 decimals`;
  }
}
