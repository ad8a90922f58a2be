-- 利用登録者数: cases with a registration of the subtree open (登録日 to 終了日 inclusive) on any day of
-- the period.
SELECT count(DISTINCT case_id) AS registered
FROM registrations
WHERE starts_with(path, $root) AND registered_on <= $end AND (ended_on IS NULL OR ended_on >= $start);
