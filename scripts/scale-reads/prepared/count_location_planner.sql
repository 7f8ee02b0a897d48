prepare q(uuid, text[], bool, bigint) as select count(*) from (select 1 from users u where u.tenant_id = $1
  and u.id in (select a.user_id from assignments a where a.tenant_id = $1 and a.location_id = any (cast($2 as uuid[])))
  and u.hidden = $3 limit $4) as capped;
