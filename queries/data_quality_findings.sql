-- Every data-quality finding, most severe first.
SELECT "check", dataset, "key", expected, found, severity, message, source, finding_id, rule_class, params
FROM data_quality
ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, dataset, "check", "key";
