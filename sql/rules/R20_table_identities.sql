-- R20 公开表勾稽关系 Table identities broken, in the published department tables (disclosure_line
-- holds the detail rows):
--  * table 1 收支总表: income items + 上年结转结余 = expenditure items + 年末结转结余;
--  * table 2 收入总表: per function code, 合计 = the sum of the sources;
--  * table 3/5/8/9 (支出 by function code): per code, 合计 = 基本支出 + 项目支出;
--  * table 4 财政拨款收支总表: appropriations received = appropriations spent;
--  * table 6 基本支出表: per economic code, 合计 = 人员经费 + 公用经费.
--  * 合计/小计 and 类/款 rows = the sum of their rows: subtotal rows are not stored as data; the ETL
--    checks them on load and keeps each mismatch in the batch's load report (load_batch.report).
-- (Table 7 "三公" parts are checked by R5.)
-- One warning per department table; value: the largest |left − right| among its broken lines, 元
-- (a wrong detail row also breaks the subtotals above it by the same amount; all are in the evidence).
-- Parameters: $tolerance (allowed difference per line, 元).
WITH lines AS (
  SELECT region_code, year, phase, department_code, 1 AS table_no, 'balance' AS line_code,
         SUM(CASE WHEN line_code LIKE 'income\_%' ESCAPE '\' OR line_code = 'carryover_begin' THEN amount ELSE 0 END) AS lhs,
         SUM(CASE WHEN line_code LIKE 'expenditure\_%' ESCAPE '\' OR line_code = 'carryover_end' THEN amount ELSE 0 END) AS rhs
  FROM disclosure_line WHERE table_no = 1
  GROUP BY region_code, year, phase, department_code
  UNION ALL
  SELECT region_code, year, phase, department_code, 4, 'balance',
         SUM(CASE WHEN line_code LIKE 'fiscal\_%' ESCAPE '\' THEN amount ELSE 0 END),
         SUM(CASE WHEN line_code LIKE 'expenditure\_%' ESCAPE '\' THEN amount ELSE 0 END)
  FROM disclosure_line WHERE table_no = 4
  GROUP BY region_code, year, phase, department_code
  UNION ALL
  SELECT region_code, year, phase, department_code, table_no, line_code,
         SUM(CASE WHEN measure = 'total' THEN amount ELSE 0 END),
         SUM(CASE WHEN table_no = 2 AND measure <> 'total' THEN amount
                  WHEN table_no IN (3, 5, 8, 9) AND measure IN ('basic', 'project') THEN amount
                  WHEN table_no = 6 AND measure IN ('personnel', 'operating') THEN amount
                  ELSE 0 END)
  FROM disclosure_line WHERE table_no IN (2, 3, 5, 6, 8, 9)
  GROUP BY region_code, year, phase, department_code, table_no, line_code
  UNION ALL
  SELECT f ->> '$.table.region_code', CAST(f ->> '$.table.year' AS INTEGER), f ->> '$.table.phase',
         f ->> '$.table.department_code', CAST(f ->> '$.table.table_no' AS INTEGER),
         'row ' || (f ->> '$.row') || ' ' || (f ->> '$.label') || ' / ' || (f ->> '$.column'),
         CAST(f ->> '$.stated' AS DECIMAL(18, 2)), CAST(f ->> '$.computed' AS DECIMAL(18, 2))
  FROM (SELECT unnest(json_extract(report, '$.subtotal_findings[*]')) AS f
        FROM load_batch WHERE kind = 'budget_disclosure' AND status = 'published') AS s
  WHERE f ->> '$.table.department_code' IS NOT NULL AND CAST(f ->> '$.table.table_no' AS INTEGER) <> 7
), broken AS (
  SELECT region_code, year, phase, department_code, table_no,
         MAX(abs(lhs - rhs)) AS difference,
         to_json(list({'line_code': line_code, 'left': lhs::VARCHAR, 'right': rhs::VARCHAR} ORDER BY line_code)) AS lines
  FROM lines
  WHERE abs(lhs - rhs) > $tolerance::DECIMAL(18, 2)
  GROUP BY ALL
)
SELECT b.region_code,
       'disclosure_table' AS subject_type,
       b.department_code || '/' || CAST(b.year AS VARCHAR) || '/' || b.phase || '/' || CAST(b.table_no AS VARCHAR) AS subject_id,
       COALESCE(d.name, b.department_code) || ' ' || CAST(b.year AS VARCHAR) || (CASE b.phase WHEN 'final' THEN '决算' ELSE '预算' END) || '表' || CAST(b.table_no AS VARCHAR) AS subject_name,
       CAST(b.year AS VARCHAR) AS period,
       CAST(b.difference AS DECIMAL(38, 2)) AS num,
       CAST(1 AS DECIMAL(38, 2)) AS den,
       'orange' AS band,
       $tolerance AS threshold,
       CAST(json_object('year', b.year, 'phase', b.phase, 'department_code', b.department_code, 'table_no', b.table_no,
                        'lines', b.lines) AS VARCHAR) AS evidence
FROM broken b
LEFT JOIN department d ON d.region_code = b.region_code AND d.code = b.department_code;
