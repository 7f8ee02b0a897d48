prepare q(uuid, text[], int) as select count(*) from (select 1 from assignments a where a.tenant_id = $1
  and a.location_id = any (cast($2 as uuid[])) limit $3) as held;
