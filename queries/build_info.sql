-- When the database was built.
SELECT max(built_at) AS built_at FROM _datasets;
