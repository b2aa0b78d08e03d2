-- R15 屡审屡犯 Recurring audit finding — the candidate pairs. For every two findings of the same
-- audited unit (the resolved department when there is one, else the unit's name as written), the
-- earlier in an earlier audit year:
--  * same_category: the same problem category;
--  * in_window: both within the last $window_years audit years of the region;
--  * earlier_rectified_on: the date the earlier finding was reported rectified, if it was.
-- The service (server/warnings/recurring.service.ts) keeps a pair when the category is the same
-- or the wording is similar (jieba words, similarity ≥ $similarity), then flags the later finding
-- when its chain covers ≥ $min_years of the last $window_years years, or when an earlier finding
-- of the chain had been closed as rectified (an item that appears again).
-- Parameters: $window_years.
WITH latest AS (
  SELECT region_code, MAX(audit_year) AS last_year FROM audit_finding GROUP BY region_code
), findings AS (
  SELECT f.region_code, f.finding_code, f.audit_year, f.audited_unit, f.category, f.description,
         COALESCE(f.department_code, f.audited_unit) AS unit_key, f.rectified_on, f.latest_status,
         f.audit_year > l.last_year - $window_years::INTEGER AS in_window, l.last_year
  FROM v_audit_finding_status f JOIN latest l ON l.region_code = f.region_code
)
SELECT later.region_code,
       later.finding_code AS later_code, later.audit_year AS later_year, later.audited_unit AS later_unit,
       later.category AS later_category, later.description AS later_description,
       earlier.finding_code AS earlier_code, earlier.audit_year AS earlier_year, earlier.category AS earlier_category,
       earlier.description AS earlier_description, earlier.rectified_on AS earlier_rectified_on,
       earlier.latest_status AS earlier_status,
       later.category = earlier.category AS same_category,
       later.in_window AND earlier.in_window AS in_window,
       later.last_year
FROM findings later
JOIN findings earlier
  ON earlier.region_code = later.region_code
 AND earlier.unit_key = later.unit_key
 AND earlier.audit_year < later.audit_year
WHERE later.in_window AND (earlier.in_window OR earlier.rectified_on IS NOT NULL)
ORDER BY later.region_code, later.finding_code, earlier.audit_year;
