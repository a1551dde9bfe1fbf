-- Municipalities with SNS figures in a multi-municipality period, other than the one
-- compared against, with their names for each language.
SELECT DISTINCT s.municipality, m.name_en, m.name_sr, m.ask_code
FROM sns_beneficiaries AS s
JOIN municipalities AS m USING (municipality)
WHERE s.category = 'all' AND s.municipality <> $municipality
  AND s.period IN (
      SELECT period FROM sns_beneficiaries
      WHERE category = 'all' AND period_start IS NOT NULL AND municipality <> 'Kosovë'
      GROUP BY period HAVING count(DISTINCT municipality) > 1
  )
ORDER BY s.municipality COLLATE sq;
