-- The QPS professional services (003), in list order.
SELECT code, name_sq, source
FROM services
ORDER BY code;
