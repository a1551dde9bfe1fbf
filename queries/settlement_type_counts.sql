-- Settlements listed in Tabela 5, by type.
SELECT settlement_type, count(*) AS settlements, sum(population) AS population, any_value(source) AS source
FROM settlements
GROUP BY settlement_type
ORDER BY settlement_type DESC;
