-- The activities of one plan objective, in document order.
SELECT activity_code, printed_code, activity_text, lead_institution, supporting_institution,
    stakeholders, budget_note, timeline, implementer, source
FROM plan_activities
WHERE objective_code = $objective_code
ORDER BY CAST(split_part(activity_code, '.', 3) AS INTEGER);
