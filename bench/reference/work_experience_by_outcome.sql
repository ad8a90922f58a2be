-- Placements of the subtree that ended in the period with a 結果, per 結果.
SELECT outcome, count(*) AS n
FROM placements
WHERE starts_with(path, $root) AND "end" BETWEEN $start AND $end AND coalesce(outcome, '') <> ''
GROUP BY outcome;
