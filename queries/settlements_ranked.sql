-- Settlements of Tabela 5 (census 2011) of one type ('all', 'urban' or 'rural') in the
-- chosen order ($sort: population|area|density|name + _desc|_asc), with the density as
-- printed, as computed (population / area) and whether the two disagree.
SELECT
    settlement,
    settlement_type,
    population,
    area_km2,
    density_printed,
    density_printed_text,
    density_computed,
    -- more apart than rounding the printed integer explains (the rule of /cilesia)
    coalesce(abs(population / area_km2 - density_printed) > 0.5, false) AS density_differs,
    census_year,
    note,
    source
FROM settlements
WHERE $settlement_type = 'all' OR lower(settlement_type) = $settlement_type
ORDER BY
    CASE $sort
        WHEN 'population_desc' THEN -population
        WHEN 'population_asc' THEN population
        WHEN 'area_desc' THEN -area_km2
        WHEN 'area_asc' THEN area_km2
        WHEN 'density_desc' THEN -density_computed
        WHEN 'density_asc' THEN density_computed
    END NULLS LAST,
    CASE WHEN $sort = 'name_desc' THEN settlement END COLLATE sq DESC,
    settlement COLLATE sq;
