-- The held meetings of the subtree in the period, in date order, each with its attending bodies
-- (rows) and head counts.
SELECT m.date, m.kind, m.name, coalesce(m.region, '') AS region, coalesce(m.municipality_name, '') AS municipality,
       count(a.meeting_id) AS agencies, coalesce(sum(a.people), 0) AS people
FROM meetings m
LEFT JOIN meeting_attendances a ON a.meeting_id = m.id
WHERE starts_with(m.path, $root) AND m.date BETWEEN $start AND $end AND m.status = 'held'
GROUP BY m.id, m.date, m.kind, m.name, m.region, m.municipality_name
ORDER BY m.date, m.id;
