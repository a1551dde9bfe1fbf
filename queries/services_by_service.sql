-- Services delivered by professional service for the Services page's filters.
SELECT
    f.service_code,
    any_value(v.name_sq) AS service_name,
    sum(f."count")::BIGINT AS services,
    bool_or(f.demonstration) AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_filtered(
    $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f
LEFT JOIN services AS v ON v.code = f.service_code
GROUP BY f.service_code
ORDER BY services DESC NULLS LAST, f.service_code;
