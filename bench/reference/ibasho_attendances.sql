-- Every attendee of every held session of the subtree in the period (延べ), by the session's
-- organisation and date, per kind of 居場所 and per attendee: a case, anonymous (匿名), or else known by a
-- nickname.
SELECT i.kind,
       count(*) AS attendances,
       count(*) FILTER (WHERE a.case_id IS NOT NULL) AS cases,
       count(*) FILTER (WHERE a.case_id IS NULL AND a.anonymous) AS anonymous,
       count(*) FILTER (WHERE a.case_id IS NULL AND NOT a.anonymous) AS nicknames
FROM attendances a
JOIN ibasho_events e ON e.id = a.event_id
JOIN ibasho i ON i.id = e.ibasho_id
WHERE starts_with(e.path, $root) AND e.date BETWEEN $start AND least($end::DATE, $today::DATE)
GROUP BY i.kind;
