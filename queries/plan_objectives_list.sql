-- The plan's priorities and objectives, in plan order.
SELECT priority, priority_text, objective_code, objective_text, source
FROM plan_objectives
ORDER BY priority,
    CAST(split_part(objective_code, '.', 1) AS INTEGER),
    CAST(split_part(objective_code, '.', 2) AS INTEGER);
