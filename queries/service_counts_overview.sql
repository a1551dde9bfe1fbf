-- What service_counts holds for one municipality: real and demonstration rows, the years, the total shown
-- (computed by the build: queries/build/service_counts_views.sql). One row, zeros when it has none.
SELECT
    coalesce(max(real_rows), 0) AS real_rows,
    coalesce(max(demonstration_rows), 0) AS demonstration_rows,
    coalesce(max(shown_rows), 0) AS shown_rows,
    max(services) AS services,
    max(first_year) AS first_year,
    max(last_year) AS last_year,
    coalesce(bool_or(demonstration), false) AS demonstration,
    max(source) AS source
FROM service_counts_summary
WHERE municipality = $municipality;
