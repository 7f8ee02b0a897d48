prepare q(uuid, text[], bool, bigint) as select count(*) from (select 1 from users u where u.tenant_id = $1
  and exists (select 1 from assignments a where a.tenant_id = u.tenant_id and a.user_id = u.id
              and a.location_id = any (cast((select cast($2 as uuid[])) as uuid[])) offset 0)
  and u.hidden = $3 limit $4) as capped;
