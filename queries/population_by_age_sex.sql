-- Residents of one municipality by census year, age band and sex (M, F), as imported from
-- ASK exports; the all-ages and both-sexes rows are left out (they are not parts).
SELECT year, age_group, age_from, age_to, sex, population, status, source
FROM population_by_age_sex
WHERE area = $municipality AND area_type = 'municipality'
  AND sex IN ('M', 'F') AND age_group <> 'all' AND age_from IS NOT NULL
ORDER BY year, age_from, sex;
