prepare q(uuid, text[], bool, bigint) as with holders as materialized (
    select distinct a.user_id from assignments a where a.tenant_id = $1
    and a.location_id = any (cast($2 as uuid[])))
select count(*) from (select 1 from users u where u.tenant_id = $1
  and u.id in (select h.user_id from holders h) and u.hidden = $3 limit $4) as capped;
