-- 居場所 sessions of the subtree held in the period (a session is held once its day has come: $today
-- caps the period), per kind of 居場所: the 居場所 with a held session and the sessions; and, with
-- GROUPING SETS, the distinct 居場所 of all kinds (kind NULL).
SELECT i.kind, count(DISTINCT e.ibasho_id) AS places, count(*) AS sessions
FROM ibasho_events e
JOIN ibasho i ON i.id = e.ibasho_id
WHERE starts_with(e.path, $root) AND e.date BETWEEN $start AND least($end::DATE, $today::DATE)
GROUP BY GROUPING SETS ((i.kind), ());
