/**
 * A small hand-built dataset for the dashboard's API tests: a city (990100) and one district
 * (990102), two departments, two function classes, 2025 and 2026. Figures are chosen so that
 * the expected totals can be worked out by hand (see the comments).
 */
import type { Duck } from '../server/core/duck.ts';

export async function seedAnalytics(duck: Duck): Promise<void> {
  await duck.run(`
INSERT INTO region VALUES ('990100', '临江市', NULL, 'city', 1), ('990102', '江北区', '990100', 'district', 1);
INSERT INTO function_class VALUES
  ('201', '一般公共服务支出', 1, NULL, 1), ('20101', '人大事务', 2, '201', 1), ('2010101', '行政运行', 3, '20101', 1),
  ('205', '教育支出', 1, NULL, 1), ('20502', '普通教育', 2, '205', 1), ('2050201', '学前教育', 3, '20502', 1);
INSERT INTO economic_class VALUES ('30201', '办公费', 'department', 2, NULL, 1), ('31002', '办公设备购置', 'department', 2, NULL, 1);
INSERT INTO department VALUES ('990100', '101001', '市人大办公室', NULL, 1), ('990100', '105001', '市教育局', NULL, 1), ('990102', '205001', '江北区教育局', NULL, 1);
INSERT INTO project VALUES ('990100', 'P1', '幼儿园建设', '105001', '2050201', 'general', 2026, NULL, 1);
-- approved 2026: city 1000 + 2000(P1) + fund 500; district 300. final 2025 only.
INSERT INTO budget_line VALUES
  ('990100', 2026, 'approved', 'general', '101001', NULL, '2010101', '30201', 'basic', 1000.00, 1),
  ('990100', 2026, 'approved', 'general', '105001', 'P1', '2050201', '31002', 'project', 2000.00, 1),
  ('990100', 2026, 'approved', 'fund', '105001', NULL, '2050201', '31002', 'project', 500.00, 1),
  ('990102', 2026, 'approved', 'general', '205001', NULL, '2050201', '30201', 'basic', 300.00, 1),
  ('990100', 2025, 'approved', 'general', '101001', NULL, '2010101', '30201', 'basic', 900.00, 1),
  ('990100', 2025, 'final', 'general', '101001', NULL, '2010101', '30201', 'basic', 880.10, 1);
-- adjustments 2026: P1 +500 (general, via project), 101001 −100.
INSERT INTO budget_adjustment VALUES
  ('990100', 2026, '2026-05-01', '临财〔2026〕1号', '105001', 'P1', '2050201', '31002', 500.00, NULL, 1),
  ('990100', 2026, '2026-05-02', '临财〔2026〕2号', '101001', NULL, '2010101', '30201', -100.00, NULL, 1);
-- payments 2026 up to 2026-06-30: 101001 pays 450.10 (0.10 + 450.00), P1 pays 1250.25, district 100.
INSERT INTO payment VALUES
  ('990100', 2026, '2026-01-15', 'V1', '101001', NULL, '2010101', '30201', 'general', '某文具公司', 'organisation', 0.10, 1),
  ('990100', 2026, '2026-03-10', 'V2', '101001', NULL, '2010101', '30201', 'general', '某文具公司', 'organisation', 450.00, 1),
  ('990100', 2026, '2026-06-30', 'V3', '105001', 'P1', '2050201', '31002', 'general', '=HYPERLINK("x")', 'organisation', 1250.25, 1),
  ('990102', 2026, '2026-02-01', 'V4', '205001', NULL, '2050201', '30201', 'general', '张三', 'individual', 100.00, 1),
  ('990100', 2025, '2025-12-31', 'V0', '101001', NULL, '2010101', '30201', 'general', '某文具公司', 'organisation', 870.00, 1);
INSERT INTO debt_position VALUES
  ('990100', 2026, 'general', 1000.00, 800.00, 1), ('990100', 2026, 'special', 2000.00, 1900.00, 1),
  ('990102', 2026, 'general', 100.00, 99.00, 1);
INSERT INTO fiscal_capacity VALUES ('990100', 2026, 'general_revenue', 1000.00, 1), ('990100', 2026, 'transfer_revenue', 500.00, 1),
  ('990102', 2026, 'general_revenue', 33.00, 1);
INSERT INTO bond VALUES ('990100', 'B1', '2026年临江市专项债券（一期）', 'special', 'new', 1900.00, 2.5000, 10, '2026-03-01', '2036-03-01', 1);
INSERT INTO debt_repayment VALUES ('990100', 'B1', 'scheduled', '2027-03-01', 0.00, 47.50, 1), ('990100', 'B1', 'scheduled', '2036-03-01', 1900.00, 47.50, 1);
`);
}
