-- QPS clients by client category in the latest month a clients sheet gives, all services
-- together: a count of clients, its own measure, never added to the services.
WITH shown AS (
    SELECT * FROM client_counts
    WHERE municipality = $municipality AND service_code IS NULL
),
latest AS (
    SELECT year, month FROM shown ORDER BY year DESC, month DESC NULLS LAST LIMIT 1
)
SELECT
    c.year,
    c.month,
    c.client_category_code,
    any_value(k.name_sq) AS category_name,
    sum(c."count")::BIGINT AS clients,
    NULL::VARCHAR AS suppressed,
    string_agg(DISTINCT c.source, '; ') AS source
FROM shown AS c
JOIN latest AS l ON l.year = c.year AND l.month IS NOT DISTINCT FROM c.month
LEFT JOIN client_categories AS k ON k.code = c.client_category_code
GROUP BY c.year, c.month, c.client_category_code
ORDER BY clients DESC NULLS LAST, c.client_category_code;
