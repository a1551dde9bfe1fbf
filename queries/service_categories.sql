-- The QPS client categories (003) with their audience grouping, in list order.
SELECT code, name_sq, audience, audience_basis, source
FROM client_categories
ORDER BY code;
