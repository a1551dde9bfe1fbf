-- One SNS measure in one period for every municipality reported (and Kosovo's total),
-- per 1,000 inhabitants of the 2024 census (the census nearest to the press periods).
WITH census AS (
    SELECT municipality, year AS census_year, population AS census_population
    FROM population_by_municipality
    WHERE population IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY municipality ORDER BY year DESC) = 1
)
SELECT
    s.municipality,
    m.name_en,
    m.name_sr,
    s.municipality = 'Kosovë' AS is_total,
    s.period,
    s.period_type,
    s.measure,
    s.value,
    s.statistic,
    c.census_year,
    c.census_population,
    round(1000.0 * s.value / c.census_population, 1) AS per_1000,
    s.note,
    s.source
FROM sns_beneficiaries AS s
LEFT JOIN municipalities AS m USING (municipality)
LEFT JOIN census AS c USING (municipality)
WHERE s.category = 'all' AND s.period = $period AND s.measure = $measure
ORDER BY s.value DESC NULLS LAST, s.municipality COLLATE sq;
