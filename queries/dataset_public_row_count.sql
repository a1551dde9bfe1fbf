-- Rows of one dataset table the public may see: every row but the demonstration ones.
-- Only for tables with a `demonstration` column ($table comes from the catalogue).
SELECT count(*) FILTER (WHERE NOT coalesce(demonstration, false)) AS public_rows
FROM query_table($table);
