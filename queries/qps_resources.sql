-- The QPS's budget and staff: Tabela 6 and the QPS section of the Action Plan.
SELECT measure, label_sq, period, value, unit, note, source, 1 AS place
FROM social_indicators
WHERE measure IN ('qps_annual_budget_eur', 'qps_staff')
UNION ALL
SELECT measure, label_sq, period, value, unit, note, source, 2 AS place
FROM municipality_profile
WHERE measure IN ('qps_service_staff', 'qps_licensed_staff', 'qps_needs_met_pct')
ORDER BY place, measure;
