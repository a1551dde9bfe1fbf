-- Services delivered by professional service for the Services page's filters.
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
    f.service_code,
    any_value(v.name_sq) AS service_name,
    sum(f."count")::BIGINT AS services,
    bool_or(f.demonstration) AS demonstration,
    string_agg(DISTINCT f.source, '; ') AS source
FROM filtered AS f
LEFT JOIN services AS v ON v.code = f.service_code
GROUP BY f.service_code
ORDER BY services DESC NULLS LAST, f.service_code;
