-- The values present in the shown service counts of one municipality, per filter dimension
-- (computed by the build: queries/build/service_counts_views.sql).
SELECT dimension, value, sort_key
FROM service_counts_dimensions
WHERE municipality = $municipality
ORDER BY dimension, sort_key NULLS LAST, value;
