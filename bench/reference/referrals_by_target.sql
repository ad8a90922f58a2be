-- つなぎ by whom they were for (本人 / 家族).
SELECT target, count(*) AS n
FROM referrals
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY target;
