-- 窓口の明確化, today's directory whatever the period: the active municipalities and designated cities
-- of the subtree, and those with a named public consultation window.
SELECT count(*) AS municipalities,
       count(*) FILTER (WHERE coalesce(window_name, '') <> '') AS windows
FROM organisations
WHERE starts_with(path, $root) AND kind IN ('municipality', 'designated_city') AND is_active;
