-- The values present in the shown service counts of one municipality, per filter dimension.
WITH shown AS (
    SELECT * FROM service_counts_shown WHERE municipality = $municipality
)
SELECT DISTINCT 'year' AS dimension, CAST(year AS VARCHAR) AS value, year AS sort_key FROM shown
UNION ALL
SELECT DISTINCT 'month', CAST(month AS VARCHAR), month FROM shown WHERE month IS NOT NULL
UNION ALL
SELECT DISTINCT 'sex', sex, NULL FROM shown
UNION ALL
SELECT DISTINCT 'age_group', age_group, TRY_CAST(regexp_extract(age_group, '^[0-9]+') AS INTEGER) FROM shown
ORDER BY dimension, sort_key NULLS LAST, value;
