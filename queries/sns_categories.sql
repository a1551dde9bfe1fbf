-- SNS families and members by category (I, II) of one municipality: per measure and
-- category its latest figure (a dated one before the document's undated figures), so
-- the chart compares one figure per category, never a series added up.
SELECT category, measure, period, period_type, value, statistic, status, note, source
FROM sns_beneficiaries
WHERE municipality = $municipality AND category IN ('I', 'II')
QUALIFY row_number() OVER (
    PARTITION BY measure, category ORDER BY period_start DESC NULLS LAST, period DESC NULLS LAST
) = 1
ORDER BY measure, category;
