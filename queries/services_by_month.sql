-- Services delivered per month for the Services page's filters (trend); rows without a month left out.
SELECT
    f.year,
    f.month,
    make_date(f.year, f.month, 1) AS period_start,
    sum(f."count")::BIGINT AS services,
    bool_or(f.demonstration) AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_filtered(
    $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f
WHERE f.month IS NOT NULL
GROUP BY f.year, f.month
ORDER BY f.year, f.month;
