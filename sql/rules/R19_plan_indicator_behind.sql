-- R19 计划指标进度滞后 Plan indicator behind its pro-rata target. For every reported period (a row
-- with an actual value) of a plan indicator:
--   expected = the period's own target when it has one, else the year's target × the share of
--              the year the period covers (month ÷ 12, quarter ÷ 4; a whole year: 1);
--   behind   = actual < expected × (1 − $tolerance_pct) for "higher is better",
--              actual > expected × (1 + $tolerance_pct) for "lower is better".
-- Measured value: actual ÷ expected.
-- Parameters: $tolerance_pct.
WITH rows AS (
  SELECT p.*, CAST(substr(p.period, 1, 4) AS INTEGER) AS year,
         CASE WHEN length(p.period) = 4 THEN 12
              WHEN p.period LIKE '%-Q%' THEN 3 * CAST(substr(p.period, 7, 1) AS INTEGER)
              ELSE CAST(substr(p.period, 6, 2) AS INTEGER) END AS months_covered
  FROM plan_indicator p
  WHERE p.actual_value IS NOT NULL
), latest AS (
  SELECT * FROM rows
), expected AS (
  SELECT l.*, y.target_value AS year_target,
         CASE WHEN l.target_value IS NOT NULL THEN CAST(l.target_value AS DECIMAL(38, 6))
              ELSE CAST(y.target_value * l.months_covered / 12 AS DECIMAL(38, 6)) END AS expected_value
  FROM latest l
  LEFT JOIN plan_indicator y
    ON y.region_code = l.region_code AND y.plan = l.plan AND y.indicator_code = l.indicator_code AND y.period = CAST(l.year AS VARCHAR)
)
SELECT e.region_code,
       'indicator' AS subject_type,
       e.indicator_code AS subject_id,
       e.name AS subject_name,
       e.period AS period,
       CAST(e.actual_value AS DECIMAL(38, 4)) AS num,
       CAST(e.expected_value AS DECIMAL(38, 6)) AS den,
       'yellow' AS band,
       $tolerance_pct AS threshold,
       CAST(json_object('period', e.period, 'direction', e.direction, 'unit', e.unit, 'actual', e.actual_value::VARCHAR,
                        'expected', e.expected_value::VARCHAR, 'period_target', e.target_value::VARCHAR,
                        'year_target', e.year_target::VARCHAR, 'months_covered', e.months_covered) AS VARCHAR) AS evidence
FROM expected e
WHERE e.expected_value IS NOT NULL AND e.expected_value > 0
  AND ((e.direction = 'higher_better' AND e.actual_value * 100 < e.expected_value * (100 - $tolerance_pct::DECIMAL(9, 2)))
    OR (e.direction = 'lower_better' AND e.actual_value * 100 > e.expected_value * (100 + $tolerance_pct::DECIMAL(9, 2))));
