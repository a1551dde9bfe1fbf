-- Created by the build in the PUBLIC database (the published layer, dashboard/publish.py),
-- used by queries/public/services_*.sql. Its service_counts holds the published cells and
-- every sum a page shows beside them (0 = every month, category or service; 'total' =
-- every sex or age group), suppressed together; a withheld count is empty and
-- `suppressed` says why. Demonstration rows are never here.

CREATE OR REPLACE TABLE service_counts_choice AS SELECT false AS show_demonstration;

-- A sum over several published rows, withheld when any part is: what is shown can always
-- be worked out from published figures, so it can never give a withheld cell away.
CREATE OR REPLACE MACRO published_sum(v, mark) AS
    CASE WHEN bool_or(mark IS NOT NULL) THEN NULL ELSE sum(v) END;
CREATE OR REPLACE MACRO published_mark(mark) AS
    CASE WHEN bool_or(mark IS NOT NULL)
         THEN CASE WHEN count(*) = 1 THEN any_value(mark) ELSE 'secondary' END END;

-- The grand total of each municipality and year (every month, category, service, sex, age).
CREATE OR REPLACE VIEW service_counts_year_totals AS
SELECT * FROM service_counts
WHERE month = 0 AND client_category_code = 0 AND service_code = 0
  AND sex = 'total' AND age_group = 'total';

CREATE OR REPLACE TABLE service_counts_summary AS
SELECT
    c.municipality,
    count(*) AS real_rows,
    0 AS demonstration_rows,
    count(*) AS shown_rows,
    (SELECT published_sum(t."count", t.suppressed) FROM service_counts_year_totals AS t
     WHERE t.municipality = c.municipality)::BIGINT AS services,
    min(c.year) AS first_year,
    max(c.year) AS last_year,
    false AS demonstration,
    string_agg(DISTINCT c.source, '; ') AS source
FROM service_counts AS c
GROUP BY c.municipality;

-- The filter values the public can choose: those of the published tables (a value that
-- only the staff's finer cross-classification holds is not offered).
CREATE OR REPLACE TABLE service_counts_dimensions AS
SELECT DISTINCT municipality, 'year' AS dimension, CAST(year AS VARCHAR) AS value, year AS sort_key
FROM service_counts
UNION ALL
SELECT DISTINCT municipality, 'month', CAST(month AS VARCHAR), month
FROM service_counts WHERE month IS NOT NULL AND month <> 0
UNION ALL
SELECT DISTINCT municipality, 'sex', sex, NULL FROM service_counts WHERE sex <> 'total'
UNION ALL
SELECT DISTINCT municipality, 'age_group', age_group,
    TRY_CAST(regexp_extract(age_group, '^[0-9]+') AS INTEGER)
FROM service_counts WHERE age_group <> 'total';

-- The published rows at the level a chart shows: the columns in p_group each value by
-- value, the page's filters as chosen, every other column at its sum. A filter of several
-- categories (or an audience) picks each category's row; the query adds them with
-- published_sum.
CREATE OR REPLACE MACRO service_counts_level(
    p_group, p_municipality, p_year, p_month, p_categories, p_audience, p_service, p_sex,
    p_age_group
) AS TABLE
SELECT s.*, c.name_sq AS category_name, c.audience
FROM service_counts AS s
LEFT JOIN client_categories AS c ON c.code = s.client_category_code
WHERE s.municipality = p_municipality
  AND (p_year IS NULL OR s.year = p_year)
  AND CASE WHEN list_contains(p_group, 'month') THEN s.month IS DISTINCT FROM 0
           WHEN p_month IS NULL THEN s.month = 0
           ELSE s.month = p_month END
  AND CASE WHEN list_contains(p_group, 'category') OR len(p_categories) > 0
                OR p_audience IS NOT NULL
           THEN s.client_category_code <> 0
                AND (len(p_categories) = 0 OR list_contains(p_categories, s.client_category_code))
                AND (p_audience IS NULL OR c.audience = p_audience)
           ELSE s.client_category_code = 0 END
  AND CASE WHEN list_contains(p_group, 'service') THEN s.service_code <> 0
           WHEN p_service IS NULL THEN s.service_code = 0
           ELSE s.service_code = p_service END
  AND CASE WHEN list_contains(p_group, 'sex') THEN s.sex <> 'total'
           WHEN p_sex IS NULL THEN s.sex = 'total'
           ELSE s.sex = p_sex END
  AND CASE WHEN list_contains(p_group, 'age_group') THEN s.age_group <> 'total'
           WHEN p_age_group IS NULL THEN s.age_group = 'total'
           ELSE s.age_group = p_age_group END;
