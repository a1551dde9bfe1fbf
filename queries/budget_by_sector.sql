-- The 2026 DMS work plan by sector: amounts read, lines, lines without an amount, share of the total.
SELECT
    sector_sq,
    sum(amount_eur)::DOUBLE AS amount_eur,
    sum(amount_eur)::DOUBLE / sum(sum(amount_eur)::DOUBLE) OVER () AS share_of_total,
    count(*) AS lines,
    count(*) FILTER (WHERE amount_eur IS NOT NULL) AS lines_with_amount,
    count(*) FILTER (WHERE amount_eur IS NOT NULL AND reading <> 'certain') AS uncertain_amounts,
    count(*) FILTER (WHERE amount_eur IS NULL) AS lines_without_amount,
    min(line_no) AS first_line,
    false AS demonstration,
    string_agg(DISTINCT source, '; ') AS source
FROM budget
GROUP BY sector_sq
ORDER BY first_line;
