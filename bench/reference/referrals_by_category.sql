-- つなぎ by partner category, and how many were decided (支援決定). No category means 居場所.
SELECT coalesce(category, '居場所') AS category,
       count(*) AS n,
       count(*) FILTER (WHERE status = 'decided') AS decided
FROM referrals
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY 1;
