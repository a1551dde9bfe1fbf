-- SNS families and members by category (I, II) of one municipality, as printed
-- (the document does not say which year).
SELECT category, measure, period, period_type, value, statistic, status, note, source
FROM sns_beneficiaries
WHERE municipality = $municipality AND category IN ('I', 'II')
ORDER BY measure, category;
