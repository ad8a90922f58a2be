-- 就労体験 of the subtree (by the placement's organisation) with a worked day in the period: the
-- placements, their persons (distinct cases), distinct hosts, and the fewest and most days worked in
-- the period by one placement.
WITH worked AS (
    SELECT p.id, p.case_id, p.host_id, count(*) AS days
    FROM worked_days w
    JOIN placements p ON p.id = w.placement_id
    WHERE starts_with(p.path, $root) AND w.date BETWEEN $start AND $end
    GROUP BY p.id, p.case_id, p.host_id
)
SELECT count(*) AS placements, count(DISTINCT case_id) AS persons, count(DISTINCT host_id) AS hosts,
       coalesce(min(days), 0) AS min_days, coalesce(max(days), 0) AS max_days
FROM worked;
