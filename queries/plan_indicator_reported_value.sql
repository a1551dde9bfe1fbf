-- The value of one kind (e.g. reported) the database holds for an indicator and year,
-- with its source.
SELECT value, source
FROM plan_indicator_values
WHERE indicator_code = $indicator_code AND year = $year AND kind = $kind;
