-- Real services delivered per municipality and year: imported QPS rows only, never demonstration rows.
SELECT
    municipality,
    year,
    sum("count")::BIGINT AS services,
    count(*) AS rows,
    count(*) FILTER (WHERE "count" IS NULL) AS missing_rows,
    false AS demonstration,
    string_agg(DISTINCT source, '; ') AS source
FROM service_counts
WHERE demonstration = false
GROUP BY municipality, year
ORDER BY municipality, year;
