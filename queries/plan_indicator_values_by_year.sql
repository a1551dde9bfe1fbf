-- Targets and reported values of every plan indicator by year. A reported value for a year
-- that starts after the document's date is planned, not observed. reported_source,
-- reported_by and reported_on say where a value comes from, who entered it and when
-- (the document's values have no author; staff entries will fill all three).
SELECT
    v.indicator_code,
    v.year,
    v.kind,
    v.value,
    v.value_text,
    v.source_date,
    make_date(v.year, 1, 1) <= v.source_date AS observed,
    make_date(v.year, 12, 31) < v.source_date AS year_complete,
    v.note,
    v.source AS reported_source,
    -- staff entries (dashboard/entries.py) write "Hyrje nga stafi: <user>, <date>: <source>"
    NULLIF(regexp_extract(v.source, '^Hyrje nga stafi: ([^,]+),', 1), '') AS reported_by,
    v.source_date AS reported_on,
    v.source
FROM plan_indicator_values AS v
ORDER BY v.indicator_code, v.year, v.kind;
