-- For each SNS measure of one municipality: the latest dated figure and the figure about a
-- year before it (6 to 18 months earlier, nearest to 12, same statistic preferred).
WITH dated AS (
    SELECT measure, period, period_type, period_start, value, statistic, source
    FROM sns_beneficiaries
    WHERE municipality = $municipality AND category = 'all'
      AND period_start IS NOT NULL AND value IS NOT NULL
),
latest AS (
    SELECT *
    FROM dated
    QUALIFY row_number() OVER (PARTITION BY measure ORDER BY period_start DESC, source) = 1
),
earlier AS (
    SELECT dated.*
    FROM dated
    JOIN latest USING (measure)
    WHERE dated.period_start BETWEEN latest.period_start - INTERVAL 18 MONTH
                                 AND latest.period_start - INTERVAL 6 MONTH
    QUALIFY row_number() OVER (
        PARTITION BY dated.measure
        ORDER BY abs(date_diff('month', dated.period_start, latest.period_start) - 12),
                 dated.statistic <> latest.statistic,
                 dated.period_start DESC,
                 dated.source
    ) = 1
)
SELECT
    latest.measure,
    latest.period,
    latest.period_type,
    latest.value,
    latest.statistic,
    latest.source,
    earlier.period AS earlier_period,
    earlier.period_type AS earlier_period_type,
    earlier.value AS earlier_value,
    earlier.statistic AS earlier_statistic,
    earlier.source AS earlier_source
FROM latest
LEFT JOIN earlier USING (measure)
ORDER BY latest.measure;
