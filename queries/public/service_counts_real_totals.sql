-- The public's services per municipality and year: the published grand totals.
SELECT
    t.municipality,
    t.year,
    t."count"::BIGINT AS services,
    t.suppressed,
    (SELECT count(*) FROM service_counts AS c
     WHERE c.municipality = t.municipality AND c.year = t.year) AS rows,
    (SELECT count(*) FROM service_counts AS c
     WHERE c.municipality = t.municipality AND c.year = t.year
       AND c."count" IS NULL AND c.suppressed IS NULL) AS missing_rows,
    false AS demonstration,
    t.source
FROM service_counts_year_totals AS t
ORDER BY t.municipality, t.year;
