-- The 2026 DMS work plan by sector: amounts read, lines, lines without an amount, share of the
-- total, and each sector's name in English and Serbian (data/budget_sectors.csv).
SELECT
    b.sector_sq,
    any_value(s.name_en) AS name_en,
    any_value(s.name_sr) AS name_sr,
    sum(b.amount_eur)::DOUBLE AS amount_eur,
    sum(b.amount_eur)::DOUBLE / sum(sum(b.amount_eur)::DOUBLE) OVER () AS share_of_total,
    count(*) AS lines,
    count(*) FILTER (WHERE b.amount_eur IS NOT NULL) AS lines_with_amount,
    count(*) FILTER (WHERE b.amount_eur IS NOT NULL AND b.reading <> 'certain') AS uncertain_amounts,
    count(*) FILTER (WHERE b.amount_eur IS NULL) AS lines_without_amount,
    min(b.line_no) AS first_line,
    false AS demonstration,
    string_agg(DISTINCT b.source, '; ') AS source
FROM budget AS b
LEFT JOIN budget_sectors AS s USING (sector_sq)
GROUP BY b.sector_sq
ORDER BY first_line;
