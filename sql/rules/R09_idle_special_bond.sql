-- R9 专项债券资金闲置 Idle special-bond money: new special bonds (新增专项债券) that spent less than
-- $min_spent_pct of the bond in the first $months_half months after issue (orange), or nothing in
-- the first $months_none months (red). Bonds younger than $months_half months on the "as of"
-- date are not judged. Measured value: the share spent in the first $months_half months.
-- Parameters: $as_of (NULL = the end of the latest month of loaded payments, else today), $min_spent_pct,
-- $months_half, $months_none.
WITH progress AS (
  SELECT r.code AS region_code, COALESCE($as_of::DATE, (SELECT last_day(MAX(paid_on)) FROM payment), current_date) AS as_of
  FROM region r
), spent AS (
  -- Money spent within the first $months_half and $months_none months after issue.
  SELECT b.region_code, b.code AS bond_code,
         SUM(CASE WHEN s.spent_on <= b.issued_on + to_months($months_half::INTEGER) THEN s.amount ELSE 0 END) AS spent_half,
         SUM(CASE WHEN s.spent_on <= b.issued_on + to_months($months_none::INTEGER) THEN s.amount ELSE 0 END) AS spent_none
  FROM bond b JOIN bond_spending s ON s.region_code = b.region_code AND s.bond_code = b.code
  GROUP BY ALL
), measured AS (
  SELECT b.region_code, b.code, b.name, b.amount, b.issued_on, p.as_of, COALESCE(s.spent_half, 0) AS spent,
         b.issued_on + to_months($months_none::INTEGER) <= p.as_of AND COALESCE(s.spent_none, 0) = 0 AS none_spent,
         b.issued_on + to_months($months_half::INTEGER) <= p.as_of
           AND COALESCE(s.spent_half, 0) * 100 < $min_spent_pct::DECIMAL(9, 2) * b.amount AS half_unspent
  FROM bond b
  JOIN progress p ON p.region_code = b.region_code
  LEFT JOIN spent s ON s.region_code = b.region_code AND s.bond_code = b.code
  WHERE b.debt_type = 'special' AND b.purpose = 'new' AND b.amount > 0
)
SELECT region_code,
       'bond' AS subject_type,
       code AS subject_id,
       name AS subject_name,
       CAST(year(issued_on) AS VARCHAR) AS period,
       CAST(spent AS DECIMAL(38, 2)) AS num,
       CAST(amount AS DECIMAL(38, 2)) AS den,
       CASE WHEN none_spent THEN 'red' ELSE 'orange' END AS band,
       CASE WHEN none_spent THEN '0' ELSE $min_spent_pct END AS threshold,
       CAST(json_object('as_of', as_of, 'issued_on', issued_on, 'amount', amount::VARCHAR, 'spent', spent::VARCHAR,
                        'months_since_issue', date_diff('month', issued_on, as_of)) AS VARCHAR) AS evidence
FROM measured
WHERE none_spent OR half_unspent;
