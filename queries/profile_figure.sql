-- One figure of the municipality profile (e.g. area_km2) from a given table, with its source.
SELECT measure, period, value, unit, source
FROM municipality_profile
WHERE measure = $measure
ORDER BY source LIKE '%Tabela%' DESC, period DESC NULLS LAST
LIMIT 1;
