/**
 * A synthetic city for the API benchmark (and the browser test when the ETL's demo loader is
 * not at hand): 临江市 990100 with five districts, 2024–2026, written straight into DuckDB with
 * SQL (generate_series + hash), so 1e7 payments take seconds. Deterministic: the same `payments`
 * gives the same rows. Payments are drawn against approved budget lines, each line with its own
 * execution factor, so execution rates and lags look like a real year (as of 2026-10-31).
 */
import type { Duck } from '../server/core/duck.ts';

export const AS_OF = '2026-10-31';

const REGIONS: [string, string, string | null, string][] = [
  ['990100', '临江市', null, 'city'],
  ['990102', '江北区', '990100', 'district'],
  ['990103', '江南区', '990100', 'district'],
  ['990104', '临港区', '990100', 'district'],
  ['990105', '高新区', '990100', 'district'],
  ['990106', '山前县', '990100', 'district'],
];

const CLASSES: [string, string, [string, string][]][] = [
  [
    '201',
    '一般公共服务支出',
    [
      ['01', '人大事务'],
      ['03', '政府办公厅（室）及相关机构事务'],
    ],
  ],
  [
    '204',
    '公共安全支出',
    [
      ['02', '公安'],
      ['06', '司法'],
    ],
  ],
  [
    '205',
    '教育支出',
    [
      ['01', '教育管理事务'],
      ['02', '普通教育'],
    ],
  ],
  [
    '206',
    '科学技术支出',
    [
      ['01', '科学技术管理事务'],
      ['04', '技术研究与开发'],
    ],
  ],
  [
    '207',
    '文化旅游体育与传媒支出',
    [
      ['01', '文化和旅游'],
      ['03', '体育'],
    ],
  ],
  [
    '208',
    '社会保障和就业支出',
    [
      ['01', '人力资源和社会保障管理事务'],
      ['08', '抚恤'],
    ],
  ],
  [
    '210',
    '卫生健康支出',
    [
      ['02', '公立医院'],
      ['04', '公共卫生'],
    ],
  ],
  [
    '211',
    '节能环保支出',
    [
      ['03', '污染防治'],
      ['04', '自然生态保护'],
    ],
  ],
  [
    '212',
    '城乡社区支出',
    [
      ['01', '城乡社区管理事务'],
      ['03', '城乡社区公共设施'],
    ],
  ],
  [
    '213',
    '农林水支出',
    [
      ['01', '农业农村'],
      ['03', '水利'],
    ],
  ],
  [
    '214',
    '交通运输支出',
    [
      ['01', '公路水路运输'],
      ['06', '车辆购置税支出'],
    ],
  ],
  [
    '221',
    '住房保障支出',
    [
      ['01', '保障性安居工程支出'],
      ['02', '住房改革支出'],
    ],
  ],
];
const ITEMS: [string, string][] = [
  ['01', '行政运行'],
  ['02', '一般行政管理事务'],
  ['99', '其他支出'],
];

const DEPARTMENTS = [
  '人大常委会办公室',
  '政府办公室',
  '发展和改革委员会',
  '教育局',
  '科学技术局',
  '公安局',
  '司法局',
  '财政局',
  '人力资源和社会保障局',
  '自然资源和规划局',
  '生态环境局',
  '住房和城乡建设局',
  '交通运输局',
  '水利局',
  '农业农村局',
  '文化广电旅游体育局',
  '卫生健康委员会',
  '退役军人事务局',
  '应急管理局',
  '市场监督管理局',
];
// The function class each department mostly spends on (index into CLASSES).
const DEPT_CLASS = [0, 0, 0, 2, 3, 1, 1, 0, 5, 8, 7, 11, 10, 9, 9, 4, 6, 5, 1, 0];

const ECONOMIC: [string, string][] = [
  ['30101', '基本工资'],
  ['30102', '津贴补贴'],
  ['30201', '办公费'],
  ['30211', '差旅费'],
  ['30213', '维修（护）费'],
  ['30226', '劳务费'],
  ['30299', '其他商品和服务支出'],
  ['31002', '办公设备购置'],
  ['31005', '基础设施建设'],
  ['31099', '其他资本性支出'],
];

const esc = (s: string) => s.replace(/'/g, "''");
const values = (rows: (string | number | null)[][]) =>
  rows.map((r) => `(${r.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${esc(v)}'`)).join(', ')})`).join(',\n');

export async function generateApiData(duck: Duck, opts: { payments: number }): Promise<void> {
  const fc: (string | number | null)[][] = [];
  for (const [c, name, kuans] of CLASSES) {
    fc.push([c, name, 1, null, 0]);
    for (const [k, kname] of kuans) {
      fc.push([c + k, kname, 2, c, 0]);
      for (const [x, xname] of ITEMS) fc.push([c + k + x, xname, 3, c + k, 0]);
    }
  }
  const depts: (string | number | null)[][] = [];
  REGIONS.forEach(([code, rname], ri) =>
    DEPARTMENTS.forEach((d, di) =>
      depts.push([code, `${ri + 1}${String(di + 1).padStart(2, '0')}001`, (ri === 0 ? '市' : rname) + d, null, 0]),
    ),
  );
  await duck.run(`
DELETE FROM region; DELETE FROM function_class; DELETE FROM economic_class; DELETE FROM department; DELETE FROM project;
DELETE FROM budget_line; DELETE FROM budget_adjustment; DELETE FROM payment; DELETE FROM debt_position; DELETE FROM fiscal_capacity;
DELETE FROM bond; DELETE FROM debt_repayment;
INSERT INTO region VALUES ${values(REGIONS.map((r) => [...r, 0]))};
INSERT INTO function_class VALUES ${values(fc)};
INSERT INTO economic_class VALUES ${values(ECONOMIC.map(([c, n]) => [c, n, 'department', 2, null, 0]))};
INSERT INTO department VALUES ${values(depts)};
CREATE OR REPLACE TEMP TABLE dept_class AS SELECT * FROM (VALUES ${DEPT_CLASS.map((c, i) => `(${i + 1}, ${c})`).join(', ')}) t(di, ci);
CREATE OR REPLACE TEMP TABLE class_codes AS SELECT * FROM (VALUES ${CLASSES.map(([c, , ks], i) => `(${i}, '${c}', '${ks[0]![0]}', '${ks[1]![0]}')`).join(', ')}) t(ci, c, k1, k2);
-- 10 projects per department; the last two of each department are government-fund projects.
INSERT INTO project
SELECT d.region_code, 'P' || d.code || lpad(CAST(p AS VARCHAR), 2, '0'),
  d.name || ' · ' || (['信息化建设','设施维修改造','专项业务经费','人才培养','设备购置','基础设施建设','民生补助','专项整治','政府投资项目','土地储备'])[p],
  d.code, cc.c || (CASE WHEN p % 2 = 0 THEN cc.k1 ELSE cc.k2 END) || (CASE WHEN p % 3 = 0 THEN '99' ELSE '02' END),
  CASE WHEN p >= 9 THEN 'fund' ELSE 'general' END, 2024, NULL, 0
FROM department d, range(1, 11) r(p), dept_class dc, class_codes cc
WHERE dc.di = CAST(substr(d.code, 2, 2) AS INTEGER) AND cc.ci = dc.ci;
-- Approved lines: one basic line per department (行政运行) and one per project, per year.
CREATE OR REPLACE TEMP TABLE line AS
SELECT row_number() OVER (ORDER BY region_code, year, department_code, project_code NULLS FIRST) - 1 AS line_id, * FROM (
  SELECT d.region_code, y AS year, 'general' AS budget_type, d.code AS department_code, NULL AS project_code,
    cc.c || cc.k1 || '01' AS function_code, '30101' AS economic_code, 'basic' AS expense_kind,
    CAST(round(2000000 + (CAST(hash(d.code, y) % 2147483647 AS BIGINT) % 3000000), -2) AS DECIMAL(18,2)) AS amount
  FROM department d, range(2024, 2027) r(y), dept_class dc, class_codes cc
  WHERE dc.di = CAST(substr(d.code, 2, 2) AS INTEGER) AND cc.ci = dc.ci
  UNION ALL
  SELECT p.region_code, y, p.budget_type, p.department_code, p.code, p.function_code,
    (['30201','30211','30213','30226','30299','31002','31005','31099'])[1 + CAST(hash(p.code) % 2147483647 AS BIGINT) % 8], 'project',
    CAST(round(500000 + (CAST(hash(p.code, y) % 2147483647 AS BIGINT) % 20000000), -2) AS DECIMAL(18,2))
  FROM project p, range(2024, 2027) r(y)
);
INSERT INTO budget_line SELECT region_code, year, 'approved', budget_type, department_code, project_code, function_code, economic_code, expense_kind, amount, 0 FROM line;
-- Final accounts for the closed years: 92–101% of the approved line.
INSERT INTO budget_line SELECT region_code, year, 'final', budget_type, department_code, project_code, function_code, economic_code, expense_kind,
  CAST(amount * (0.92 + (CAST(hash(line_id, 'f') % 2147483647 AS BIGINT) % 90) / 1000.0) AS DECIMAL(18,2)), 0 FROM line WHERE year < 2026;
-- Adjustments on one project line in seven, ±15%.
INSERT INTO budget_adjustment SELECT region_code, year, make_date(year, 6, 15), '临财预〔' || year || '〕' || (line_id % 90 + 1) || '号',
  department_code, project_code, function_code, economic_code,
  CAST(amount * ((CAST(hash(line_id, 'a') % 2147483647 AS BIGINT) % 300) / 1000.0 - 0.15) AS DECIMAL(18,2)), '年中预算调剂', 0
FROM line WHERE project_code IS NOT NULL AND line_id % 7 = 0;
CREATE OR REPLACE TEMP TABLE payee_pool AS
SELECT i AS pi, CASE WHEN i % 5 = 0 THEN (['张','王','李','赵','刘','陈','杨','黄'])[1 + i % 8] || '某' || i
  ELSE '临江市' || (['宏达','华兴','新城','江源','利民','恒信','安泰','金桥','瑞丰','远航'])[1 + i % 10] || (['建设工程','科技','物业管理','医疗器械','办公用品','信息技术','环境工程','交通设施'])[1 + (i // 10) % 8] || '有限公司' || CASE WHEN i >= 80 THEN '（' || i || '）' ELSE '' END END AS payee,
  CASE WHEN i % 5 = 0 THEN 'individual' ELSE 'organisation' END AS payee_kind
FROM range(0, 600) t(i);

`);
  const [n] = await duck.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM line`);
  const lines = n!.n;
  // Payments: each draws a line; a line's execution factor (35–105%) spreads over its share of payments.
  await duck.run(`
CREATE OR REPLACE TEMP TABLE line_factor AS
SELECT l.*, 0.35 + (CAST(hash(line_id, 'x') % 2147483647 AS BIGINT) % 700) / 1000.0 AS factor, CAST(count(*) OVER () AS DOUBLE) AS nlines FROM line l;
INSERT INTO payment
SELECT l.region_code, l.year,
  CASE WHEN l.year = 2026 THEN make_date(2026, 1, 1) + CAST(CAST(hash(i, 'd') % 2147483647 AS BIGINT) % 304 AS INTEGER)
       ELSE make_date(l.year, 1, 1) + CAST(CAST(hash(i, 'd') % 2147483647 AS BIGINT) % 365 AS INTEGER) END,
  'V' || lpad(CAST(i AS VARCHAR), 10, '0'), l.department_code, l.project_code, l.function_code,
  CASE WHEN l.project_code IS NULL THEN (['30101','30102'])[1 + i % 2] ELSE l.economic_code END, l.budget_type,
  pp.payee, pp.payee_kind,
  CAST(greatest(0.01, l.amount * l.factor * (CASE WHEN l.year = 2026 THEN 0.85 ELSE 1 END) * (0.5 + (CAST(hash(i, 'm') % 2147483647 AS BIGINT) % 1000) / 1000.0)
    / (${opts.payments} / l.nlines)) AS DECIMAL(18,2)),
  0
FROM range(0, ${opts.payments}) t(i)
JOIN line_factor l ON l.line_id = CAST(hash(i) % 2147483647 AS BIGINT) % ${lines}
JOIN payee_pool pp ON pp.pi = CAST(hash(i, 'p') % 2147483647 AS BIGINT) % 600
ORDER BY l.year, l.department_code;
INSERT INTO debt_position SELECT r.code, y, t, CAST(lim AS DECIMAL(18,2)), CAST(lim * (0.82 + (CAST(hash(r.code, y, t) % 2147483647 AS BIGINT) % 170) / 1000.0) AS DECIMAL(18,2)), 0
FROM region r, range(2024, 2027) ry(y), (VALUES ('general'), ('special')) tt(t),
  LATERAL (SELECT (CASE WHEN r.parent_code IS NULL THEN 12e9 ELSE 2e9 + (CAST(hash(r.code) % 2147483647 AS BIGINT) % 3000) * 1e6 END) * (CASE WHEN t = 'special' THEN 1.6 ELSE 1 END) * (1 + (y - 2024) * 0.08) AS lim);
INSERT INTO fiscal_capacity SELECT r.code, y, c, CAST((CASE WHEN r.parent_code IS NULL THEN 9e9 ELSE 1.2e9 + (CAST(hash(r.code) % 2147483647 AS BIGINT) % 2500) * 1e6 END) * w AS DECIMAL(18,2)), 0
FROM region r, range(2024, 2027) ry(y),
  (VALUES ('general_revenue', 1.0), ('transfer_revenue', 0.45), ('fund_revenue', 0.6), ('capital_revenue', 0.05), ('general_expenditure', 1.5), ('fund_expenditure', 0.55)) cw(c, w);
INSERT INTO bond SELECT r.code, 'B' || r.code || lpad(CAST(k AS VARCHAR), 3, '0'),
  year(d) || '年' || r.name || (CASE WHEN k % 3 = 0 THEN '一般债券' ELSE '专项债券' END) || '（' || (k % 6 + 1) || '期）',
  CASE WHEN k % 3 = 0 THEN 'general' ELSE 'special' END, CASE WHEN k % 4 = 0 THEN 'refinancing' ELSE 'new' END,
  CAST(round(2e8 + (CAST(hash(r.code, k) % 2147483647 AS BIGINT) % 1500) * 1e6, -6) AS DECIMAL(18,2)), CAST(2.1 + (CAST(hash(k, r.code) % 2147483647 AS BIGINT) % 120) / 100.0 AS DECIMAL(9,4)), term,
  d, d + INTERVAL (term) YEAR, 0
FROM region r, range(1, 9) rk(k),
  LATERAL (SELECT make_date(2019 + k % 8, 1 + CAST(hash(r.code, k, 'm') % 2147483647 AS BIGINT) % 12, 15) AS d, ([3, 5, 7, 10, 15, 20, 30])[1 + CAST(hash(r.code, k, 't') % 2147483647 AS BIGINT) % 7] AS term);
INSERT INTO debt_repayment SELECT b.region_code, b.code, 'scheduled', CAST(b.issued_on + INTERVAL (n) YEAR AS DATE),
  CASE WHEN n = b.term_years THEN b.amount ELSE 0 END, CAST(b.amount * b.coupon_rate / 100 AS DECIMAL(18,2)), 0
FROM bond b, range(1, 31) rn(n) WHERE n <= b.term_years;
`);
}
