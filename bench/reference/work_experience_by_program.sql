-- Persons (distinct cases) per program among the placements with a worked day in the period.
SELECT p.program, count(DISTINCT p.case_id) AS persons
FROM worked_days w
JOIN placements p ON p.id = w.placement_id
WHERE starts_with(p.path, $root) AND w.date BETWEEN $start AND $end
GROUP BY p.program;
