-- What service_counts holds for one municipality: real and demonstration rows, the years, the total shown.
SELECT
    (SELECT count(*) FROM service_counts WHERE municipality = $municipality AND NOT demonstration) AS real_rows,
    (SELECT count(*) FROM service_counts WHERE municipality = $municipality AND demonstration) AS demonstration_rows,
    count(*) AS shown_rows,
    sum("count")::BIGINT AS services,
    min(year) AS first_year,
    max(year) AS last_year,
    coalesce(bool_or(demonstration), false) AS demonstration,
    string_agg(DISTINCT source, '; ') AS source
FROM service_counts_shown
WHERE municipality = $municipality;
