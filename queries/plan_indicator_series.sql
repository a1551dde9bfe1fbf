-- One plan indicator by year: baseline, targets and reported values, and whether each reported value was observed by the document's date.
WITH indicator AS (
    SELECT * FROM plan_indicators WHERE indicator_code = $indicator_code
)
SELECT
    i.indicator_code,
    i.indicator_text,
    i.baseline_year AS year,
    'baseline' AS kind,
    i.baseline_value AS value,
    i.baseline_text AS value_text,
    NULL::DATE AS source_date,
    true AS observed,
    true AS year_complete,
    i.source AS reported_source,
    NULL::VARCHAR AS reported_by,
    NULL::DATE AS reported_on,
    false AS demonstration,
    i.source
FROM indicator AS i
UNION ALL
SELECT
    v.indicator_code,
    i.indicator_text,
    v.year,
    v.kind,
    v.value,
    v.value_text,
    v.source_date,
    make_date(v.year, 1, 1) <= v.source_date AS observed,
    make_date(v.year, 12, 31) < v.source_date AS year_complete,
    v.source AS reported_source,
    -- staff entries (dashboard/entries.py) write "Hyrje nga stafi: <user>, <date>: <source>"
    NULLIF(regexp_extract(v.source, '^Hyrje nga stafi: ([^,]+),', 1), '') AS reported_by,
    v.source_date AS reported_on,
    false AS demonstration,
    v.source
FROM plan_indicator_values AS v
JOIN indicator AS i USING (indicator_code)
ORDER BY year, kind;
