-- 会議 per kind, of the meetings of the subtree dated in the period: held (開催), planned (still 予定),
-- cancelled (中止); of the held ones, the distinct 市区町村 they name (attending bodies do not count),
-- the attending bodies (attendance rows, 延べ) and their head counts.
WITH meeting AS (
    SELECT id, kind, status, municipality_id
    FROM meetings
    WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
), attending AS (
    SELECT meeting_id, count(*) AS bodies, sum(people) AS people
    FROM meeting_attendances
    WHERE meeting_id IN (SELECT id FROM meeting WHERE status = 'held')
    GROUP BY meeting_id
)
SELECT m.kind,
       count(*) FILTER (WHERE m.status = 'held') AS held,
       count(*) FILTER (WHERE m.status = 'planned') AS planned,
       count(*) FILTER (WHERE m.status = 'cancelled') AS cancelled,
       count(DISTINCT m.municipality_id) FILTER (WHERE m.status = 'held') AS municipalities,
       coalesce(sum(a.bodies) FILTER (WHERE m.status = 'held'), 0) AS agency_attendances,
       coalesce(sum(a.people) FILTER (WHERE m.status = 'held'), 0) AS people
FROM meeting m
LEFT JOIN attending a ON a.meeting_id = m.id
GROUP BY m.kind;
