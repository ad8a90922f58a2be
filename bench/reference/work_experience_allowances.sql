-- 手当 per payee for the days worked in the period: each day at the rate of the worked day's
-- organisation for the placement's program and the payee in force that day (the latest 適用開始日 on or
-- before it; none yet pays 0): per day its value, per hour value × hours rounded down to the yen; then
-- at most the cap per day.
WITH day AS (
    SELECT w.organisation_id, w.date, w.hours, p.program, payee
    FROM worked_days w
    JOIN placements p ON p.id = w.placement_id
    CROSS JOIN (SELECT unnest($payees) AS payee)
    WHERE starts_with(p.path, $root) AND w.date BETWEEN $start AND $end
), priced AS (
    SELECT d.payee,
           CASE WHEN r.unit = 'hour' THEN floor(r.value * d.hours)::BIGINT ELSE r.value END AS amount,
           r.cap_per_day
    FROM day d
    ASOF LEFT JOIN allowance_rates r
        ON r.organisation_id = d.organisation_id AND r.program = d.program AND r.payee = d.payee
       AND d.date >= r.applies_from
)
SELECT payee,
       coalesce(sum(CASE WHEN cap_per_day IS NOT NULL AND amount > cap_per_day THEN cap_per_day ELSE amount END), 0)
FROM priced
GROUP BY payee;
