-- The SWOT items of the QPS in printed order (S, W, O, T), optionally one quadrant, with the
-- number of items of each quadrant.
WITH items AS (
    SELECT
        quadrant,
        quadrant_label,
        position,
        item_text,
        count(*) OVER (PARTITION BY quadrant) AS quadrant_items,
        false AS demonstration,
        source
    FROM swot
)
SELECT *
FROM items
WHERE $quadrant IS NULL OR quadrant = $quadrant
ORDER BY CASE quadrant WHEN 'S' THEN 1 WHEN 'W' THEN 2 WHEN 'O' THEN 3 WHEN 'T' THEN 4 ELSE 5 END, position;
