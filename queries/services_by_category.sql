-- Services delivered by client category for the Services page's filters (top categories).
SELECT
    f.client_category_code,
    any_value(f.category_name) AS category_name,
    any_value(f.audience) AS audience,
    sum(f."count")::BIGINT AS services,
    bool_or(f.demonstration) AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_filtered(
    $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f
GROUP BY f.client_category_code
ORDER BY services DESC NULLS LAST, f.client_category_code;
