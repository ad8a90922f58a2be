-- 延べ件数 by who consulted (相談者).
SELECT consulter, count(*) AS n
FROM contacts
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY consulter;
