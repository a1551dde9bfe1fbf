-- Size of the Action Plan 2024-2026 matrix.
SELECT
    count(*) AS indicators,
    count(DISTINCT objective_code) AS objectives,
    count(DISTINCT priority) AS priorities,
    any_value(source) AS source
FROM plan_indicators;
