-- Periods for which SNS figures of several municipalities were reported (press reports
-- citing ASK), with the measures available in each.
SELECT
    period,
    period_type,
    count(DISTINCT municipality) AS municipalities,
    string_agg(DISTINCT measure, ',' ORDER BY measure) AS measures
FROM sns_beneficiaries
WHERE category = 'all' AND period_start IS NOT NULL AND municipality <> 'Kosovë'
GROUP BY period, period_type
HAVING count(DISTINCT municipality) > 1
ORDER BY period;
