/** Test helper: insert rows straight into DuckDB tables (missing batch_id = 1). */
import type { Duck } from '../core/duck.ts';

export async function seedDuck(duck: Duck, table: string, rows: Record<string, string | number | null>[]): Promise<void> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table ${table}`);
  for (const row of rows) {
    const r: Record<string, string | number | null> =
      table === 'load_batch' || table === 'budget_type' ? { ...row } : { batch_id: 1, ...row };
    const cols = Object.keys(r);
    if (cols.some((c) => !/^[a-z_]+$/.test(c))) throw new Error('bad column');
    await duck.run(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      cols.map((c) => r[c] ?? null),
    );
  }
}

export const CITY = '110000';
export const DISTRICT = '110101';

/**
 * A small hand-computed city for the rule tests: every figure below is chosen so the expected
 * value can be worked out on paper (see warnings rules.test.ts for the arithmetic).
 */
export async function seedSmallCity(duck: Duck): Promise<void> {
  await seedDuck(duck, 'load_batch', [
    {
      id: 1,
      kind: 'test',
      source_key: 'hand',
      source_name: 'hand-made.csv',
      source_hash: 'x',
      source_bytes: 1,
      region_code: null,
      status: 'published',
      replaces: null,
      row_count: 1,
      rejected_count: 0,
      report: '{}',
      loaded_at: '2025-11-01 00:00:00+00',
    },
  ]);
  await seedDuck(duck, 'region', [
    { code: CITY, name: '临江市', parent_code: null, level: 'city' },
    { code: DISTRICT, name: '临江市东城区', parent_code: CITY, level: 'district' },
  ]);
  await seedDuck(duck, 'department', [{ region_code: CITY, code: 'D1', name: '临江市教育局', parent_code: null }]);
  await seedDuck(duck, 'project', [
    {
      region_code: CITY,
      code: 'P1',
      name: '校舍改造',
      department_code: 'D1',
      function_code: '2050201',
      budget_type: 'general',
      start_year: 2022,
      end_year: null,
    },
    {
      region_code: CITY,
      code: 'P2',
      name: '教师培训',
      department_code: 'D1',
      function_code: '2050201',
      budget_type: 'general',
      start_year: 2025,
      end_year: null,
    },
  ]);
  const line = (year: number, project: string | null, kind: string, economic: string, amount: string) => ({
    region_code: CITY,
    year,
    phase: 'approved',
    budget_type: 'general',
    department_code: 'D1',
    project_code: project,
    function_code: '2050201',
    economic_code: economic,
    expense_kind: kind,
    amount,
  });
  await seedDuck(duck, 'budget_line', [
    line(2025, null, 'basic', '30101', '1000.00'),
    line(2025, 'P1', 'project', '30299', '500.00'),
    line(2025, 'P2', 'project', '31002', '100.00'),
    line(2024, null, 'basic', '30101', '1000.00'),
    line(2024, 'P1', 'project', '30201', '100.00'),
    line(2023, 'P1', 'project', '30201', '100.00'),
    line(2022, 'P1', 'project', '30201', '100.00'),
    // 三公 (R5): budget 20 + 30, final accounts 25 + 28.
    line(2024, null, 'basic', '30217', '20.00'),
    line(2024, null, 'basic', '30231', '30.00'),
    { ...line(2024, null, 'basic', '30217', '25.00'), phase: 'final' },
    { ...line(2024, null, 'basic', '30231', '28.00'), phase: 'final' },
  ]);
  const adj = (project: string, amount: string) => ({
    region_code: CITY,
    year: 2025,
    adjusted_on: '2025-06-01',
    doc_no: `调-${project}`,
    department_code: 'D1',
    project_code: project,
    function_code: '2050201',
    economic_code: null,
    amount,
    reason: null,
  });
  await seedDuck(duck, 'budget_adjustment', [adj('P1', '100.00'), adj('P2', '-30.00')]);
  let v = 0;
  const pay = (paidOn: string, project: string | null, amount: string) => ({
    region_code: CITY,
    year: Number(paidOn.slice(0, 4)),
    paid_on: paidOn,
    voucher_no: `V${++v}`,
    department_code: 'D1',
    project_code: project,
    function_code: '2050201',
    economic_code: '30101',
    budget_type: 'general',
    payee: '某公司',
    payee_kind: 'organisation',
    amount,
  });
  await seedDuck(duck, 'payment', [
    pay('2025-03-10', null, '400.00'),
    pay('2025-10-31', null, '300.00'),
    pay('2025-05-05', 'P1', '60.00'),
    pay('2024-01-15', null, '200.00'),
    pay('2024-11-20', null, '150.00'),
    pay('2024-12-20', null, '350.00'),
    pay('2024-06-01', 'P1', '30.00'),
    pay('2023-06-01', 'P1', '20.00'),
    pay('2022-06-01', 'P1', '10.00'),
  ]);
  const dl = (year: number, phase: string, table: number, lineCode: string, measure: string, amount: string) => ({
    region_code: CITY,
    year,
    phase,
    department_code: 'D1',
    table_no: table,
    line_code: lineCode,
    line_name: lineCode,
    measure,
    amount,
  });
  await seedDuck(duck, 'disclosure_line', [
    dl(2024, 'final', 1, 'income_fiscal_general', 'amount', '1000.00'),
    dl(2024, 'final', 1, 'carryover_begin', 'amount', '100.00'),
    dl(2024, 'final', 1, 'expenditure_basic', 'amount', '600.00'),
    dl(2024, 'final', 1, 'expenditure_project', 'amount', '200.00'),
    dl(2024, 'final', 1, 'carryover_end', 'amount', '300.00'),
    dl(2024, 'approved', 3, '2050201', 'total', '500.00'),
    dl(2024, 'approved', 3, '2050201', 'basic', '300.00'),
    dl(2024, 'approved', 3, '2050201', 'project', '150.00'),
    dl(2024, 'approved', 7, 'sangong', 'total', '100.00'),
    dl(2024, 'approved', 7, 'sangong', 'overseas', '30.00'),
    dl(2024, 'approved', 7, 'sangong', 'vehicle_total', '40.00'),
    dl(2024, 'approved', 7, 'sangong', 'vehicle_purchase', '0.00'),
    dl(2024, 'approved', 7, 'sangong', 'vehicle_operation', '40.00'),
    dl(2024, 'approved', 7, 'sangong', 'reception', '30.00'),
    dl(2024, 'final', 7, 'sangong', 'total', '120.00'),
    dl(2024, 'final', 7, 'sangong', 'overseas', '20.00'),
    dl(2024, 'final', 7, 'sangong', 'vehicle_total', '50.00'),
    dl(2024, 'final', 7, 'sangong', 'vehicle_purchase', '10.00'),
    dl(2024, 'final', 7, 'sangong', 'vehicle_operation', '40.00'),
    dl(2024, 'final', 7, 'sangong', 'reception', '40.00'),
  ]);
  // Debt: city 150 balance on 100 capacity (150 % yellow); district over its limits.
  await seedDuck(duck, 'debt_position', [
    { region_code: CITY, year: 2025, debt_type: 'general', limit_amount: '200.00', balance_amount: '100.00' },
    { region_code: CITY, year: 2025, debt_type: 'special', limit_amount: '100.00', balance_amount: '50.00' },
    { region_code: DISTRICT, year: 2025, debt_type: 'general', limit_amount: '100.00', balance_amount: '95.00' },
    { region_code: DISTRICT, year: 2025, debt_type: 'special', limit_amount: '50.00', balance_amount: '60.00' },
  ]);
  const fc = (region: string, year: number, component: string, amount: string) => ({ region_code: region, year, component, amount });
  await seedDuck(duck, 'fiscal_capacity', [
    fc(CITY, 2025, 'general_revenue', '60.00'),
    fc(CITY, 2025, 'transfer_revenue', '20.00'),
    fc(CITY, 2025, 'fund_revenue', '15.00'),
    fc(CITY, 2025, 'capital_revenue', '5.00'),
    fc(CITY, 2025, 'general_expenditure', '80.00'),
    fc(CITY, 2025, 'fund_expenditure', '20.00'),
    fc(CITY, 2024, 'general_revenue', '75.00'),
    fc(DISTRICT, 2025, 'general_revenue', '1000.00'),
  ]);
  const bond = (code: string, type: string, purpose: string, amount: string, issued: string) => ({
    region_code: CITY,
    code,
    name: `债券${code}`,
    debt_type: type,
    purpose,
    amount,
    coupon_rate: '3.0000',
    term_years: 10,
    issued_on: issued,
    matures_on: '2035-01-01',
  });
  await seedDuck(duck, 'bond', [
    bond('B1', 'general', 'new', '100.00', '2020-01-01'),
    bond('B2', 'special', 'refinancing', '100.00', '2020-01-01'),
    bond('B3', 'special', 'new', '1000.00', '2025-01-15'),
    bond('B4', 'special', 'new', '500.00', '2024-06-01'),
  ]);
  await seedDuck(duck, 'bond_spending', [
    { region_code: CITY, bond_code: 'B3', project_code: 'P1', spent_on: '2025-09-01', amount: '100.00' },
  ]);
  await seedDuck(duck, 'debt_repayment', [
    { region_code: CITY, bond_code: 'B1', kind: 'scheduled', due_on: '2025-06-30', principal: '12.00', interest: '2.00' },
    { region_code: CITY, bond_code: 'B2', kind: 'scheduled', due_on: '2025-06-30', principal: '0.00', interest: '3.00' },
  ]);
  await seedDuck(duck, 'overdue_debt', [
    { region_code: CITY, year: 2025, debt_type: 'general', creditor: '某银行', amount: '30.00', overdue_since: '2025-01-01' },
  ]);
  const finding = (
    code: string,
    year: number,
    unit: string,
    dept: string | null,
    category: string,
    description: string,
    deadline: string | null,
  ) => ({
    region_code: CITY,
    finding_code: code,
    audit_year: year,
    report_code: `AR${year}`,
    report_title: `${year}年审计工作报告`,
    audited_unit: unit,
    department_code: dept,
    category,
    description,
    amount: '10.00',
    rectification_type: 'staged',
    deadline,
  });
  await seedDuck(duck, 'audit_finding', [
    finding('F0', 2023, '临江市教育局', 'D1', '违规发放津补贴', '教育局违规发放津补贴12万元', '2024-06-30'),
    finding('F3', 2025, '临江市教育局', 'D1', '违规发放津补贴', '教育局仍违规发放津补贴8万元', null),
    finding('F1', 2024, '临江市水务局', null, '项目管理', '水务局项目未按期完工', '2025-06-30'),
    finding('F2', 2024, '临江市交通局', null, '资金管理', '交通局资金闲置', '2025-03-01'),
    finding('F5', 2021, '临江市卫健委', null, '资产管理', '卫健委出租房屋收入未及时上缴财政', '2021-12-31'),
    finding('F4', 2025, '临江市卫健委', null, '非税收入', '卫健委房屋出租收入未及时上缴财政', null),
  ]);
  const upd = (code: string, on: string, status: string) => ({
    region_code: CITY,
    finding_code: code,
    updated_on: on,
    status,
    amount_rectified: null,
    measures: null,
    rules_issued: null,
  });
  await seedDuck(duck, 'rectification_update', [
    upd('F0', '2024-06-01', 'rectified'),
    upd('F1', '2025-01-01', 'in_progress'),
    upd('F2', '2025-02-01', 'rectified'),
    upd('F5', '2021-12-01', 'rectified'),
  ]);
  const ent = (code: string, kind: string, year: number, assets: string, liabilities: string, profit: string) => ({
    region_code: CITY,
    year,
    enterprise_code: code,
    name: `企业${code}`,
    kind,
    supervisor: null,
    total_assets: assets,
    total_liabilities: liabilities,
    owners_equity: '0.00',
    revenue: '0.00',
    profit,
    state_capital_begin: '0.00',
    state_capital_end: '0.00',
  });
  await seedDuck(duck, 'enterprise_financials', [
    ent('E1', 'enterprise', 2025, '100.00', '75.00', '1.00'),
    ent('E2', 'enterprise', 2024, '100.00', '50.00', '-5.00'),
    ent('E2', 'enterprise', 2025, '100.00', '50.00', '-3.00'),
    ent('E3', 'financial', 2025, '100.00', '90.00', '1.00'),
  ]);
  const card = (no: string, status: string, value: string) => ({
    region_code: CITY,
    year: 2025,
    card_no: no,
    department_code: 'D1',
    category: 'building',
    name: `资产${no}`,
    acquired_on: null,
    original_value: value,
    net_value: value,
    status,
    quantity: null,
  });
  await seedDuck(duck, 'asset_card', [card('A1', 'idle', '30.00'), card('A2', 'in_use', '170.00'), card('A3', 'disposed', '100.00')]);
  const ind = (code: string, period: string, target: string | null, actual: string | null, direction: string) => ({
    region_code: CITY,
    plan: 'annual',
    indicator_code: code,
    name: code === 'GDP' ? '地区生产总值' : '单位GDP能耗',
    unit: '亿元',
    period,
    target_value: target,
    actual_value: actual,
    direction,
  });
  await seedDuck(duck, 'plan_indicator', [
    ind('GDP', '2025', '1000.0000', null, 'higher_better'),
    ind('GDP', '2025-09', null, '600.0000', 'higher_better'),
    ind('ENERGY', '2025-Q3', '75.0000', '70.0000', 'lower_better'),
  ]);
}
