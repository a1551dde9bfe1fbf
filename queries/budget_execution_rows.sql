-- How many budget-execution rows have been imported (the table is empty until then).
SELECT count(*) AS row_count
FROM budget_execution;
