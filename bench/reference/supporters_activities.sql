-- サポーターの活動 of the subtree in the period, per kind, with their minutes.
SELECT kind, count(*) AS n, coalesce(sum(minutes), 0) AS minutes
FROM supporter_activities
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY kind;
