-- All services of the Services page's selection (the headline above its charts).
SELECT
    sum(f."count")::BIGINT AS services,
    NULL::VARCHAR AS suppressed,
    coalesce(bool_or(f.demonstration), false) AS demonstration
FROM service_counts_filtered(
    $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f;
