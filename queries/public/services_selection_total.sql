-- The public's total of the Services page's selection: the published total row, or the
-- sum of published rows; withheld when any part is.
SELECT
    published_sum(f."count", f.suppressed)::BIGINT AS services,
    published_mark(f.suppressed) AS suppressed,
    false AS demonstration
FROM service_counts_level(
    ['none'], $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f;
