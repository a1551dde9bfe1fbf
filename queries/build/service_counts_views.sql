-- Created by the build, used by every services_*.sql query: the one place that decides which
-- service counts are shown and how the Services page's filters apply.

-- Real rows when any exist, otherwise the demonstration rows: never the two mixed.
-- Decided once per build (one row), not per query.
CREATE OR REPLACE TABLE service_counts_choice AS
SELECT NOT EXISTS (SELECT 1 FROM service_counts WHERE NOT demonstration) AS show_demonstration;

CREATE OR REPLACE VIEW service_counts_shown AS
SELECT * FROM service_counts
WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice);

-- What the shown counts hold per municipality (the page's headline and its notices),
-- aggregated once per build instead of per request.
CREATE OR REPLACE TABLE service_counts_summary AS
SELECT
    municipality,
    count(*) FILTER (WHERE NOT demonstration) AS real_rows,
    count(*) FILTER (WHERE demonstration) AS demonstration_rows,
    count(*) FILTER (WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice))
        AS shown_rows,
    sum("count") FILTER (WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice))::BIGINT
        AS services,
    min(year) FILTER (WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice))
        AS first_year,
    max(year) FILTER (WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice))
        AS last_year,
    coalesce(bool_or(demonstration) FILTER (
        WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice)), false)
        AS demonstration,
    string_agg(DISTINCT source, '; ') FILTER (
        WHERE demonstration = (SELECT show_demonstration FROM service_counts_choice)) AS source
FROM service_counts
GROUP BY municipality;

-- The values present in the shown counts per municipality and filter dimension (the
-- Services page's dropdowns), once per build.
CREATE OR REPLACE TABLE service_counts_dimensions AS
WITH combos AS (
    SELECT DISTINCT municipality, year, month, sex, age_group FROM service_counts_shown
)
SELECT DISTINCT municipality, 'year' AS dimension, CAST(year AS VARCHAR) AS value, year AS sort_key
FROM combos
UNION ALL
SELECT DISTINCT municipality, 'month', CAST(month AS VARCHAR), month FROM combos WHERE month IS NOT NULL
UNION ALL
SELECT DISTINCT municipality, 'sex', sex, NULL FROM combos
UNION ALL
SELECT DISTINCT municipality, 'age_group', age_group,
    TRY_CAST(regexp_extract(age_group, '^[0-9]+') AS INTEGER)
FROM combos;

-- The shown rows of one municipality under the page's filters (NULL or [] = no filter),
-- with the category's name and audience.
CREATE OR REPLACE MACRO service_counts_filtered(
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
