-- R16 整改逾期 Rectification overdue: an audit finding past its rectification deadline (整改期限)
-- whose latest rectification update on or before that date is not "rectified", as of the "as of" date. Measured value:
-- days past the deadline; red after $red_days.
-- Parameters: $as_of (NULL = the end of the latest month of loaded payments, else today), $red_days.
WITH progress AS (
  SELECT r.code AS region_code, COALESCE($as_of::DATE, (SELECT last_day(MAX(paid_on)) FROM payment), current_date) AS as_of
  FROM region r
), latest AS (
  -- The status as known on the as-of date: the latest update on or before it.
  SELECT u.region_code, u.finding_code, arg_max(u.status, u.updated_on) AS status, MAX(u.updated_on) AS updated_on
  FROM rectification_update u JOIN progress p ON p.region_code = u.region_code AND u.updated_on <= p.as_of
  GROUP BY ALL
)
SELECT f.region_code,
       'audit_finding' AS subject_type,
       f.finding_code AS subject_id,
       f.audited_unit || '：' || f.category AS subject_name,
       CAST(f.audit_year AS VARCHAR) AS period,
       CAST(p.as_of - f.deadline AS DECIMAL(38, 2)) AS num,
       CAST(1 AS DECIMAL(38, 2)) AS den,
       CASE WHEN p.as_of - f.deadline > $red_days::INTEGER THEN 'red' ELSE 'orange' END AS band,
       CASE WHEN p.as_of - f.deadline > $red_days::INTEGER THEN $red_days ELSE '0' END AS threshold,
       CAST(json_object('as_of', p.as_of, 'deadline', f.deadline, 'latest_status', COALESCE(u.status, 'none'),
                        'latest_update_on', u.updated_on, 'audit_year', f.audit_year,
                        'rectification_type', f.rectification_type) AS VARCHAR) AS evidence
FROM audit_finding f
JOIN progress p ON p.region_code = f.region_code
LEFT JOIN latest u ON u.region_code = f.region_code AND u.finding_code = f.finding_code
WHERE f.deadline IS NOT NULL
  AND f.deadline < p.as_of
  AND COALESCE(u.status, 'not_started') <> 'rectified';
