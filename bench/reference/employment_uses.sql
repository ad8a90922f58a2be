-- 利用回数（延べ）: contacts in the period of a case at an organisation of the subtree where the case was
-- registered that day (登録日 to 終了日 inclusive); a contact counts once however many of its case's
-- registrations cover it.
SELECT count(*) AS uses
FROM contacts c
WHERE c.date BETWEEN $start AND $end AND starts_with(c.path, $root)
  AND EXISTS (
      SELECT 1 FROM registrations r
      WHERE r.case_id = c.case_id AND r.path = c.path
        AND c.date BETWEEN r.registered_on AND coalesce(r.ended_on, DATE '9999-12-31')
  );
