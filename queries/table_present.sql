-- Whether a table exists in the database (e.g. budget_execution, added when its importer runs).
SELECT count(*) > 0 AS present
FROM duckdb_tables()
WHERE table_name = $table_name;
