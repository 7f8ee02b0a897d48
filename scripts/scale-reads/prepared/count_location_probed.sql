prepare q(uuid, text[], bool, bigint) as with holders as materialized (select distinct a.user_id from assignments a where a.tenant_id = $1 and a.location_id = any (cast($2 as uuid[])))
select count(*) from (select 1 from holders h cross join lateral (select 1 from users u where u.id = h.user_id and u.tenant_id = $1
  and u.hidden = $3) as listed limit $4) as capped;
