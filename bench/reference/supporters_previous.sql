-- The activities of the same period one year earlier (29 February → 28 February: DuckDB's date minus
-- one year), against which the national outcome target compares.
SELECT count(*) AS n
FROM supporter_activities
WHERE starts_with(path, $root)
  AND date BETWEEN ($start::DATE - INTERVAL 1 YEAR)::DATE AND ($end::DATE - INTERVAL 1 YEAR)::DATE;
