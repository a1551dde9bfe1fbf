-- Residents by age band (Tabela 4, census 2011), youngest first.
SELECT age_group, age_from, age_to, year, population, percent_printed, label_printed, source
FROM population_by_age_group
ORDER BY year, age_from;
