-- Services delivered by sex and age group for the Services page's filters.
SELECT
    f.sex,
    f.age_group,
    sum(f."count")::BIGINT AS services,
    bool_or(f.demonstration) AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM service_counts_filtered(
    $municipality, $year, $month, $categories, $audience, $service, $sex, $age_group
) AS f
GROUP BY f.sex, f.age_group
ORDER BY TRY_CAST(regexp_extract(f.age_group, '^[0-9]+') AS INTEGER) NULLS LAST, f.age_group, f.sex;
