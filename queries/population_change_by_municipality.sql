-- Census population of every municipality in 2011 and 2024 and the change between them;
-- NULL (not zero) where 2011 was not enumerated. Names for each language and the map.
WITH pivoted AS (
    SELECT
        municipality,
        max(population) FILTER (WHERE year = 2011) AS population_2011,
        max(population) FILTER (WHERE year = 2024) AS population_2024,
        max(status) FILTER (WHERE year = 2011) AS status_2011,
        max(note) FILTER (WHERE year = 2011) AS note_2011,
        string_agg(DISTINCT source, '; ') AS source
    FROM population_by_municipality
    GROUP BY municipality
)
SELECT
    m.municipality,
    m.name_en,
    m.name_sr,
    m.geo_shape_name,
    p.population_2011,
    p.population_2024,
    p.population_2024 / p.population_2011 - 1 AS change,
    p.status_2011,
    p.note_2011,
    p.source || '; ' || m.source AS source
FROM municipalities AS m
JOIN pivoted AS p USING (municipality)
ORDER BY m.ask_code;
