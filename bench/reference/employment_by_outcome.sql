-- 進路決定者数 by 進路: registrations of the subtree whose 進路決定日 is in the period.
SELECT outcome, count(*) AS n
FROM registrations
WHERE starts_with(path, $root) AND decided_on BETWEEN $start AND $end
GROUP BY outcome;
