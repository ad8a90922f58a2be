-- 新規: cases whose first contact falls in the period.
SELECT count(*) AS n
FROM cases
WHERE starts_with(path, $root) AND first_contact_on BETWEEN $start AND $end;
