/**
 * Pure SQL builders for the aggregate API (in the spirit of OpenSpending's babbage): the browser
 * names dimensions, measures and cuts; only names on the whitelists below reach SQL, and every
 * value is a bound parameter. Each builder returns `{ sql, params }` for `duck.all`.
 *
 * The budget cube follows one budget line through its life (DOMAIN.md): approved (budget_line
 * phase 'approved') → adjusted (= approved + budget_adjustment, the formula the execution rate
 * divides by) → executed (payments) → final (budget_line phase 'final'). The sources are
 * filtered separately (so DuckDB's zone maps skip blocks of the payment table), projected onto
 * the requested dimensions, stacked with UNION ALL and grouped once.
 */

export const CUBES = ['budget', 'payments'] as const;
export type CubeName = (typeof CUBES)[number];

type Source = 'approved' | 'adjustment' | 'executed' | 'final';

interface DimensionDef {
  /** SQL expression over the source row; payee and month exist only on payments. */
  expr: string;
  paymentsOnly?: boolean;
  /** Table giving the dimension's name (`<dim>_name` in the result). */
  label?: { table: string; key: string; name: string };
  kind: 'code' | 'int' | 'text';
}

export const DIMENSIONS = {
  year: { expr: 'year', kind: 'int' },
  region: { expr: 'region_code', kind: 'code', label: { table: 'region', key: 'code', name: 'name' } },
  budget_type: { expr: 'budget_type', kind: 'code', label: { table: 'budget_type', key: 'code', name: 'name_zh' } },
  // 政府收支分类: 类 = first 3 digits, 款 = 5, 项 = 7.
  function_1: { expr: 'left(function_code, 3)', kind: 'code', label: { table: 'function_class', key: 'code', name: 'name' } },
  function_2: { expr: 'left(function_code, 5)', kind: 'code', label: { table: 'function_class', key: 'code', name: 'name' } },
  function_3: { expr: 'function_code', kind: 'code', label: { table: 'function_class', key: 'code', name: 'name' } },
  department: { expr: 'department_code', kind: 'code', label: { table: 'department', key: 'code', name: 'name' } },
  project: { expr: 'project_code', kind: 'code', label: { table: 'project', key: 'code', name: 'name' } },
  economic: { expr: 'economic_code', kind: 'code', label: { table: 'economic_class', key: 'code', name: 'name' } },
  payee: { expr: 'payee', kind: 'text', paymentsOnly: true },
  month: { expr: 'month', kind: 'int', paymentsOnly: true },
} satisfies Record<string, DimensionDef>;
export type DimensionName = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as DimensionName[];

/** Column names accepted as synonyms in `cut` and `drilldown` (what the tables call them). */
const ALIASES: Record<string, DimensionName> = {
  region_code: 'region',
  department_code: 'department',
  project_code: 'project',
  function_code: 'function_3',
  economic_code: 'economic',
};

export const MEASURES = {
  approved: { sources: ['approved'], money: true },
  adjustment: { sources: ['adjustment'], money: true },
  adjusted: { sources: ['approved', 'adjustment'], money: true },
  executed: { sources: ['executed'], money: true },
  final: { sources: ['final'], money: true },
  count: { sources: ['executed'], money: false },
  // 执行率 = paid ÷ (approved + adjustments) (DOMAIN.md).
  execution_rate: { sources: ['approved', 'adjustment', 'executed'], money: false },
  // Lag = time progress − execution rate; needs a single year in the cut.
  lag: { sources: ['approved', 'adjustment', 'executed'], money: false },
} satisfies Record<string, { sources: Source[]; money: boolean }>;
export type MeasureName = keyof typeof MEASURES;
export const MEASURE_NAMES = Object.keys(MEASURES) as MeasureName[];
const PAYMENT_MEASURES: MeasureName[] = ['executed', 'count'];

export class QueryInputError extends Error {}

export interface Cut {
  dim: DimensionName;
  values: (string | number)[];
}

export interface OrderBy {
  key: string;
  desc: boolean;
}

export interface AggregateQuery {
  cube: CubeName;
  /** Region codes the user may see (already resolved from the region selector). */
  regions: string[];
  measures: MeasureName[];
  drilldown: DimensionName[];
  cuts: Cut[];
  order: OrderBy[];
  page: number;
  pagesize: number;
  /** 序时进度 for `lag`, from buildTimeProgress (null or absent: lag is NULL). */
  timeProgress?: number | null;
}

export interface BuiltQuery {
  sql: string;
  params: (string | number)[];
}

// ── parsing the query-string mini-languages ────────────────────────────────

function dimension(name: string): DimensionName {
  const n = ALIASES[name] ?? name;
  if (!(DIMENSION_NAMES as string[]).includes(n)) {
    throw new QueryInputError(`unknown dimension "${name}"; known: ${DIMENSION_NAMES.join(', ')}`);
  }
  return n as DimensionName;
}

function list(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

export function parseMeasures(s: string | undefined, cube: CubeName): MeasureName[] {
  const names = list(s);
  const allowed = cube === 'payments' ? PAYMENT_MEASURES : MEASURE_NAMES;
  if (names.length === 0) return cube === 'payments' ? ['executed', 'count'] : ['approved', 'adjusted', 'executed', 'final'];
  for (const m of names) {
    if (!(allowed as string[]).includes(m))
      throw new QueryInputError(`unknown measure "${m}" for cube ${cube}; known: ${allowed.join(', ')}`);
  }
  return [...new Set(names)] as MeasureName[];
}

export function parseDrilldown(s: string | undefined): DimensionName[] {
  const dims = list(s).map(dimension);
  if (new Set(dims).size !== dims.length) throw new QueryInputError('a dimension appears twice in drilldown');
  if (dims.length > 4) throw new QueryInputError('at most 4 drilldown dimensions');
  return dims;
}

const CODE_RE = /^[0-9A-Za-z_.-]{1,32}$/;
/** The cut value that selects rows without a code (`project:_none`). */
export const NONE = '_none';

/** `year:2026|department:101001;101002` — `|` separates cuts, `;` alternative values. */
export function parseCut(s: string | undefined): Cut[] {
  if (!s) return [];
  const cuts: Cut[] = [];
  for (const part of s.split('|')) {
    if (!part.trim()) continue;
    const i = part.indexOf(':');
    if (i <= 0) throw new QueryInputError(`cut "${part}" should look like dimension:value`);
    const dim = dimension(part.slice(0, i).trim());
    const raw = part
      .slice(i + 1)
      .split(';')
      .map((v) => v.trim())
      .filter(Boolean);
    if (raw.length === 0 || raw.length > 50) throw new QueryInputError(`cut on ${dim} needs 1 to 50 values`);
    const def: DimensionDef = DIMENSIONS[dim];
    const values = raw.map((v) => {
      if (def.kind === 'int') {
        if (!/^[0-9]{1,4}$/.test(v)) throw new QueryInputError(`cut on ${dim}: "${v}" is not a number`);
        const n = Number(v);
        if (dim === 'month' && (n < 1 || n > 12)) throw new QueryInputError(`cut on month: ${n} is not 1–12`);
        return n;
      }
      if (def.kind === 'code' && !CODE_RE.test(v)) throw new QueryInputError(`cut on ${dim}: "${v}" is not a valid code`);
      if (v.length > 200) throw new QueryInputError(`cut on ${dim}: value too long`);
      return v;
    });
    if (cuts.some((c) => c.dim === dim)) throw new QueryInputError(`two cuts on ${dim}`);
    cuts.push({ dim, values });
  }
  return cuts;
}

/** `executed:desc,department` — keys are drilldown dimensions or requested measures. */
export function parseOrder(s: string | undefined, allowedKeys: string[]): OrderBy[] {
  return list(s).map((part) => {
    const [rawKey = '', dir = 'asc', ...rest] = part.split(':');
    const key = ALIASES[rawKey] ?? rawKey;
    if (rest.length || !['asc', 'desc'].includes(dir)) throw new QueryInputError(`order "${part}" should look like key:asc or key:desc`);
    if (!allowedKeys.includes(key)) throw new QueryInputError(`cannot order by "${rawKey}"; use one of: ${allowedKeys.join(', ')}`);
    return { key, desc: dir === 'desc' };
  });
}

// ── building SQL ───────────────────────────────────────────────────────────

interface SourceDef {
  from: string;
  where: string[];
  measure: string;
  isPayment: boolean;
}

/** Payments with the month as a column (the rollup has one), for queries that need the payee. */
export const PAYMENT_ROWS = '(SELECT *, CAST(month(paid_on) AS INTEGER) AS month, 1 AS n FROM payment)';

const SOURCES: Record<Source, SourceDef> = {
  approved: { from: 'budget_line', where: [`phase = 'approved'`], measure: 'amount', isPayment: false },
  // Adjustments carry no budget type: take the project's, else the general budget (adjustments
  // without a project are general-budget 调剂).
  adjustment: {
    from:
      `(SELECT a.*, coalesce(p.budget_type, 'general') AS budget_type FROM budget_adjustment a ` +
      `LEFT JOIN (SELECT region_code, code, any_value(budget_type) AS budget_type FROM project GROUP BY ALL) p ` +
      `ON p.region_code = a.region_code AND p.code = a.project_code)`,
    where: [],
    measure: 'amount',
    isPayment: false,
  },
  // payment_rollup (sql/duckdb/rollups) unless the payee is involved (then PAYMENT_ROWS).
  executed: { from: 'payment_rollup', where: [], measure: 'amount', isPayment: true },
  final: { from: 'budget_line', where: [`phase = 'final'`], measure: 'amount', isPayment: false },
};
const SOURCE_ORDER: Source[] = ['approved', 'adjustment', 'executed', 'final'];

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** WHERE conditions for one source: the region scope plus every cut. */
function filters(regions: string[], cuts: Cut[], params: (string | number)[]): string[] {
  const where = [`region_code IN (${placeholders(regions.length)})`];
  params.push(...regions);
  for (const c of cuts) {
    // NONE stands for a missing code (basic expenditure has no project): IS NULL, not IN.
    const values = c.values.filter((v) => v !== NONE);
    const expr = DIMENSIONS[c.dim].expr;
    const terms = values.length ? [`${expr} IN (${placeholders(values.length)})`] : [];
    if (values.length < c.values.length) terms.push(`${expr} IS NULL`);
    where.push(terms.length > 1 ? `(${terms.join(' OR ')})` : terms[0]!);
    params.push(...values);
  }
  return where;
}

export function buildAggregate(q: AggregateQuery): BuiltQuery {
  if (q.regions.length === 0) throw new QueryInputError('no region in scope');
  const params: (string | number)[] = [];
  const paymentsOnlyQuery =
    q.cube === 'payments' || [...q.drilldown, ...q.cuts.map((c) => c.dim)].some((d) => 'paymentsOnly' in DIMENSIONS[d]);
  const needed = new Set<Source>(q.measures.flatMap((m) => MEASURES[m].sources));
  // Payee and month exist only on payments: budget-side measures are then NULL, not zero.
  const sources = SOURCE_ORDER.filter((s) => needed.has(s) && (!paymentsOnlyQuery || SOURCES[s].isPayment));
  if (sources.length === 0) sources.push('executed');

  const dimCols = q.drilldown.map((d, i) => `${DIMENSIONS[d].expr} AS d${i}`);
  // The payee is not in the rollup: only then do payments come from the payment table itself.
  const needsPayee = [...q.drilldown, ...q.cuts.map((c) => c.dim)].includes('payee');
  const parts = sources.map((s) => {
    const src = SOURCES[s];
    const from = s === 'executed' && needsPayee ? PAYMENT_ROWS : src.from;
    const cols = [
      ...dimCols,
      ...SOURCE_ORDER.map((o) => (o === s ? `${src.measure} AS m_${o}` : `NULL::DECIMAL(18,2) AS m_${o}`)),
      s === 'executed' ? 'n AS m_n' : 'NULL::BIGINT AS m_n',
    ];
    const where = [...src.where, ...filters(q.regions, q.cuts, params)];
    return `  SELECT ${cols.join(', ')}\n  FROM ${from}\n  WHERE ${where.join(' AND ')}`;
  });

  const has = (s: Source) => sources.includes(s);
  const sum = (s: Source) => (has(s) ? `coalesce(sum(m_${s}), 0)` : 'NULL::DECIMAL(38,2)');
  const base: Record<string, string> = {
    approved: sum('approved'),
    adjustment: sum('adjustment'),
    adjusted: has('approved') ? `${sum('approved')} + ${sum('adjustment')}` : 'NULL::DECIMAL(38,2)',
    executed: sum('executed'),
    final: sum('final'),
    count: 'CAST(coalesce(sum(m_n), 0) AS INTEGER)',
  };
  const baseNeeded = new Set<string>(q.measures.filter((m) => m in base));
  if (q.measures.some((m) => m === 'execution_rate' || m === 'lag')) {
    baseNeeded.add('adjusted');
    baseNeeded.add('executed');
  }
  const groupKeys = q.drilldown.map((_, i) => `d${i}`);
  // One pass computes every group and the grand total (GROUPING SETS): the summary row is _g <> 0.
  const gCols = [
    ...groupKeys,
    ...[...baseNeeded].map((m) => `${base[m]} AS ${m}`),
    groupKeys.length ? `GROUPING(${groupKeys.join(', ')}) AS _g` : '0 AS _g',
  ];
  const groupBy = groupKeys.length ? `\n  GROUP BY GROUPING SETS ((${groupKeys.join(', ')}), ())` : '';

  const rate = `round(CAST(g.executed AS DOUBLE) / NULLIF(CAST(g.adjusted AS DOUBLE), 0), 6)`;
  const tp = q.timeProgress;
  const mCols: string[] = ['g._g'];
  const joins: string[] = [];
  q.drilldown.forEach((d, i) => {
    mCols.push(`g.d${i} AS ${d}`);
    const def: DimensionDef = DIMENSIONS[d];
    if (def.label) {
      joins.push(
        `LEFT JOIN (SELECT ${def.label.key} AS k, any_value(${def.label.name}) AS v FROM ${def.label.table} GROUP BY ALL) l${i} ON l${i}.k = g.d${i}`,
      );
      mCols.push(`l${i}.v AS ${d}_name`);
    }
  });
  for (const m of q.measures) {
    if (m === 'execution_rate') mCols.push(`${rate} AS execution_rate`);
    // 序时进度 arrives as a number computed by buildTimeProgress (not user input).
    else if (m === 'lag') mCols.push(tp != null && Number.isFinite(tp) ? `round(${tp} - ${rate}, 6) AS lag` : 'NULL::DOUBLE AS lag');
    else mCols.push(`g.${m}`);
  }
  const ctes = [
    `f AS (\n${parts.join('\n  UNION ALL\n')}\n)`,
    `g AS MATERIALIZED (\n  SELECT ${gCols.join(', ')}\n  FROM f${groupBy}\n)`,
    `m AS MATERIALIZED (\n  SELECT ${mCols.join(', ')}\n  FROM g${joins.length ? `\n  ${joins.join('\n  ')}` : ''}\n)`,
  ];
  if (!groupKeys.length) {
    return { sql: `WITH ${ctes.join(',\n')}\nSELECT * EXCLUDE (_g), 1 AS _cells, 0 AS _rn FROM m`, params };
  }
  const order = [
    ...q.order.map((o) => `${o.key} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`),
    ...q.drilldown.filter((d) => !q.order.some((o) => o.key === d)),
  ];
  // The page of cells (_rn 1…) and the summary row (_rn 0, carrying the number of cells).
  const sql =
    `WITH ${ctes.join(',\n')}\n` +
    `SELECT * FROM (\n  SELECT * EXCLUDE (_g), NULL::INTEGER AS _cells, CAST(row_number() OVER (ORDER BY ${order.join(', ')}) AS INTEGER) AS _rn\n` +
    `  FROM m WHERE _g = 0\n  ORDER BY _rn\n  LIMIT ${q.pagesize} OFFSET ${(q.page - 1) * q.pagesize}\n)\n` +
    `UNION ALL\nSELECT * EXCLUDE (_g), (SELECT CAST(count(*) AS INTEGER) FROM m WHERE _g = 0), 0 FROM m WHERE _g <> 0\n` +
    `ORDER BY _rn`;
  return { sql, params };
}

/**
 * 序时进度 = days elapsed ÷ days in the year, as of the latest payment date of that year in the
 * region scope (the data's as-of date, not the wall clock, so a past year reads 100%).
 */
export function buildTimeProgress(year: number, regions: string[]): BuiltQuery {
  return {
    sql:
      `SELECT CAST(date_diff('day', make_date(y, 1, 1), least(d, make_date(y, 12, 31))) + 1 AS DOUBLE)` +
      ` / date_diff('day', make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS time_progress, CAST(d AS VARCHAR) AS as_of\n` +
      `FROM (SELECT CAST(? AS INTEGER) AS y, (SELECT max(last_paid_on) FROM payment_rollup WHERE year = ? AND region_code IN (${placeholders(regions.length)})) AS d)`,
    params: [year, year, ...regions],
  };
}

export interface FactsQuery {
  regions: string[];
  cuts: Cut[];
  order: OrderBy[];
  page: number;
  pagesize: number;
}

export const FACT_COLUMNS = ['paid_on', 'voucher_no', 'department', 'project', 'function_3', 'economic', 'payee', 'amount'] as const;
const FACT_ORDER: Record<string, string> = { paid_on: 'paid_on', amount: 'amount', voucher_no: 'voucher_no', payee: 'payee' };
export const FACT_ORDER_KEYS = Object.keys(FACT_ORDER);

/** One page of payment rows (the leaf of the drill-down), with names for the codes. */
export function buildFacts(q: FactsQuery): BuiltQuery {
  const params: (string | number)[] = [];
  const where = filters(q.regions, q.cuts, params);
  const order = [...q.order.map((o) => `${FACT_ORDER[o.key]} ${o.desc ? 'DESC' : 'ASC'}`), 'paid_on DESC', 'voucher_no'];
  const sql =
    `WITH p AS (\n  SELECT region_code, CAST(paid_on AS VARCHAR) AS paid_on, voucher_no, department_code, project_code, function_code, economic_code, payee, payee_kind, amount,\n` +
    `    CAST(count(*) OVER () AS INTEGER) AS _rows\n  FROM ${PAYMENT_ROWS}\n  WHERE ${where.join(' AND ')}\n  ORDER BY ${order.join(', ')}\n  LIMIT ${q.pagesize} OFFSET ${(q.page - 1) * q.pagesize}\n)\n` +
    `SELECT p.paid_on, p.voucher_no, p.department_code AS department, d.name AS department_name, p.project_code AS project, pr.name AS project_name,\n` +
    `  p.function_code AS function_3, fc.name AS function_3_name, p.economic_code AS economic, ec.name AS economic_name, p.payee, p.payee_kind, p.amount, p._rows\n` +
    `FROM p\n` +
    `LEFT JOIN department d ON d.region_code = p.region_code AND d.code = p.department_code\n` +
    `LEFT JOIN (SELECT region_code, code, any_value(name) AS name FROM project GROUP BY ALL) pr ON pr.region_code = p.region_code AND pr.code = p.project_code\n` +
    `LEFT JOIN function_class fc ON fc.code = p.function_code\n` +
    `LEFT JOIN economic_class ec ON ec.code = p.economic_code\n` +
    `ORDER BY ${order.map((o) => `p.${o}`).join(', ')}`;
  return { sql, params };
}

/** Regions in scope: the selected one and, when asked, its sub-regions (a city's districts). */
export function buildRegionScope(region: string, withChildren: boolean): BuiltQuery {
  return withChildren
    ? { sql: `SELECT DISTINCT code FROM region WHERE code = ? OR parent_code = ? ORDER BY code`, params: [region, region] }
    : { sql: `SELECT DISTINCT code FROM region WHERE code = ?`, params: [region] };
}
