-- Services delivered per month for the Services page's filters (trend); rows without a month left out.
WITH shown AS (
    -- Real rows when any exist, otherwise the demonstration rows: never the two mixed.
    SELECT * FROM service_counts
    WHERE demonstration = NOT EXISTS (SELECT 1 FROM service_counts WHERE NOT demonstration)
),
filtered AS (
    SELECT s.*, c.name_sq AS category_name, c.audience
    FROM shown AS s
    LEFT JOIN client_categories AS c ON c.code = s.client_category_code
    WHERE s.municipality = $municipality
      AND ($year IS NULL OR s.year = $year)
      AND ($month IS NULL OR s.month = $month)
      AND (len($categories) = 0 OR list_contains($categories, s.client_category_code))
      AND ($audience IS NULL OR c.audience = $audience)
      AND ($service IS NULL OR s.service_code = $service)
      AND ($sex IS NULL OR s.sex = $sex)
      AND ($age_group IS NULL OR s.age_group = $age_group)
)
SELECT
    f.year,
    f.month,
    make_date(f.year, f.month, 1) AS period_start,
    sum(f."count")::BIGINT AS services,
    bool_or(f.demonstration) AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM filtered AS f
WHERE f.month IS NOT NULL
GROUP BY f.year, f.month
ORDER BY f.year, f.month;
