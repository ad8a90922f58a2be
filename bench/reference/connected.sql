-- 居場所等の支援につながった件数: a case counts once per target however many decided referrals it had.
SELECT target, count(DISTINCT case_id) AS n
FROM referrals
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end AND status = 'decided'
GROUP BY target;
