-- Persons by their 年代 on their first worked day in the period (of any of their placements).
WITH first_day AS (
    SELECT p.case_id, min(w.date) AS date
    FROM worked_days w
    JOIN placements p ON p.id = w.placement_id
    WHERE starts_with(p.path, $root) AND w.date BETWEEN $start AND $end
    GROUP BY p.case_id
)
SELECT band_on(c.birth_date, c.age_band, f.date) AS band, count(*) AS persons
FROM first_day f
JOIN cases c ON c.id = f.case_id
GROUP BY band;
