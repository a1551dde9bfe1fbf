-- The planned 2026 DMS budget: total of the amounts read, and how surely they were read.
SELECT
    sum(amount_eur)::DOUBLE AS total_eur,
    count(*) FILTER (WHERE amount_eur IS NOT NULL) AS lines_with_amount,
    count(*) FILTER (WHERE amount_eur IS NOT NULL AND reading <> 'certain') AS uncertain_lines,
    count(*) AS lines,
    string_agg(DISTINCT source, '; ' ORDER BY source) AS source
FROM budget;
