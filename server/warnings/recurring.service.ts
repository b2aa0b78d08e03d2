/**
 * R15 屡审屡犯 — recurring audit findings. The SQL (sql/rules/R15_recurring_audit_finding.sql)
 * pairs findings of the same audited unit across years; this module decides which pairs are "the
 * same problem" (same category, or similar wording) and builds the chain shown to the user.
 *
 * Wording similarity: Chinese has no spaces, so descriptions are segmented with jieba and a user
 * dictionary of audit and budget terms (so 专项资金 or 结转结余 stay one word); numbers, years and
 * function words are dropped (amounts differ between years of the same problem); the score is the
 * Dice coefficient of the two word sets — 2|A∩B| ÷ (|A| + |B|) — compared with a threshold.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

// Terms jieba's general dictionary splits or mis-joins. Frequency high so they win.
const DOMAIN_TERMS = [
  '专项资金',
  '财政资金',
  '结转结余',
  '执行率',
  '三公经费',
  '公务接待',
  '公务用车',
  '因公出国',
  '会议费',
  '培训费',
  '政府采购',
  '招投标',
  '未招标',
  '虚列支出',
  '挤占挪用',
  '挪用',
  '套取',
  '骗取',
  '截留',
  '滞留',
  '闲置',
  '超标准',
  '超范围',
  '超预算',
  '无预算',
  '预算执行',
  '预算编制',
  '决算',
  '国有资产',
  '资产出租',
  '出租收入',
  '非税收入',
  '应缴未缴',
  '未及时缴库',
  '补助资金',
  '转移支付',
  '专项债券',
  '债券资金',
  '绩效目标',
  '绩效评价',
  '往来款',
  '违规发放',
  '津补贴',
  '账外资金',
  '小金库',
  '公款',
  '整改',
  '未整改',
  '未按规定',
  '项目资金',
  '工程款',
  '建设项目',
];

const STOP = new Set([
  '的',
  '了',
  '和',
  '与',
  '及',
  '等',
  '在',
  '对',
  '将',
  '把',
  '为',
  '是',
  '有',
  '未',
  '不',
  '中',
  '其',
  '该',
  '年',
  '万元',
  '元',
  '亿元',
  '个',
  '项',
  '笔',
  '家',
  '所',
  '以',
  '按',
  '由',
  '从',
  '向',
  '至',
  '于',
  '被',
  '共',
  '计',
  '涉及',
  '金额',
  '问题',
  '存在',
  '情况',
  '方面',
  '部分',
  '一些',
  '相关',
  '单位',
]);

// General audit vocabulary written several ways in reports (not tuned to any one test pair).
const SYNONYM_GROUPS = [
  ['套取', '骗取', '虚报', '不实', '冒领'],
  ['闲置', '空置', '沉淀', '滞留', '未使用'],
  ['不及时', '未及时', '延迟', '滞后', '及时'],
  ['挪用', '挤占', '改变用途'],
  ['补贴', '补助', '津贴', '津补贴', '补助金'],
  ['超标准', '提高标准', '自行提高'],
  ['规避', '化整为零', '拆分'],
  ['挂账', '往来款', '应收', '应付'],
  ['依据', '文件', '政策'],
  ['多发', '重复', '多次'],
];
const SYNONYMS = new Map(SYNONYM_GROUPS.flatMap((g) => g.map((w) => [w, g[0] as string] as const)));

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(DOMAIN_TERMS.map((t) => `${t} 100000 n`).join('\n')));
  }
  return jieba;
}

/** The content words of a text: segmented, without numbers, punctuation or function words. */
export function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of segmenter().cut(text.normalize('NFKC'), true)) {
    const t = w.trim();
    if (!t || STOP.has(t)) continue;
    if (/[0-9]/.test(t)) continue; // amounts, years, document numbers
    if (!/[\p{L}]/u.test(t)) continue; // punctuation
    if (/^[\p{Script=Han}]$/u.test(t)) continue; // single characters carry little meaning
    // The unit is matched separately (same department or name); its words would make any two
    // findings of one unit look alike.
    if (/(局|委员会|委|办公室|政府|中心|公司)$/u.test(t) && t.length >= 3) continue;
    out.add(SYNONYMS.get(t) ?? t);
  }
  return out;
}

/** Dice coefficient of the two texts' word sets, 0–1. */
export function similarity(a: string | Set<string>, b: string | Set<string>): number {
  const A = typeof a === 'string' ? words(a) : a;
  const B = typeof b === 'string' ? words(b) : b;
  if (A.size === 0 || B.size === 0) return 0;
  let common = 0;
  for (const w of A) if (B.has(w)) common++;
  return (2 * common) / (A.size + B.size);
}

/** One row of the R15 SQL (a later finding and an earlier one of the same unit). */
export interface RecurringPair {
  region_code: string;
  later_code: string;
  later_year: number | string;
  later_unit: string;
  later_category: string;
  later_description: string;
  earlier_code: string;
  earlier_year: number | string;
  earlier_category: string;
  earlier_description: string;
  earlier_rectified_on: string | null;
  earlier_status: string | null;
  same_category: boolean;
  in_window: boolean;
}

export interface RecurringParams {
  minYears: number;
  similarity: number;
}

/** A warning row in the shape every rule SQL returns. */
export interface RuleRow {
  region_code: string;
  subject_type: string;
  subject_id: string;
  subject_name: string;
  period: string;
  num: string;
  den: string;
  band: string;
  threshold: string;
  evidence: string;
  /** When a rule's rows differ in unit (R5): overrides the rule's. */
  unit?: string;
}

export function recurringWarnings(pairs: RecurringPair[], p: RecurringParams): RuleRow[] {
  const cache = new Map<string, Set<string>>();
  const wordsOf = (key: string, text: string) => {
    let w = cache.get(key);
    if (!w) cache.set(key, (w = words(text)));
    return w;
  };
  interface Link {
    pair: RecurringPair;
    score: number;
  }
  const byLater = new Map<string, Link[]>();
  for (const pair of pairs) {
    const score = similarity(
      wordsOf(`${pair.region_code}/${pair.later_code}`, pair.later_description),
      wordsOf(`${pair.region_code}/${pair.earlier_code}`, pair.earlier_description),
    );
    if (!pair.same_category && score < p.similarity) continue;
    const key = `${pair.region_code}/${pair.later_code}`;
    const list = byLater.get(key) ?? [];
    list.push({ pair, score });
    byLater.set(key, list);
  }

  const fired = new Map<string, { links: Link[]; years: number; reappeared: boolean }>();
  for (const [key, links] of byLater) {
    const first = links[0] as Link;
    const years = new Set<number>([Number(first.pair.later_year)]);
    for (const l of links) if (l.pair.in_window) years.add(Number(l.pair.earlier_year));
    const reappeared = links.some((l) => l.pair.earlier_rectified_on !== null);
    if (years.size >= p.minYears || reappeared) fired.set(key, { links, years: years.size, reappeared });
  }
  // Report each chain once, at its latest finding.
  const superseded = new Set<string>();
  for (const { links } of fired.values()) for (const l of links) superseded.add(`${l.pair.region_code}/${l.pair.earlier_code}`);

  const rows: RuleRow[] = [];
  for (const [key, f] of fired) {
    if (superseded.has(key)) continue;
    const later = (f.links[0] as Link).pair;
    const chain = [
      ...f.links
        .slice()
        .sort((a, b) => Number(a.pair.earlier_year) - Number(b.pair.earlier_year) || a.pair.earlier_code.localeCompare(b.pair.earlier_code))
        .map((l) => ({
          finding_code: l.pair.earlier_code,
          audit_year: Number(l.pair.earlier_year),
          category: l.pair.earlier_category,
          description: l.pair.earlier_description,
          rectified_on: l.pair.earlier_rectified_on,
          status: l.pair.earlier_status,
          same_category: l.pair.same_category,
          similarity: l.score.toFixed(2),
        })),
      {
        finding_code: later.later_code,
        audit_year: Number(later.later_year),
        category: later.later_category,
        description: later.later_description,
      },
    ];
    rows.push({
      region_code: later.region_code,
      subject_type: 'audit_finding',
      subject_id: later.later_code,
      subject_name: `${later.later_unit}：${later.later_category}`,
      period: String(later.later_year),
      num: String(f.years),
      den: '1',
      band: f.reappeared || f.years >= 3 ? 'red' : 'orange',
      threshold: String(p.minYears),
      evidence: JSON.stringify({
        audit_year: Number(later.later_year),
        rectified_reappears: f.reappeared,
        years_in_window: f.years,
        chain,
      }),
    });
  }
  return rows;
}
