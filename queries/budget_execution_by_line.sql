-- Planned, committed and spent by work-plan line and year, at the latest period imported.
-- Execution amounts are cumulative to the end of their period, so the latest period of a
-- line and year is its year to date; a year row and quarter/month rows of the same line
-- are readings of the same running total and are never added up. At the same end date the
-- coarser period wins (the year beats Q4 beats December). Planned is the sheet's amount,
-- else the work plan's (budget.amount_eur); the rate only where planned > 0.
WITH dated AS (
    SELECT
        e.*,
        CASE e.period_type
            WHEN 'year' THEN make_date(e.year, 12, 1)
            WHEN 'quarter' THEN make_date(e.year, 3 * CAST(right(e.period, 1) AS INTEGER), 1)
            ELSE make_date(e.year, CAST(right(e.period, 2) AS INTEGER), 1)
        END AS period_month,
        CASE e.period_type WHEN 'year' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END AS granularity
    FROM budget_execution AS e
),
latest AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY line_no, year ORDER BY period_month DESC, granularity
        ) AS rank_in_year
    FROM dated
)
SELECT
    b.line_no,
    b.objective_sq,
    b.objective_en,
    l.year,
    l.period,
    l.period_type,
    coalesce(l.planned_eur, b.amount_eur)::DOUBLE AS planned_eur,
    CASE WHEN l.planned_eur IS NULL THEN 'work plan' ELSE 'execution sheet' END AS planned_from,
    l.committed_eur::DOUBLE AS committed_eur,
    l.spent_eur::DOUBLE AS spent_eur,
    CASE
        WHEN coalesce(l.planned_eur, b.amount_eur) > 0
            THEN l.spent_eur::DOUBLE / coalesce(l.planned_eur, b.amount_eur)::DOUBLE
    END AS spent_share,
    false AS demonstration,
    l.source || '; ' || b.source AS source
FROM latest AS l
JOIN budget AS b USING (line_no)
WHERE l.rank_in_year = 1
ORDER BY l.year, b.line_no;
