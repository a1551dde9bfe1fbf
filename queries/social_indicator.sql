-- One row of Tabela 6 (key social-service indicators) by its measure code.
SELECT measure, label_sq, period, value, unit, source
FROM social_indicators
WHERE measure = $measure;
