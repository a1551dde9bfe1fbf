-- Residents by ethnicity (census 2011) from one of the two places that print them:
-- 'table' (Tabela 3) or 'text' (the paragraph before Tabela 1). They disagree.
SELECT
    ethnicity,
    year,
    population,
    percent_printed,
    CASE WHEN source LIKE '%Tabela 3%' THEN 'table' ELSE 'text' END AS source_kind,
    note,
    source
FROM population_by_ethnicity
WHERE (CASE WHEN source LIKE '%Tabela 3%' THEN 'table' ELSE 'text' END) = $source_kind
ORDER BY population DESC, ethnicity COLLATE sq;
