-- ひきこもりサポーター of the subtree (by the supporter's organisation) whose status in force on the
-- period's last day (the change with the latest 適用開始日 on or before it) is 登録.
SELECT count(*) AS registered
FROM (
    SELECT c.supporter_id, arg_max(c.value, c.applies_from) AS value
    FROM supporter_status c
    JOIN supporters s ON s.id = c.supporter_id
    WHERE starts_with(s.path, $root) AND c.applies_from <= $end
    GROUP BY c.supporter_id
)
WHERE value = 'registered';
