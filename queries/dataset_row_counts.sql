-- Rows and build time of every dataset table, for the open-data catalogue.
SELECT name, row_count, built_at
FROM _datasets
ORDER BY name;
