-- 延べ件数, channel × who consulted.
SELECT channel, consulter, count(*) AS n
FROM contacts
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY channel, consulter;
