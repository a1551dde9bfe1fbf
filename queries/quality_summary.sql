-- Data-quality findings by severity.
SELECT
    count(*) FILTER (WHERE severity = 'error') AS errors,
    count(*) FILTER (WHERE severity = 'warning') AS warnings,
    count(*) FILTER (WHERE severity = 'info') AS info,
    count(*) AS findings
FROM data_quality;
