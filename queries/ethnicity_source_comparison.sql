-- Where Tabela 3 and the text disagree on an ethnicity's residents (census 2011), with the
-- count Tabela 3's own printed percentage implies of the census population.
WITH sides AS (
    SELECT
        ethnicity,
        year,
        population,
        percent_printed,
        CASE WHEN source LIKE '%Tabela 3%' THEN 'table' ELSE 'text' END AS source_kind
    FROM population_by_ethnicity
),
census AS (
    SELECT year, population AS census_population, source AS census_source
    FROM population_by_municipality
    WHERE municipality = $municipality
)
SELECT
    sides.ethnicity,
    sides.year,
    max(population) FILTER (WHERE source_kind = 'table') AS table_population,
    max(population) FILTER (WHERE source_kind = 'text') AS text_population,
    max(percent_printed) FILTER (WHERE source_kind = 'table') AS table_percent,
    any_value(census_population) AS census_population,
    round(max(percent_printed) FILTER (WHERE source_kind = 'table')
        * any_value(census_population) / 100)::BIGINT AS implied_by_percent,
    any_value(census_source) AS census_source
FROM sides
LEFT JOIN census USING (year)
GROUP BY sides.ethnicity, sides.year
HAVING table_population IS DISTINCT FROM text_population
ORDER BY greatest(table_population, text_population) DESC NULLS LAST;
