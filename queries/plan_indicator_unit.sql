-- The unit of one plan indicator (count, binary or text): what the result entry accepts.
SELECT unit
FROM plan_indicators
WHERE indicator_code = $indicator_code;
