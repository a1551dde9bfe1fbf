-- Size of the Action Plan 2024-2026 matrix.
SELECT
    count(*) AS indicators,
    count(DISTINCT objective_code) AS objectives,
    count(DISTINCT priority) AS priorities,
    -- The matrix as a whole: the part of the rows' sources before the priority.
    regexp_extract(any_value(source), '^(.*Plani matricor)', 1) AS source
FROM plan_indicators;
