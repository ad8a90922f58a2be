-- 延べ件数 by the person's age band on the day of the contact (stored on the contact).
SELECT age_band, count(*) AS n
FROM contacts
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY age_band;
