-- Created by the build, used by every services_*.sql query: the one place that decides which
-- service counts are shown and how the Services page's filters apply.

-- Real rows when any exist, otherwise the demonstration rows: never the two mixed.
CREATE VIEW service_counts_shown AS
SELECT * FROM service_counts
WHERE demonstration = NOT EXISTS (SELECT 1 FROM service_counts WHERE NOT demonstration);

-- The shown rows of one municipality under the page's filters (NULL or [] = no filter),
-- with the category's name and audience.
CREATE MACRO service_counts_filtered(
    p_municipality, p_year, p_month, p_categories, p_audience, p_service, p_sex, p_age_group
) AS TABLE
SELECT s.*, c.name_sq AS category_name, c.audience
FROM service_counts_shown AS s
LEFT JOIN client_categories AS c ON c.code = s.client_category_code
WHERE s.municipality = p_municipality
  AND (p_year IS NULL OR s.year = p_year)
  AND (p_month IS NULL OR s.month = p_month)
  AND (len(p_categories) = 0 OR list_contains(p_categories, s.client_category_code))
  AND (p_audience IS NULL OR c.audience = p_audience)
  AND (p_service IS NULL OR s.service_code = p_service)
  AND (p_sex IS NULL OR s.sex = p_sex)
  AND (p_age_group IS NULL OR s.age_group = p_age_group);
