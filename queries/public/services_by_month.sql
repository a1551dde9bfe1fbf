-- The public's services per month for the Services page's filters: published rows only.
SELECT
    f.year,
    f.month,
    make_date(f.year, f.month, 1) AS period_start,
    published_sum(f."count", f.suppressed)::BIGINT AS services,
    published_mark(f.suppressed) AS suppressed,
    false AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_level(
    ['month'], $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f
WHERE f.month IS NOT NULL
GROUP BY f.year, f.month
ORDER BY f.year, f.month;
