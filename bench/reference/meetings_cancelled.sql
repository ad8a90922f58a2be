-- The cancelled (中止) meetings of the subtree dated in the period, in date order.
SELECT date, kind, name, coalesce(region, '') AS region
FROM meetings
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end AND status = 'cancelled'
ORDER BY date, id;
