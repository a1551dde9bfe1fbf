-- One SNS measure of one municipality per 1,000 inhabitants: each dated figure divided by
-- the population of the census nearest in time to its period (2011 or 2024).
WITH series AS (
    SELECT period, period_type, period_start, value, statistic, source
    FROM sns_beneficiaries
    WHERE municipality = $municipality AND measure = $measure AND category = 'all'
      AND period_start IS NOT NULL
),
census AS (
    SELECT year, population, source
    FROM population_by_municipality
    WHERE municipality = $municipality AND population IS NOT NULL
)
SELECT
    series.period,
    series.period_type,
    series.period_start,
    series.statistic,
    series.value,
    census.year AS census_year,
    census.population AS census_population,
    round(1000.0 * series.value / census.population, 1) AS per_1000,
    census.source AS census_source,
    series.source
FROM series
CROSS JOIN census
QUALIFY row_number() OVER (
    PARTITION BY series.period, series.statistic, series.source
    ORDER BY abs(census.year - year(series.period_start)), census.year DESC
) = 1
ORDER BY series.period_start, series.statistic, series.source;
