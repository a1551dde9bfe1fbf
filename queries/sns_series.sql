-- One SNS measure (families or members) of one municipality over time, every dated
-- figure (all categories together) with the first and last day of its period.
SELECT
    period,
    period_type,
    period_start,
    CASE period_type
        WHEN 'month' THEN last_day(period_start)
        WHEN 'quarter' THEN (period_start + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE
        WHEN 'year' THEN make_date(year(period_start), 12, 31)
    END AS period_end,
    value,
    statistic,
    status,
    note,
    source
FROM sns_beneficiaries
WHERE municipality = $municipality AND measure = $measure AND category = 'all'
  AND period_start IS NOT NULL
ORDER BY period_start, statistic, source;
