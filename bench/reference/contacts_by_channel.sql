-- 延べ件数 by channel (相談方法).
SELECT channel, count(*) AS n
FROM contacts
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY channel;
