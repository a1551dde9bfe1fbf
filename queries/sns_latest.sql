-- The latest dated figure of each SNS measure (families, members) for one municipality.
SELECT measure, period, period_type, value, statistic, source
FROM sns_beneficiaries
WHERE municipality = $municipality AND category = 'all' AND period_start IS NOT NULL
  AND value IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY measure ORDER BY period_start DESC, source) = 1
ORDER BY measure;
