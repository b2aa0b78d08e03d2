/**
 * R15 屡审屡犯 — recurring audit findings. The SQL (sql/rules/R15_recurring_audit_finding.sql)
 * pairs findings of the same audited unit across years; this module decides which pairs are "the
 * same problem" (same category, or similar wording) and builds the chain shown to the user.
 *
 * Wording similarity, in the terms a finance reviewer uses. Two findings of one unit describe the
 * same problem when they name the same kind of irregularity (挤占挪用, 资金滞留, 应缴未缴, 虚列支出 …)
 * about the same thing; amounts, years, counts and the unit's own name are noise. So:
 *
 *  1. Each description is cleaned: the leading unit name (市农业农村局 …) and all numbers with their
 *     units (1,280.00万元, 2025年, 6个) are removed.
 *  2. Problem types: PROBLEM_TYPES below lists the kinds of irregularity audit reports name, each
 *     with the phrasings that mark it (滞留 / 沉淀 / 未及时拨付 → 资金滞留未拨付). A description gets
 *     the set of types it mentions. P = Dice coefficient of the two sets, 2|A∩B| ÷ (|A| + |B|).
 *  3. Wording: L = Dice coefficient of the two descriptions' content words (jieba with an audit
 *     user dictionary, stop words dropped, a few synonyms merged) together with their character
 *     bigrams (which catch 加班补助 vs 加班费, 出租房屋 vs 房屋出租).
 *  4. score = 0.75 × P + 0.25 × L when both descriptions name a problem type; L alone otherwise.
 *  5. Named items: when both descriptions name the kind of payment or expense involved (通讯补贴,
 *     交通补贴, 高龄津贴, 公务接待 …, see ITEMS) and they share none, the score is halved: the same
 *     irregularity on another item (超标准发放通讯补贴 vs 交通补贴) is another problem.
 *
 * The pair counts as the same problem when score ≥ the rule's `similarity` parameter. At the
 * default 0.55: the same problem types on both sides (P = 1) always match, two of three (P = 0.67)
 * match unless the wording is far apart (L < 0.2), one of two each (P = 0.5) only with near-identical
 * wording (L ≥ 0.7); no shared type (score ≤ 0.25) or a conflicting item (score ≤ 0.5) never
 * matches; descriptions naming no known problem type match on wording alone (L ≥ 0.55). Measured on
 * the labelled pairs of fixtures/recurring-pairs.json by recurring.test.ts.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** A kind of irregularity, as audit reports phrase it. */
export interface ProblemType {
  key: string;
  zh: string;
  /** Matched against the cleaned description (no unit name, no numbers). */
  marks: RegExp;
}

// Written from the usual wording of audit work reports (审计工作报告), one entry per kind of
// problem; a phrase belongs to the problem it names, not to the category a report filed it under.
export const PROBLEM_TYPES: readonly ProblemType[] = [
  // Money: use, holding, booking.
  {
    key: 'misuse',
    zh: '挤占挪用、改变用途、超范围列支',
    marks:
      /挪用|挤占|占用.{0,6}资金|改变.{0,4}用途|超范围|用于(弥补|平衡|发放|支付|人员经费|日常|办公|购买|购置|基建|非资本性|单位)|在.{0,12}(费|经费|资金)中(列支|报销|开支)|列支.{0,12}(与.{0,8}无关|费用)/,
  },
  {
    key: 'fraud',
    zh: '套取骗取、虚报冒领',
    marks: /套取|骗取|虚报|冒领|不实(申报|材料)|虚假(合同|材料|发票|申报|培训|资料)|虚构/,
  },
  { key: 'false_spending', zh: '虚列支出、以拨代支', marks: /以拨代支|虚列支出|虚增.{0,6}支出|未形成实际支出|列作暂付款|以暂付款名义/ },
  { key: 'year_end_surge', zh: '年底突击支出', marks: /年底集中支出|年末集中支出|突击(花钱|支出)|月份?支出占/ },
  { key: 'low_execution', zh: '预算执行慢、执行率低', marks: /执行率(仅|低|偏低|不足)|(支出|实施|执行)进度(缓慢|滞后|慢)|未发生支出/ },
  {
    key: 'funds_held_up',
    zh: '资金滞留闲置、拨付或发放不及时',
    marks:
      /(资金|经费|补助|补贴|专户|账户|债券|结余).{0,20}(闲置|沉淀|滞留|结存|未使用|未安排使用|未统筹使用)|(闲置|沉淀|滞留|结存)(在|资金)|资金闲置|未(及时)?拨付|拨付不及时|(发放|拨付)不及时|延迟(发放|拨付)|未按(规定)?(时限|时间)(足额)?(分配|下达|拨付|发放)|超过规定时限.{0,8}(分配|下达|拨付)|迟迟未(启动|使用|拨付)/,
  },
  {
    key: 'not_remitted',
    zh: '应缴未缴、收入未及时缴库',
    marks:
      /未(及时|按规定|足额)*将?.{0,15}?(缴入|上缴|缴库|解缴)|应缴(国库|财政|未缴)|缴库不及时|(收入|收益|罚没款|出让金).{0,20}(滞留|长期存放)/,
  },
  { key: 'refund', zh: '违规返还已缴收入', marks: /返还|先征后返/ },
  { key: 'under_collection', zh: '少征、违规减免缓征', marks: /少征|少收|减免|缓征|减征|未足额征收|应收未收/ },
  {
    key: 'illegal_fees',
    zh: '无依据收费、自行定价收费',
    marks: /无(收费)?依据.{0,8}收(取|费)|自行(设立|设定|定价).{0,4}收费|擅自收费|违规收费|乱收费|自行定价/,
  },
  { key: 'off_books', zh: '小金库、账外资金', marks: /小金库|账外账|私设|(收入|资金|款).{0,20}未纳入(单位)?(账务|财务)核算/ },
  { key: 'off_budget', zh: '收入未纳入预算、坐收坐支', marks: /(收入|租金|收益|资金).{0,12}未纳入预算|游离于预算之外|坐收坐支/ },
  { key: 'special_account', zh: '未按规定存入财政专户', marks: /未(按规定)?(存入|纳入|缴入)(财政)?专户/ },
  // Budget and performance.
  { key: 'over_budget', zh: '超预算支出', marks: /超(出)?(年初)?预算|超支/ },
  { key: 'no_budget', zh: '无预算支出', marks: /无预算|未列入预算.{0,6}支出|预算外支出/ },
  { key: 'budget_incomplete', zh: '预算编制不完整', marks: /未将.{0,20}纳入(年初)?预算|编制不完整/ },
  { key: 'budget_misclassified', zh: '预算编列口径不准确', marks: /口径不准确|编列在.{0,6}支出中|混列/ },
  { key: 'budget_inflated', zh: '多编列预算', marks: /按编制数|多编列|虚列预算/ },
  {
    key: 'no_appraisal',
    zh: '未经评审论证即立项或列入预算',
    marks: /未经.{0,6}(评审|论证)|可行性(研究|论证).{0,4}未|未(进行|开展).{0,4}(评审|论证)/,
  },
  {
    key: 'vague_targets',
    zh: '绩效目标不明确、未量化',
    marks: /(绩效)?(目标|指标).{0,12}(不明确|不清晰|无法衡量|笼统|未细化|未量化|模糊|不合理)|未设定可量化|(未细化|未量化).{0,4}(目标|指标)/,
  },
  { key: 'self_evaluation', zh: '绩效自评不实或未开展', marks: /自评.{0,12}(走过场|不符|不实|失真)|未(按规定)?开展.{0,4}(绩效)?自评/ },
  { key: 'results_unused', zh: '绩效评价结果未应用', marks: /评价结果.{0,12}(未|仍|不)|未与预算安排挂钩|结果为.{0,3}差.{0,12}仍/ },
  // Pay and benefits.
  {
    key: 'irregular_pay',
    zh: '违规发放津贴补贴福利',
    marks:
      /以.{0,12}(名义|形式).{0,14}发放|无(文件|政策)?依据.{0,16}发放|违规.{0,8}发放|变相.{0,6}发放|发放.{0,8}(福利|购物卡|慰问品)|(福利|购物卡|慰问品).{0,6}发放/,
  },
  {
    key: 'over_standard',
    zh: '超标准、超编制、超核定数',
    marks:
      /超(过)?(规定|批准|核定)?(的)?标准|提高.{0,8}标准|超出?(批准|规定|核定)(的)?(天数|标准|总量|编制)|超编|超出?(核定)?编制|超(标准)?配置/,
  },
  { key: 'ineligible', zh: '向不符合条件对象发放', marks: /不符合(条件|规定|标准)(的)?.{0,14}(发放|领取|享受|对象|家庭|人员|农户|领取)/ },
  { key: 'excluded', zh: '符合条件对象未纳入保障', marks: /未(将|把)?.{0,4}符合条件.{0,16}(纳入|享受)|应保未保|应纳未纳/ },
  { key: 'deceased', zh: '向死亡人员发放待遇', marks: /(死亡|已故|去世|亡故).{0,20}(发放|领取|停发|多发)|未及时停发/ },
  { key: 'duplicate', zh: '重复发放、重复享受', marks: /重复(发放|领取|享受|支付|报销)|多次(计发|领取|发放)|未去重/ },
  { key: 'benefit_overcounted', zh: '补贴面积数量核实不准', marks: /核实不准|(面积|人数|数量).{0,8}(不准|不实|把关不严|虚增)/ },
  { key: 'arrears', zh: '拖欠款项', marks: /拖欠|欠付/ },
  { key: 'no_public_notice', zh: '未按规定公示', marks: /未(按规定)?(进行)?公示/ },
  { key: 'irregular_claims', zh: '违规结算支付基金', marks: /违规(支付|结算)|串换项目|过度诊疗|分解住院|被违规结算/ },
  // Procurement and works.
  {
    key: 'procurement_bypassed',
    zh: '未按规定政府采购',
    marks:
      /未(按规定)?(执行|实行|履行)?政府采购|应(当)?(实行|执行)?政府采购.{0,20}(未|自行)|未经(政府)?采购程序|规避政府采购|自行(采购|购置)/,
  },
  { key: 'tender_split', zh: '拆分项目规避招标', marks: /拆分|化整为零|规避(公开)?招标/ },
  {
    key: 'no_tender',
    zh: '应招未招、直接发包',
    marks: /未(进行|履行|经|按规定)?(公开)?招标|应招标.{0,12}未|直接(发包|指定)|未履行招标程序/,
  },
  { key: 'restrictive_tender', zh: '设置排他性条款限制竞争', marks: /排他性|特定品牌|指定品牌|限制.{0,8}(供应商|竞争)|以不合理条件/ },
  { key: 'contract_change', zh: '超合同范围追加', marks: /追加|超出合同(约定)?范围|合同变更.{0,6}未/ },
  { key: 'no_acceptance', zh: '未组织验收、未编制采购需求', marks: /未(组织|进行|经)?(履约)?验收|未编制采购需求/ },
  { key: 'subcontracting', zh: '违法转包分包', marks: /转包|违法分包|违规分包/ },
  { key: 'retention_money', zh: '未扣留质量保证金', marks: /质量保证金|质保金/ },
  {
    key: 'works_overstated',
    zh: '工程结算多计多付',
    marks: /多计(工程|价款)|多付工程|(工程|结算).{0,10}(多计|多付|虚增|高估冒算)|高估冒算|重复计算工程量/,
  },
  { key: 'no_permit', zh: '未取得施工许可即开工', marks: /未(取得|办理).{0,4}施工许可|施工许可.{0,12}(未|先行)|先行开工|未批先建/ },
  { key: 'no_completion_accounts', zh: '未办理竣工财务决算', marks: /未(及时)?办理竣工(财务)?决算|竣工(财务)?决算.{0,6}(未|滞后)/ },
  // Assets.
  {
    key: 'idle_assets',
    zh: '资产闲置、未投入使用',
    marks:
      /(房|房源|房产|用房|设备|资产|系统|车辆|土地|设施).{0,12}(闲置|空置|未使用|未投入使用|未分配使用|未交付使用|未有效利用)|(闲置|空置)(的)?.{0,4}(房|用房|资产|设备)|未投入使用|一直闲置/,
  },
  { key: 'rent_or_lend', zh: '资产违规出租出借', marks: /出租|出借|无偿(使用|提供|占用)/ },
  { key: 'not_written_off', zh: '报废资产未核销', marks: /报废.{0,15}(未|仍).{0,10}(核销|账上)|未(及时)?(作)?核销/ },
  { key: 'not_recorded', zh: '资产未登记入账', marks: /未(及时)?(登记)?入账|未纳入.{0,4}资产账|账外运行/ },
  {
    key: 'irregular_disposal',
    zh: '资产处置未履行程序',
    marks: /处置.{0,4}(审批|程序)|擅自处置|未经审批.{0,4}处置|未.{0,6}公开拍卖|拍卖处置/,
  },
  { key: 'no_valuation', zh: '未进行资产评估', marks: /未(进行|经|按规定)?(资产)?评估/ },
  { key: 'guarantee', zh: '违规对外担保', marks: /担保/ },
  { key: 'hidden_debt', zh: '违规举债、新增隐性债务', marks: /隐性债务|违规举债|举借债务|变相举债/ },
  // Bookkeeping.
  { key: 'vouchers', zh: '原始凭证不全、审批手续缺失', marks: /原始凭证|单据不全|审批手续缺失|缺少审批|附件不全/ },
  {
    key: 'stale_balances',
    zh: '往来款长期挂账未清理',
    marks: /(往来款|应收|应付|暂付款|暂存款).{0,15}(未清理|长期挂账|未及时清理)|长期挂账|多年未清理/,
  },
  { key: 'depreciation', zh: '未按规定计提折旧', marks: /折旧/ },
  { key: 'no_separate_accounting', zh: '专项资金未专账核算', marks: /未(实行)?专账核算|未单独核算|无法与.{0,8}对应/ },
  { key: 'reception_papers', zh: '公务接待无公函无清单', marks: /公函|接待清单/ },
];

/**
 * Named kinds of payment, benefit or expense. Two findings naming the same irregularity about
 * different items (通讯补贴 vs 交通补贴) are different problems.
 */
export const ITEMS: readonly { key: string; marks: RegExp }[] = [
  { key: '加班费', marks: /加班/ },
  { key: '通讯补贴', marks: /通讯|通信/ },
  { key: '交通补贴', marks: /交通(补贴|补助|费)|车补/ },
  { key: '值班补助', marks: /值班|夜班/ },
  { key: '劳务费', marks: /劳务/ },
  { key: '绩效工资', marks: /绩效工资|奖金/ },
  { key: '福利慰问', marks: /福利|慰问|购物卡/ },
  { key: '高龄津贴', marks: /高龄/ },
  { key: '养老金', marks: /养老(待遇|金|保险金)/ },
  { key: '失业保险金', marks: /失业/ },
  { key: '低保金', marks: /低保|最低生活保障/ },
  { key: '抚恤金', marks: /抚恤/ },
  { key: '耕地地力保护补贴', marks: /地力保护/ },
  { key: '农机购置补贴', marks: /农机/ },
  { key: '会议费', marks: /会议/ },
  { key: '培训费', marks: /培训/ },
  { key: '公务接待', marks: /接待/ },
  { key: '公务用车', marks: /公务用车|车辆/ },
  { key: '因公出国', marks: /出国|出境/ },
];

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
  '以拨代支',
  '化整为零',
  '高标准农田',
  '地力保护',
  '最低生活保障',
  '高龄津贴',
  '施工许可',
  '竣工决算',
  '固定资产',
  '原始凭证',
  '隐性债务',
  '城市基础设施配套费',
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
  '合计',
  '共计',
  '问题',
  '存在',
  '情况',
  '方面',
  '部分',
  '一些',
  '相关',
  '单位',
  '本单位',
  '所属',
  '下属',
]);

// General audit vocabulary written several ways in reports.
const SYNONYM_GROUPS = [
  ['套取', '骗取', '虚报', '冒领'],
  ['闲置', '空置', '沉淀', '滞留', '结存'],
  ['挪用', '挤占'],
  ['补贴', '补助', '津贴', '津补贴', '补助金'],
  ['超标准', '提高标准'],
  ['职工', '在职人员', '工作人员'],
  ['多发', '多发放'],
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

// The audited unit at the start of a description: the shortest prefix (≤ 20 characters) ending
// in an organ suffix. It is matched separately (same department); its words would make any two
// findings of one unit look alike.
const LEADING_UNIT = /^[^，。、；：]{0,20}?(委员会|办公室|管理局|局|委|馆|中心|院|站|队|公司)/u;
// Numbers with what they count: amounts, years, dates, counts, percentages.
const NUMBERS = /[0-9][0-9,.]*\s*(亿元|万元|元|%|个|项|笔|人|户|名|处|辆|次|年度|年|月份|月|日|天|平方米|倍)?/gu;

/** A description reduced to what the measure compares. */
export interface Profile {
  text: string;
  problems: Set<string>;
  items: Set<string>;
  tokens: Set<string>;
}

export function clean(text: string): string {
  return text.normalize('NFKC').trim().replace(LEADING_UNIT, '').replace(NUMBERS, ' ');
}

export function profile(text: string): Profile {
  const t = clean(text);
  const problems = new Set(PROBLEM_TYPES.filter((p) => p.marks.test(t)).map((p) => p.key));
  // Money kept from the treasury is "not remitted", not "held up", even where it says 滞留.
  if (problems.has('not_remitted')) problems.delete('funds_held_up');
  const items = new Set(ITEMS.filter((i) => i.marks.test(t)).map((i) => i.key));
  return { text: t, problems, items, tokens: tokens(t) };
}

/** Content words (w:) and character bigrams (c:) of a cleaned description. */
function tokens(t: string): Set<string> {
  const out = new Set<string>();
  for (const w of segmenter().cut(t, true)) {
    const s = w.trim();
    if (!s || STOP.has(s) || !/\p{Script=Han}/u.test(s) || s.length < 2) continue;
    out.add(`w:${SYNONYMS.get(s) ?? s}`);
  }
  for (const run of t.match(/\p{Script=Han}+/gu) ?? [])
    for (let i = 0; i + 2 <= run.length; i++) {
      const b = run.slice(i, i + 2);
      if (!STOP.has(b)) out.add(`c:${b}`);
    }
  return out;
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** The parts of a score, for the evidence and for tests. */
export interface Similarity {
  score: number;
  problems: number | null;
  wording: number;
  itemConflict: boolean;
  shared: string[];
}

export function compare(a: string | Profile, b: string | Profile): Similarity {
  const A = typeof a === 'string' ? profile(a) : a;
  const B = typeof b === 'string' ? profile(b) : b;
  const wording = dice(A.tokens, B.tokens);
  const problems = A.problems.size > 0 && B.problems.size > 0 ? dice(A.problems, B.problems) : null;
  let score = problems === null ? wording : 0.75 * problems + 0.25 * wording;
  const itemConflict = A.items.size > 0 && B.items.size > 0 && ![...A.items].some((i) => B.items.has(i));
  if (itemConflict) score /= 2;
  const shared = [...A.problems].filter((k) => B.problems.has(k));
  return { score, problems, wording, itemConflict, shared };
}

const PROBLEM_ZH = new Map(PROBLEM_TYPES.map((p) => [p.key, p.zh]));

/** Similarity of two descriptions, 0–1 (see the header). */
export function similarity(a: string | Profile, b: string | Profile): number {
  return compare(a, b).score;
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
  const cache = new Map<string, Profile>();
  const profileOf = (key: string, text: string) => {
    let w = cache.get(key);
    if (!w) cache.set(key, (w = profile(text)));
    return w;
  };
  interface Link {
    pair: RecurringPair;
    score: number;
    shared: string[];
  }
  const byLater = new Map<string, Link[]>();
  for (const pair of pairs) {
    const { score, shared } = compare(
      profileOf(`${pair.region_code}/${pair.later_code}`, pair.later_description),
      profileOf(`${pair.region_code}/${pair.earlier_code}`, pair.earlier_description),
    );
    if (!pair.same_category && score < p.similarity) continue;
    const key = `${pair.region_code}/${pair.later_code}`;
    const list = byLater.get(key) ?? [];
    list.push({ pair, score, shared });
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
          shared_problems: l.shared.map((k) => PROBLEM_ZH.get(k) ?? k),
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
