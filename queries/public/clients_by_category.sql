-- The public's QPS clients by client category in the latest month a clients sheet gives:
-- the published table by category (every sex and age), all services together.
WITH shown AS (
    SELECT * FROM client_counts
    WHERE municipality = $municipality AND service_code IS NULL
      AND sex = 'total' AND age_group = 'total' AND client_category_code <> 0
),
latest AS (
    SELECT year, month FROM shown ORDER BY year DESC, month DESC NULLS LAST LIMIT 1
)
SELECT
    c.year,
    c.month,
    c.client_category_code,
    k.name_sq AS category_name,
    c."count"::BIGINT AS clients,
    c.suppressed,
    c.source
FROM shown AS c
JOIN latest AS l ON l.year = c.year AND l.month IS NOT DISTINCT FROM c.month
LEFT JOIN client_categories AS k ON k.code = c.client_category_code
ORDER BY clients DESC NULLS LAST, c.client_category_code;
