-- 延べ件数, 実人数 and the 訪問・同行 with a peer supporter, over the subtree ($root is a path prefix).
SELECT count(*) AS total,
       count(DISTINCT case_id) AS persons,
       count(*) FILTER (WHERE channel IN ('home_visit', 'accompany') AND with_peer) AS with_peer
FROM contacts
WHERE starts_with(path, $root) AND date BETWEEN $start AND $end;
