-- Lines of the 2026 DMS work plan (optionally one sector and one reading), with the amount
-- and its share of the total of every amount read (all lines, whatever the filter).
WITH lines AS (
    SELECT
        line_no,
        sector_sq,
        objective_sq,
        objective_en,
        funded_by,
        amount_eur::DOUBLE AS amount_eur,
        amount_text,
        timeline,
        remark_sq,
        reading,
        reading_note,
        amount_eur::DOUBLE / sum(amount_eur::DOUBLE) OVER () AS share_of_total,
        sum(amount_eur::DOUBLE) OVER () AS total_eur,
        false AS demonstration,
        source
    FROM budget
)
SELECT *
FROM lines
WHERE ($sector IS NULL OR sector_sq = $sector)
  AND ($reading IS NULL OR reading = $reading)
ORDER BY line_no;
