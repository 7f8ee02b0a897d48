prepare q(uuid, text[], bool, bigint) as select count(*) from (select 1
  from (select distinct a.user_id from assignments a where a.tenant_id = $1 and a.location_id = any (cast($2 as uuid[]))) as h
  cross join lateral (select 1 from users u where u.tenant_id = $1 and u.id = h.user_id and u.hidden = $3) as listed
  limit $4) as capped;
