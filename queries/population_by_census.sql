-- Census population of one municipality in every census year, with its source.
SELECT year, population, status, source
FROM population_by_municipality
WHERE municipality = $municipality
ORDER BY year;
