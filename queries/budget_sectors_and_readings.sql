-- The sectors and the reading flags of the 2026 work plan, for the Budget page's filters.
SELECT 'sector' AS dimension, sector_sq AS value, min(line_no) AS sort_key FROM budget GROUP BY sector_sq
UNION ALL
SELECT 'reading', reading, min(CASE reading WHEN 'certain' THEN 1 WHEN 'uncertain' THEN 2 ELSE 3 END) FROM budget GROUP BY reading
ORDER BY dimension, sort_key;
