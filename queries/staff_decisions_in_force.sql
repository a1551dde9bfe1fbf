-- Staff decisions in force (dashboard/reviews.py): indicator directions, table readings, finding marks.
SELECT kind, target, value, note, decided_at
FROM staff_decisions
ORDER BY kind, target;
