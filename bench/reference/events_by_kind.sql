-- 研修・啓発 per kind, dated in the period in the subtree: held (開催; a 講師派遣 row is one dispatch),
-- the participants of the held ones, and those still planned (予定) or cancelled (中止).
SELECT kind,
       count(*) FILTER (WHERE status = 'held') AS held,
       coalesce(sum(participants) FILTER (WHERE status = 'held'), 0) AS participants,
       count(*) FILTER (WHERE status = 'planned') AS planned,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled
FROM events
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY kind;
