-- Every plan of the subtree for a fiscal year the period touches, with `held`: its own organisation's
-- held meetings of its kind dated in both the period and the plan's fiscal year whose counterpart is
-- the plan's: the organisation the plan names, as the meeting's 市区町村 or an attending body; or the
-- plan's name folded (fold(): widths, kana, case, spaces) equal to the meeting's region, its 市区町村's
-- name or an attending body's name. In the order the seed prints them: fiscal year, organisation name,
-- kind (in $kinds order), then as entered.
WITH plan AS (
    SELECT *, fold(counterpart_name) AS folded
    FROM meeting_plans
    WHERE starts_with(path, $root)
      AND fiscal_year BETWEEN fiscal_year($start::DATE) AND fiscal_year($end::DATE)
), held AS (
    SELECT m.id, m.organisation_id, m.kind, m.date, m.municipality_id,
           fold(coalesce(m.region, '')) AS region, fold(coalesce(m.municipality_name, '')) AS municipality
    FROM meetings m
    WHERE m.status = 'held' AND m.date BETWEEN $start AND $end
      AND EXISTS (SELECT 1 FROM plan p WHERE p.organisation_id = m.organisation_id AND p.kind = m.kind)
), pair AS (
    SELECT p.id AS plan_id, p.counterpart_id, p.folded, m.*
    FROM plan p
    JOIN held m ON m.organisation_id = p.organisation_id AND m.kind = p.kind AND fiscal_year(m.date) = p.fiscal_year
), body AS (
    SELECT meeting_id, body_id, fold(coalesce(body_name, '')) AS folded
    FROM meeting_attendances
    WHERE meeting_id IN (SELECT id FROM held)
), matched AS (
    SELECT plan_id, id AS meeting_id
    FROM pair
    WHERE municipality_id = counterpart_id OR folded = region OR folded = municipality
    UNION
    SELECT pair.plan_id, pair.id
    FROM pair
    JOIN body ON body.meeting_id = pair.id
    WHERE body.body_id = pair.counterpart_id OR body.folded = pair.folded
)
SELECT p.id, p.fiscal_year, p.organisation_name, p.kind, p.counterpart_name, p.planned,
       (SELECT count(*) FROM matched WHERE matched.plan_id = p.id) AS held
FROM plan p
ORDER BY p.fiscal_year, p.organisation_name, list_position($kinds, p.kind), p.id;
