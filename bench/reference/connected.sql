-- 居場所等の支援につながった件数, per target (本人 / 家族): the cases with a decided referral for that
-- target in the period, or whose first 居場所 attendance as that target falls in the period. A case
-- counts once per target however many referrals and attendances it had.
-- The first attendance is found here from the dates of all the case's attendances (not from the
-- exported is_first mark), so a mark set wrongly by the application shows up as a difference.
WITH decided AS (
    SELECT target, case_id
    FROM referrals
    WHERE starts_with(path, $root) AND date BETWEEN $start AND $end AND status = 'decided'
), first_attendance AS (
    SELECT target, case_id, min(date) AS date, arg_min(path, date) AS path
    FROM attendances
    WHERE case_id IS NOT NULL
    GROUP BY target, case_id
), attended AS (
    SELECT target, case_id
    FROM first_attendance
    WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
)
SELECT target, count(DISTINCT case_id) AS n
FROM (SELECT * FROM decided UNION SELECT * FROM attended) AS connected
GROUP BY target;
