-- The 2026 DMS work plan split by sector, with each sector's name in English and Serbian
-- (data/budget_sectors.csv): amounts read, share of the total, lines without an amount.
SELECT
    b.sector_sq,
    s.name_en,
    s.name_sr,
    sum(b.amount_eur)::DOUBLE AS amount_eur,
    sum(b.amount_eur)::DOUBLE / sum(sum(b.amount_eur)::DOUBLE) OVER () AS share_of_total,
    count(*) AS lines,
    count(*) FILTER (WHERE b.amount_eur IS NULL) AS lines_without_amount,
    min(b.line_no) AS first_line,
    string_agg(DISTINCT b.source, '; ') AS source
FROM budget AS b
LEFT JOIN budget_sectors AS s USING (sector_sq)
GROUP BY b.sector_sq, s.name_en, s.name_sr
ORDER BY first_line;
