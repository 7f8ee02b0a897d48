prepare q(uuid, bool, bigint) as select count(*) from (select 1 from users u where u.tenant_id = $1 and u.hidden = $2 limit $3) as capped;
