-- The plan matrix's count of services delivered ("Numri i i shërbimeve të ofruara", as
-- printed): its baseline (a real count) and the targets set for the following years.
SELECT
    i.indicator_code,
    i.indicator_text,
    i.baseline_year,
    i.baseline_value,
    v.year AS target_year,
    v.value AS target_value,
    i.source
FROM plan_indicators AS i
LEFT JOIN plan_indicator_values AS v
    ON v.indicator_code = i.indicator_code AND v.kind = 'target'
   AND v.year = (SELECT min(year) FROM plan_indicator_values
                 WHERE indicator_code = i.indicator_code AND kind = 'target')
WHERE i.indicator_text = 'Numri i i shërbimeve të ofruara';
