-- Every plan indicator with its objective and priority, in plan order (priority, objective, position).
SELECT
    i.priority,
    o.priority_text,
    i.objective_code,
    o.objective_text,
    i.indicator_code,
    i.position,
    i.indicator_text,
    i.unit,
    i.baseline_year,
    i.baseline_value,
    i.baseline_text,
    i.direction,
    i.direction_basis,
    i.responsible,
    i.note,
    i.source
FROM plan_indicators AS i
LEFT JOIN plan_objectives AS o USING (objective_code)
ORDER BY i.priority,
    CAST(split_part(i.objective_code, '.', 1) AS INTEGER),
    CAST(split_part(i.objective_code, '.', 2) AS INTEGER),
    i.position;
