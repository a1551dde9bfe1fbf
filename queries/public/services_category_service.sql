-- The public's services by client category and service (heatmap): published rows only.
SELECT
    f.client_category_code,
    any_value(f.category_name) AS category_name,
    f.service_code,
    any_value(v.name_sq) AS service_name,
    published_sum(f."count", f.suppressed)::BIGINT AS services,
    published_mark(f.suppressed) AS suppressed,
    false AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_level(
    ['category', 'service'], $municipality, $year, $month, $categories, $audience, $service, $sex,
    $age_group
) AS f
LEFT JOIN services AS v ON v.code = f.service_code
GROUP BY f.client_category_code, f.service_code
ORDER BY services DESC NULLS LAST, f.client_category_code, f.service_code;
