-- The public's services by client category for the Services page's filters: published rows only.
SELECT
    f.client_category_code,
    any_value(f.category_name) AS category_name,
    any_value(f.audience) AS audience,
    published_sum(f."count", f.suppressed)::BIGINT AS services,
    published_mark(f.suppressed) AS suppressed,
    false AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_level(
    ['category'], $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f
GROUP BY f.client_category_code
ORDER BY services DESC NULLS LAST, f.client_category_code;
