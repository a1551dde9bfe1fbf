-- The public's services by sex and age group for the Services page's filters: published rows only.
SELECT
    f.sex,
    f.age_group,
    published_sum(f."count", f.suppressed)::BIGINT AS services,
    published_mark(f.suppressed) AS suppressed,
    false AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_level(
    ['sex', 'age_group'], $municipality, $year, $month, $categories, $audience, $service, $sex,
    $age_group
) AS f
GROUP BY f.sex, f.age_group
ORDER BY TRY_CAST(regexp_extract(f.age_group, '^[0-9]+') AS INTEGER) NULLS LAST, f.age_group, f.sex;
