-- R5 "三公"经费超预算或明细不符 Official overseas trips, vehicles and reception (三公经费):
--  * over budget: a department's final accounts (决算, budget_line phase final) on the 三公
--    economic items — 30212 因公出国（境）费, 30217 公务接待费, 30231 公务用车运行维护费,
--    31013 公务用车购置 — of the general public budget above the approved budget, in total or on
--    any one item (closed years). Subject: the department. Value: overspend ÷ budget.
--  * parts not adding up, in the published table 7 (disclosure_line): total ≠ overseas + vehicle
--    subtotal + reception, or vehicle subtotal ≠ purchase + operation. Subject: the department's
--    table (dept/year/phase/7). Value: the larger |difference| in 元 (a wrong vehicle subtotal
--    breaks both sums by the same amount).
-- Rows carry their own unit (percent, or yuan for the table check).
-- Parameters: $min_over_pct (overspend share below which nothing is flagged; 0 = any overspend).
WITH items AS (
  SELECT region_code, year, department_code, economic_code,
         SUM(CASE WHEN phase = 'approved' THEN amount ELSE 0 END) AS budget,
         SUM(CASE WHEN phase = 'final' THEN amount ELSE 0 END) AS spent,
         COUNT(CASE WHEN phase = 'final' THEN 1 END) AS final_lines
  FROM budget_line
  WHERE budget_type = 'general' AND economic_code IN ('30212', '30217', '30231', '31013') AND phase IN ('approved', 'final')
  GROUP BY ALL
), totals AS (
  SELECT region_code, year, department_code, SUM(budget) AS budget, SUM(spent) AS spent,
         bool_or(spent > budget) AS item_over, SUM(final_lines) AS final_lines,
         to_json(list({'economic_code': economic_code, 'budget': budget::VARCHAR, 'spent': spent::VARCHAR} ORDER BY economic_code)) AS by_item
  FROM items
  GROUP BY ALL
), t7 AS (
  SELECT region_code, year, phase, department_code,
         SUM(CASE WHEN measure = 'total' THEN amount ELSE 0 END) AS total,
         SUM(CASE WHEN measure IN ('overseas', 'vehicle_total', 'reception') THEN amount ELSE 0 END) AS parts,
         SUM(CASE WHEN measure = 'vehicle_total' THEN amount ELSE 0 END) AS vehicle_total,
         SUM(CASE WHEN measure IN ('vehicle_purchase', 'vehicle_operation') THEN amount ELSE 0 END) AS vehicle_parts
  FROM disclosure_line
  WHERE table_no = 7
  GROUP BY ALL
)
SELECT t.region_code,
       'department' AS subject_type,
       t.department_code AS subject_id,
       COALESCE(d.name, t.department_code) AS subject_name,
       CAST(t.year AS VARCHAR) AS period,
       CAST(t.spent - t.budget AS DECIMAL(38, 2)) AS num,
       CAST(t.budget AS DECIMAL(38, 2)) AS den,
       'orange' AS band,
       $min_over_pct AS threshold,
       'percent' AS unit,
       CAST(json_object('measure', 'over_budget', 'year', t.year, 'budget', t.budget::VARCHAR, 'spent', t.spent::VARCHAR,
                        'items', t.by_item) AS VARCHAR) AS evidence
FROM totals t
LEFT JOIN department d ON d.region_code = t.region_code AND d.code = t.department_code
WHERE t.final_lines > 0 AND t.budget > 0
  AND ((t.spent - t.budget) * 100 > $min_over_pct::DECIMAL(9, 2) * t.budget OR t.item_over)
UNION ALL
SELECT s.region_code,
       'disclosure_table',
       s.department_code || '/' || CAST(s.year AS VARCHAR) || '/' || s.phase || '/7',
       COALESCE(d.name, s.department_code) || ' 表7 “三公”经费',
       CAST(s.year AS VARCHAR),
       CAST(greatest(abs(s.total - s.parts), abs(s.vehicle_total - s.vehicle_parts)) AS DECIMAL(38, 2)),
       CAST(1 AS DECIMAL(38, 2)),
       'orange',
       '0',
       'yuan',
       CAST(json_object('measure', 'parts', 'year', s.year, 'phase', s.phase, 'total', s.total::VARCHAR, 'parts', s.parts::VARCHAR,
                        'vehicle_total', s.vehicle_total::VARCHAR, 'vehicle_parts', s.vehicle_parts::VARCHAR) AS VARCHAR)
FROM t7 s
LEFT JOIN department d ON d.region_code = s.region_code AND d.code = s.department_code
WHERE s.total <> s.parts OR s.vehicle_total <> s.vehicle_parts;
