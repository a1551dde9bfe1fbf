-- Planned and spent amounts by work-plan line, from the budget_execution table of the importer.
-- Expects budget_execution(line_no, year, spent_eur, source); run only when the table exists.
SELECT
    b.line_no,
    b.objective_sq,
    b.amount_eur::DOUBLE AS planned_eur,
    e.year,
    sum(e.spent_eur)::DOUBLE AS spent_eur,
    sum(e.spent_eur)::DOUBLE / b.amount_eur::DOUBLE AS spent_share,
    false AS demonstration,
    string_agg(DISTINCT e.source, '; ') AS source
FROM budget_execution AS e
JOIN budget AS b USING (line_no)
GROUP BY b.line_no, b.objective_sq, b.amount_eur, e.year
ORDER BY e.year, b.line_no;
