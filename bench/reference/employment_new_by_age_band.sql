-- 新規登録者数: registrations of the subtree whose 登録日 is in the period, by the person's 年代 on 登録日.
SELECT band_on(c.birth_date, c.age_band, r.registered_on) AS band, count(*) AS n
FROM registrations r
JOIN cases c ON c.id = r.case_id
WHERE starts_with(r.path, $root) AND r.registered_on BETWEEN $start AND $end
GROUP BY band;
