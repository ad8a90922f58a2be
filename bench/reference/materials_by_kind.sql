-- 広報 per kind, dated in the period in the subtree: the rows (for SNS投稿, `made` is this count of
-- posts), the copies made and distributed.
SELECT kind, count(*) AS rows, coalesce(sum(made), 0) AS made, coalesce(sum(distributed), 0) AS distributed
FROM materials
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end
GROUP BY kind;
