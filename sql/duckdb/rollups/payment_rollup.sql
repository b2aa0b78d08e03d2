-- Payments summed by every dashboard dimension except the payee (DuckDB only; derived, never
-- edited). ~1e8 payments become a few million rows, so the budget pages' group-bys read this
-- instead of the payment table (STACK.md: rollups bring 1e8-row pages under 100 ms). Queries that
-- cut or group by payee, and the payment list itself, still read `payment`.
-- Rebuilt by server/analytics/rollups.ts whenever the payment table changed (row count or the
-- newest batch differ from what the rollup was built from) or this definition changed. Sorted like the payments for zone maps.
CREATE OR REPLACE TABLE payment_rollup AS
SELECT
  region_code,
  year,
  CAST(month(paid_on) AS INTEGER) AS month,
  budget_type,
  department_code,
  project_code,
  function_code,
  economic_code,
  -- A group's total fits DECIMAL(18,2) (10^16 yuan); int64-backed decimals sum faster than the
  -- 128-bit DECIMAL(38,2) that sum() returns.
  CAST(sum(amount) AS DECIMAL(18,2)) AS amount,
  count(*) AS n,
  max(paid_on) AS last_paid_on
FROM payment
GROUP BY ALL
ORDER BY year, department_code;
